"""Controls every model panel shares: a style list, a key chooser that follows the song's key,
a temperature box and a run button that turns into Cancel while its job runs."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from latentroll.core.song import Song
from latentroll.core.theory import NOTE_NAMES, SCALE_STEPS, Scale

from .model_context import ModelContext
from .workers import Worker

ANY_STYLE = "Any style"
KEY_FIT = 0.98  # share of the song's notes in its key for "In key" to start ticked


def style_title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def temperature_box(parent: QWidget, value: float = 1.0, prefix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(0.0, 2.0)
    box.setSingleStep(0.1)
    box.setValue(value)
    box.setPrefix(prefix)
    box.setToolTip("0: the most likely notes · 1: natural · 2: adventurous")
    return box


class StyleList(QListWidget):
    """The styles a model knows by name, after "Any style"; the chosen one's description shows
    in full in ``caption`` (word-wrapped, for the panel to put under the list), each one's as
    its tooltip: "Irish — Irish dance tunes and airs (O'Neill…" no longer runs off the dock."""

    def __init__(self, max_rows: int = 10, parent=None):
        super().__init__(parent)
        self.max_rows = max_rows  # more styles scroll
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setToolTip("The style the model writes in")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.caption = QLabel(parent)
        self.caption.setObjectName("dim")
        self.caption.setWordWrap(True)
        self.currentItemChanged.connect(lambda item, _old: self.caption.setText(
            item.data(Qt.ItemDataRole.ToolTipRole) if item is not None else ""))
        self.fill(())  # "Any style" until the model tells its styles

    def fill(self, styles: tuple[tuple[str, str], ...]) -> None:
        """Show ``styles`` (name, description), keeping the chosen one when it is still there."""
        current = self.style
        self.clear()
        for name, title, description in ((None, ANY_STYLE, "No style label: whatever the model finds likely"),
                                         *((n, style_title(n), d) for n, d in styles)):
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(description)
            self.addItem(item)
        rows = [i for i in range(self.count()) if self.item(i).data(Qt.ItemDataRole.UserRole) == current]
        self.setCurrentRow(rows[0] if rows else 0)
        shown = min(self.count(), self.max_rows)
        self.setFixedHeight(self.sizeHintForRow(0) * shown + 2 * self.frameWidth() + 2)

    @property
    def style(self) -> str | None:
        item = self.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def set_style(self, name: str | None) -> None:
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == name:
                self.setCurrentRow(i)
                return
        raise KeyError(name)


def song_fits_key(song: Song, scale: Scale) -> bool:
    """Whether the song's pitched notes keep to ``scale`` (an empty song does): then its key
    field is to be trusted. A file without a key signature reads as C major, and constraining a
    G major melody to that would drop every F#."""
    pitches = [t.notes["pitch"] for t in song.tracks if not t.is_drum and len(t.notes)]
    if not pitches:
        return True
    classes = np.concatenate(pitches) % 12
    return float(np.isin(classes, list(scale.pitch_classes)).mean()) >= KEY_FIT


class KeyChooser(QWidget):
    """"In key" + tonic + mode. Follows the song's key until the user picks another one; a new
    song makes it follow again. Every panel ticks "In key" by the same rule: on when the song's
    notes keep to its key (``song_fits_key``), off when they do not; the user's tick holds until
    another song is opened."""

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self._follows_song = True
        checked = song_fits_key(ctx.doc.song, ctx.song_scale())
        self.in_key = QCheckBox("In key", self)
        self.in_key.setToolTip("Only use notes of this key and scale")
        self.tonic = QComboBox(self)
        self.tonic.addItems(list(NOTE_NAMES))
        self.mode = QComboBox(self)
        for mode in SCALE_STEPS:
            self.mode.addItem(mode.replace("_", " "), mode)
        for combo in (self.tonic, self.mode):
            combo.activated.connect(self._on_edited)
        self.in_key.toggled.connect(lambda on: (self.tonic.setEnabled(on), self.mode.setEnabled(on)))
        self.in_key.setChecked(checked)
        self.tonic.setEnabled(checked)
        self.mode.setEnabled(checked)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.in_key)
        lay.addWidget(self.tonic)
        lay.addWidget(self.mode, 1)
        # Follow chords: strong-beat notes lean on the chord lane's chords (the models' ``chords=``).
        self.follow_chords = follow_chords_box(self)
        lay.addWidget(self.follow_chords)
        ctx.state.scaleChanged.connect(self._follow_song)
        ctx.doc.songReplaced.connect(self._reset)
        self._follow_song()

    def _on_edited(self, _i: int) -> None:
        self._follows_song = False

    def _reset(self) -> None:
        self._follows_song = True
        self._follow_song()
        self.in_key.setChecked(song_fits_key(self.ctx.doc.song, self.ctx.song_scale()))

    def _follow_song(self) -> None:
        if not self._follows_song:
            return
        scale = self.ctx.song_scale()
        self.tonic.setCurrentIndex(scale.tonic)
        self.mode.setCurrentIndex(max(0, self.mode.findData(scale.mode)))
        self.tonic.setToolTip(f"Follows the song's key ({scale.name}) until you change it")

    @property
    def scale(self) -> Scale | None:
        if not self.in_key.isChecked():
            return None
        return Scale(self.tonic.currentIndex(), self.mode.currentData())


class RunButton(QPushButton):
    """Starts a job; reads "Cancel" while the job it was given runs. ``clicked_run`` fires
    when pressed idle, ``clicked_cancel`` when pressed during the job."""

    clicked_run = Signal()
    clicked_cancel = Signal()

    def __init__(self, text: str, parent=None):
        super().__init__(text, parent)
        self.idle_text = text
        self.worker: Worker | None = None
        self.clicked.connect(lambda: self.clicked_cancel.emit() if self.worker is not None else self.clicked_run.emit())

    def set_idle_text(self, text: str) -> None:
        self.idle_text = text
        if self.worker is None:
            self.setText(text)

    def track(self, worker: Worker | None) -> Worker | None:
        """Show Cancel until ``worker`` finishes (a newer job replaces an older one)."""
        if worker is not None:
            self.worker = worker
            self.setText("Cancel")
            worker.signals.finished.connect(lambda w=worker: self._done(w))
            if worker.done:  # a quick job may finish before the line above: its signal is gone
                QTimer.singleShot(0, self, lambda w=worker: self._done(w))
        return worker

    def _done(self, worker: Worker) -> None:
        if worker is self.worker:
            self.worker = None
            self.setText(self.idle_text)


NO_CHORDS = ("This song has no chords yet: add them in the chord lane above the roll, "
             "or suggest some in Model Tools ▸ Chords")  # what "Follow chords" says on a song without any


def follow_chords_box(parent: QWidget) -> QCheckBox:
    """"Follow chords": strong-beat notes lean on the chord lane's chords (the models' ``chords=``)."""
    box = QCheckBox("Follow chords", parent)
    box.setToolTip("Notes on strong beats lean on the tones of the chord lane's chords")
    return box
