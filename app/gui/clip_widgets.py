"""Widgets the model panels share: a clip card (mini roll, play, accept), a clip picker (shelf,
the current selection, a file) and the action row under a clip view."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .clips import BAR_4_4, Clip, ClipShelf
from .elided_label import ElidedLabel
from .mini_roll import MiniRoll, clip_span
from .piano_roll.editor import file_mime
from .song_files import CLIP_FILE_FILTER

DRAG_PX = 6
CARD_MAX_PX = 96  # tallest card roll
SOURCE_MARK = {"song": "♪", "file": "▤", "generated": "✦", "explorer": "◆", "map": "◎"}


def start_file_drag(source: QWidget, path: Path | None) -> None:
    """Drag ``path`` out as a file URL (DAWs and file managers take it); the file stays."""
    if path is None:
        return
    drag = QDrag(source)
    drag.setMimeData(file_mime(path))
    drag.exec(Qt.DropAction.CopyAction)


class DragPress:
    """Tells a click from a drag: remembers the press, reports once the mouse moved far enough."""

    def __init__(self) -> None:
        self.pos: QPointF | None = None
        self.payload = None

    def press(self, pos: QPointF, payload=None) -> None:
        self.pos, self.payload = QPointF(pos), payload

    def moved_far(self, pos: QPointF) -> bool:
        return self.pos is not None and (pos - self.pos).manhattanLength() >= DRAG_PX

    def clear(self) -> None:
        self.pos = self.payload = None


class CardRoll(MiniRoll):
    """The card's mini roll: click to hear, drag to take the clip out as a .mid file."""

    clicked = Signal()
    dragRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._press = DragPress()
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to hear · drag out as a MIDI file")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press.press(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press.moved_far(event.position()):
            self._press.clear()
            self.dragRequested.emit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press.pos is not None and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        self._press.clear()


@dataclass(frozen=True)
class CardOptions:
    """How a candidate card differs from a plain generated clip."""

    context: np.ndarray | None = None  # dimmed notes drawn behind the clip's (what it continues, replaces…)
    before: Clip | None = None         # a second clip to hear: the notes before a repair
    accept_tip: str = ""               # what Accept does, when it is not "insert at the playhead"
    as_track: bool = True              # offer "+ Track"
    track_tip: str = ""                # what "+ Track" does, when not "insert at the playhead" (shown then too)
    warning: str = ""                  # shown on the card: what Accept would do that the user may not want


