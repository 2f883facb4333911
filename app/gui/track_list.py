"""The track list: one row per track (name, GM instrument, mute, solo, volume).

Every change is a core SetTrackProperty command on the undo stack. Rows rebuild when tracks are
added or removed and update in place (signals blocked) when a property changes, so there are no
feedback loops between the widgets and the document.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollArea,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from latentroll.core.channels import free_channels
from latentroll.core.commands import AddTrack, Macro, RemoveTrack, SetTrackProperty, rename_track
from latentroll.core.song import Track

from .document import Document
from .editor_state import EditorState
from .instrument_picker import InstrumentCombo
from .instruments import DRUM_KIT, GM_PROGRAMS
from .theme import track_color
from .undo import ChangeSet

DRUM_INDEX = len(GM_PROGRAMS)  # the combo's last entry
# Rows built ahead, hidden, while the app is idle: accepting a harmony adds three tracks at once,
# and building their rows then (~7 ms each) would stall the click.
SPARE_ROWS = 3


class ColorStrip(QWidget):
    """The track's colour at the row's edge (painted: a style sheet per row costs a restyle)."""

    def __init__(self, color: QColor, parent: QWidget):
        super().__init__(parent)
        self.color = color
        self.setFixedWidth(5)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.color)
        p.drawRoundedRect(self.rect(), 2, 2)


class TrackRow(QFrame):
    clicked = Signal(int)

    def __init__(self, index: int, track: Track, owner: "TrackList"):
        super().__init__()
        self.index = index
        self.owner = owner
        self.setObjectName("trackRow")
        self.setProperty("current", False)
        self.strip = strip = ColorStrip(track_color(index), self)
        self.name_edit = QLineEdit(track.name, self)
        self.name_edit.setToolTip("Track name")
        self.name_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # only a click: Space stays the transport's
        self.name_edit.editingFinished.connect(self._on_name)
        self.program = InstrumentCombo(self)  # opens a list grouped by GM family, with a filter
        self.program.setModel(owner.program_names)  # one list of 129 names for all rows
        # Shrinks with the track list (the list it opens still shows whole names), so a right
        # dock never pushes the row into a sideways scroll bar.
        self.program.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.program.setMinimumContentsLength(10)
        self.program.activated.connect(self._on_program)
        self.mute = self._toggle("M", "mute", "Mute")
        self.solo = self._toggle("S", "solo", "Solo")
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 127)
        self.volume.setToolTip("Volume (MIDI CC 7)")
        self.volume.sliderReleased.connect(self._on_volume)
        self.volume.valueChanged.connect(self._on_volume_value)
        self.vol_label = QLabel(self)
        self.vol_label.setObjectName("dim")
        self.vol_label.setFixedWidth(26)

        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(self.name_edit, 1)
        top.addWidget(self.mute)
        top.addWidget(self.solo)
        bottom = QHBoxLayout()
        bottom.setSpacing(4)
        bottom.addWidget(self.program, 1)
        bottom.addWidget(self.volume, 1)
        bottom.addWidget(self.vol_label)
        col = QVBoxLayout()
        col.setSpacing(3)
        col.addLayout(top)
        col.addLayout(bottom)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 4, 6, 4)
        lay.setSpacing(6)
        lay.addWidget(strip)
        lay.addLayout(col, 1)
        self.update_from(track)
        for w in (self.name_edit, self.program, self.mute, self.solo, self.volume):
            w.installEventFilter(self)

    def reuse(self, index: int, track: Track) -> None:
        """Become row ``index`` (a spare taken into the list)."""
        self.index = index
        self.strip.color = track_color(index)
        self.strip.update()
        self.update_from(track)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:
            self.clicked.emit(self.index)  # using any control of a row makes it the current track
        return False

    def _toggle(self, text: str, name: str, tip: str) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setCheckable(True)
        b.setObjectName(name)
        b.setToolTip(tip)
        b.setFixedWidth(26)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        b.toggled.connect(lambda on, n=name: self.owner.set_property(self.index, n, bool(on)))
        return b

    def update_from(self, track: Track) -> None:
        widgets = (self.name_edit, self.program, self.mute, self.solo, self.volume)
        for w in widgets:
            w.blockSignals(True)
        if not self.name_edit.hasFocus():
            self.name_edit.setText(track.name)
        origin = self.owner.doc.track_origins.get(track.name)
        self.name_edit.setToolTip(f"{track.name}\nfrom {origin}" if origin else f"Track name: {track.name}")
        self.program.setCurrentIndex(DRUM_INDEX if track.is_drum else track.program)
        self.mute.setChecked(track.mute)
        self.solo.setChecked(track.solo)
        if not self.volume.isSliderDown():
            self.volume.setValue(track.volume)
        self.vol_label.setText(str(track.volume))
        for w in widgets:
            w.blockSignals(False)

    def set_current(self, current: bool) -> None:
        self.setProperty("current", current)
        self.style().unpolish(self)
        self.style().polish(self)

    def _on_name(self) -> None:
        """Enter or leaving the field: one rename; after Enter the keys go back to the roll."""
        self.owner.rename(self.index, self.name_edit.text())
        if self.name_edit.hasFocus():
            self.name_edit.clearFocus()

    def _on_program(self, combo_index: int) -> None:
        self.owner.set_instrument(self.index, combo_index)

    def _on_volume_value(self, value: int) -> None:
        self.vol_label.setText(str(value))
        if not self.volume.isSliderDown():  # keyboard or wheel: one step, one command
            self.owner.set_property(self.index, "volume", int(value))

    def _on_volume(self) -> None:
        self.owner.set_property(self.index, "volume", int(self.volume.value()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(self.index)
        if event.button() == Qt.MouseButton.RightButton:
            self.owner.show_menu(self.index, event.globalPosition().toPoint())


class TrackList(QWidget):
    def __init__(self, document: Document, state: EditorState, parent=None):
        super().__init__(parent)
        self.doc = document
        self.state = state
        self.rows: list[TrackRow] = []
        self.spares: list[TrackRow] = []  # built ahead, hidden, not in the layout
        self.program_names = QStringListModel([f"{i + 1:3d} {n}" for i, n in enumerate(GM_PROGRAMS)] + [DRUM_KIT], self)
        header = QHBoxLayout()
        title = QLabel("Tracks")
        title.setStyleSheet("font-weight: bold;")
        header.addWidget(title)
        header.addStretch(1)
        self.add_button = QToolButton(self)
        self.add_button.setText("+ Track")
        self.add_button.setToolTip("Add a track")
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_button.clicked.connect(self.add_track)
        header.addWidget(self.add_button)
        self._rows_box = QVBoxLayout()
        self._rows_box.setSpacing(4)
        self._rows_box.setContentsMargins(0, 0, 0, 0)
        self._inner = inner = QWidget()
        inner_lay = QVBoxLayout(inner)
        inner_lay.setContentsMargins(0, 0, 4, 0)
        inner_lay.addLayout(self._rows_box)
        inner_lay.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 2, 6)
        lay.addLayout(header)
        lay.addWidget(scroll, 1)
        self.setMinimumWidth(250)
        document.changed.connect(self._on_changed)
        document.songReplaced.connect(self.rebuild)
        state.trackChanged.connect(self._mark_current)
        self.rebuild()

    # ---- edits -------------------------------------------------------------------------
    def set_property(self, index: int, name: str, value) -> None:
        track = self.doc.song.tracks[index]
        if getattr(track, name) != value:
            labels = {"mute": "Mute track", "solo": "Solo track", "volume": "Set volume"}
            self.doc.push(SetTrackProperty(index, name, value, text=labels.get(name, "Change track")))

    def rename(self, index: int, name: str) -> None:
        name = name.strip()
        if name and name != self.doc.song.tracks[index].name:
            self.doc.push(rename_track(index, name))

    def set_instrument(self, index: int, combo_index: int) -> None:
        track = self.doc.song.tracks[index]
        drum = combo_index == DRUM_INDEX
        cmds = []
        if drum != track.is_drum:
            cmds.append(SetTrackProperty(index, "is_drum", drum))
            cmds.append(SetTrackProperty(index, "channel", 9 if drum else self._free_channel(index)))
        if not drum and combo_index != track.program:
            cmds.append(SetTrackProperty(index, "program", combo_index))
        if cmds:
            self.doc.push(Macro(cmds, text="Change instrument"))

    def _free_channel(self, index: int) -> int:
        return free_channels(self.doc.song, 1, ignore=index)[0]

    def add_track(self) -> None:
        n = len(self.doc.song.tracks)
        track = Track(name=f"Track {n + 1}", program=0, channel=self._free_channel(n))
        self.doc.push(AddTrack(track))
        self.state.set_current_track(n)

    def remove_track(self, index: int) -> None:
        self.doc.push(RemoveTrack(index))

    def show_menu(self, index: int, pos) -> None:
        menu = QMenu(self)
        menu.addAction("Delete track", lambda: self.remove_track(index))
        menu.addAction("Add track", self.add_track)
        menu.popup(pos)

    # ---- refresh -----------------------------------------------------------------------
    def rebuild(self) -> None:
        """Rows for the song's tracks: the existing rows (one per index, so its colour stays)
        refresh in place, rows are added or dropped at the end."""
        tracks = self.doc.song.tracks
        for row in self.rows[len(tracks):]:
            self._rows_box.removeWidget(row)
            row.hide()
            if len(self.spares) < SPARE_ROWS:
                self.spares.append(row)
            else:
                row.deleteLater()
        del self.rows[len(tracks):]
        for row, track in zip(self.rows, tracks):
            row.update_from(track)
        for i in range(len(self.rows), len(tracks)):
            if self.spares:
                row = self.spares.pop()
                row.reuse(i, tracks[i])
            else:
                row = self._new_row(i, tracks[i])
            self._rows_box.addWidget(row)
            row.show()
            self.rows.append(row)
        self._mark_current(self.state.current_track)
        if len(self.spares) < SPARE_ROWS:
            QTimer.singleShot(0, self._build_spares)

    def _new_row(self, index: int, track: Track) -> TrackRow:
        row = TrackRow(index, track, self)
        row.setParent(self._inner)
        row.clicked.connect(self.state.set_current_track)
        return row

    def _build_spares(self) -> None:
        """Fill the pool of hidden rows (run when the event loop is idle)."""
        while len(self.spares) < SPARE_ROWS:
            row = self._new_row(-1, Track())
            row.hide()
            self.spares.append(row)

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.tracks:
            self.rebuild()
            return
        for i in changes.track_props:
            if i < len(self.rows):
                self.rows[i].update_from(self.doc.song.tracks[i])

    def _mark_current(self, index: int) -> None:
        for i, row in enumerate(self.rows):
            row.set_current(i == index)