def _on_bar_lines(notes: np.ndarray, context: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Shift both by whole bars when the context starts before the clip (what it continues),
    so the card shows it too."""
    if context is None or not len(context) or int(context["start"].min()) >= 0:
        return notes, context
    shift = -(int(context["start"].min()) // BAR_4_4) * BAR_4_4
    notes, context = notes.copy(), context.copy()
    notes["start"] += shift
    context["start"] += shift
    return notes, context


class ClipCard(QFrame):
    """One candidate: its notes, its name, ▶, Accept (into the current track) and + Track."""

    playRequested = Signal(object)     # Clip
    acceptRequested = Signal(object, bool)  # Clip, as a new track
    dragRequested = Signal(object)

    def __init__(self, clip: Clip, clip_ticks: int, parent=None, options: CardOptions = CardOptions()):
        super().__init__(parent)
        self.clip = clip
        self.options = options
        self.setObjectName("clipCard")
        self.roll = CardRoll(self)
        notes, context = _on_bar_lines(clip.track.notes, options.context)
        both = notes if context is None else np.concatenate([notes, context])
        self.roll.set_notes(notes, clip_span(both, clip_ticks), context)
        if context is not None and len(both):  # a candidate among other voices gets room for them all
            rows = int(both["pitch"].max()) - int(both["pitch"].min()) + 1
            self.roll.setMinimumHeight(min(CARD_MAX_PX, max(self.roll.minimumHeight(), 2 * rows)))
        self.roll.clicked.connect(lambda: self.playRequested.emit(self.clip))
        self.roll.dragRequested.connect(lambda: self.dragRequested.emit(self.clip))
        name = ElidedLabel(clip.name, self)
        name.setObjectName("dim")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(name, 1)
        if options.before is not None:
            before = QToolButton(self)
            before.setText("▶ Before")
            before.setToolTip("Hear the notes as they are now")
            before.clicked.connect(lambda: self.playRequested.emit(options.before))
            row.addWidget(before)
        play = QToolButton(self)
        play.setText("▶" if options.before is None else "▶ After")
        play.setToolTip("Hear this clip")
        play.clicked.connect(lambda: self.playRequested.emit(self.clip))
        accept = QPushButton("Accept", self)
        accept.setObjectName("accept")
        accept.setToolTip(options.accept_tip or "Insert into the current track at the playhead (undoable)")
        accept.clicked.connect(lambda: self.acceptRequested.emit(self.clip, False))
        as_track = QToolButton(self)
        as_track.setText("+ Track")
        as_track.setToolTip(options.track_tip or "Insert as a new track at the playhead (undoable)")
        as_track.clicked.connect(lambda: self.acceptRequested.emit(self.clip, True))
        if clip.anchor is not None and not options.accept_tip:  # a transfer goes back where its source was
            accept.setToolTip("Add as a new track under the original (undoable)")
        as_track.setVisible(options.as_track and (clip.anchor is None or bool(options.track_tip)))
        row.addWidget(play)
        row.addWidget(accept)
        row.addWidget(as_track)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(3)
        lay.addWidget(self.roll)
        if options.warning:
            self.warning = QLabel(f"⚠ {options.warning}", self)
            self.warning.setWordWrap(True)
            self.warning.setToolTip(options.warning)
            lay.addWidget(self.warning)
        lay.addLayout(row)

    def set_playing(self, playing: bool) -> None:
        self.roll.set_flags(playing=playing)


class ClipPicker(QComboBox):
    """Pick a clip: any on the shelf, the current selection in the piano roll, or a file.

    The two special entries run ``take_selection`` / ``open_file`` (given by the panel) and
    then select what they added."""

    clipChanged = Signal()

    SELECTION, FILE = -1, -2

    def __init__(self, shelf: ClipShelf, take_selection: Callable[[], Clip | None],
                 open_file: Callable[[Callable[[list[Clip]], None]], None], parent=None):
        super().__init__(parent)
        self.shelf = shelf
        self.take_selection = take_selection
        self.open_file = open_file
        # Narrow enough for the explorer's A/B row beside a right dock at 1440 px; the popup
        # still opens as wide as the longest clip name.
        self.setMinimumContentsLength(11)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._uid: int | None = None
        shelf.changed.connect(self.rebuild)
        self.activated.connect(self._on_activated)
        self.rebuild()

    @property
    def clip(self) -> Clip | None:
        return self.shelf.by_uid(self._uid) if self._uid is not None else None

    def set_clip(self, clip: Clip | None) -> None:
        self._uid = clip.uid if clip is not None else None
        self.rebuild()
        self.clipChanged.emit()

    def rebuild(self) -> None:
        self.blockSignals(True)
        self.clear()
        current = -1
        for i, c in enumerate(self.shelf.clips):
            self.addItem(f"{SOURCE_MARK.get(c.source, '•')} {c.name}", c.uid)
            if c.uid == self._uid:
                current = i
        if self.shelf.clips:
            self.insertSeparator(self.count())
        self.addItem("♪ Take the piano-roll selection", self.SELECTION)
        self.addItem("▤ From a MIDI / MusicXML / ABC file…", self.FILE)
        if current < 0:
            self._uid = None
            self.setCurrentIndex(-1)
            self.setPlaceholderText("choose a clip…")
        else:
            self.setCurrentIndex(current)
        self.blockSignals(False)

    def _on_activated(self, index: int) -> None:
        data = self.itemData(index)
        if data == self.SELECTION:
            clip = self.take_selection()
            self.set_clip(self.shelf.add(clip)[0] if clip is not None else self.clip)
        elif data == self.FILE:
            self.rebuild()  # back to the previous choice until the file is read
            self.open_file(lambda clips: clips and self.set_clip(clips[0]))
        else:
            self._uid = data
            self.clipChanged.emit()


def ask_music_file(parent: QWidget, folder: str = "") -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, "Take a clip from a file", folder, CLIP_FILE_FILTER)
    return Path(chosen) if chosen else None


class ClipActions(QWidget):
    """The row under a clip view: what is selected, ▶ Play, Insert, + Track, Keep."""

    def __init__(self, current: Callable[[], Clip | None], play: Callable[[Clip], None],
                 insert: Callable[[Clip, bool], None], keep: Callable[[Clip], None] | None, parent=None):
        super().__init__(parent)
        self.current = current
        self.label = ElidedLabel("Nothing selected", self)  # a long clip name never widens the panel
        self.label.setObjectName("dim")
        self.buttons: dict[str, QPushButton] = {}
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.label, 1)
        specs = [("play", "▶ Play", "Hear the selected clip", lambda c: play(c)),
                 ("insert", "Insert", "Insert into the current track at the playhead (one undo step)",
                  lambda c: insert(c, False)),
                 ("track", "+ Track", "Insert as a new track at the playhead (one undo step)",
                  lambda c: insert(c, True))]
        if keep is not None:
            specs.append(("keep", "Keep", "Keep it in the clip list (to pick as an end or a corner)", keep))
        for name, text, tip, slot in specs:
            b = QPushButton(text, self)
            b.setToolTip(tip)
            b.clicked.connect(lambda _c=False, s=slot: (c := self.current()) is not None and s(c))
            lay.addWidget(b)
            self.buttons[name] = b
        self.refresh()

    def refresh(self) -> None:
        clip = self.current()
        self.label.setText(f"Selected: {clip.name}" if clip is not None else "Click a clip to select and hear it")
        for b in self.buttons.values():
            b.setEnabled(clip is not None)
