"""The piano-roll editor panel: tool bar (tools, grid, view toggles, MIDI drag handle),
ruler, chord lane, keyboard, canvas and velocity lane laid out so their pixels line up."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDrag, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from latentroll.core.timing import GRIDS

from ..document import Document
from ..editor_state import EditorState
from ..elided_label import ElidedLabel
from .chord_lane import ChordLane
from .keyboard import KEY_WIDTH, KeyboardWidget
from .ruler import RulerWidget
from .velocity_lane import VelocityLane
from .view import PianoRollView

TOOL_KEYS = {"draw": ("Draw", "D"), "select": ("Select", "S"), "erase": ("Erase", "E")}
EXTRA_KEYS = {"draw": "B"}  # B also picks the pencil, as in REAPER and Cubase


def file_mime(path) -> QMimeData:
    """What file managers and DAWs accept from a drag: the file's URL (text/uri-list)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    return mime


class DragHandle(QToolButton):
    """Press and drag to drop the selection (or the whole track) into another app as a .mid file."""

    def __init__(self, make_file, parent=None):
        super().__init__(parent)
        self.make_file = make_file  # () -> Path | None
        self.setText("⇱ Drag MIDI")
        self.setToolTip("Drag the selected notes (or the whole track) out as a MIDI file")
        self._press = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or (event.position() - self._press).manhattanLength() < 4:
            return
        self._press = None
        path = self.make_file()
        if path is None:
            return
        drag = QDrag(self)
        drag.setMimeData(file_mime(path))
        drag.exec(Qt.DropAction.CopyAction)

    def mouseReleaseEvent(self, _event) -> None:
        self._press = None


class PianoRollEditor(QWidget):
    gridChanged = Signal(str)

    def __init__(self, document: Document, state: EditorState, parent=None):
        super().__init__(parent)
        self.doc = document
        self.state = state
        self.view = PianoRollView(document, state, self)
        self.keyboard = KeyboardWidget(self.view, self)
        self.ruler = RulerWidget(self.view, self)
        self.chord_lane = ChordLane(self.view, self)
        self.chord_lane.chordTonesChanged.connect(self.keyboard.set_chord_tones)
        self.chord_lane.message.connect(self.view.message)
        self.lane = VelocityLane(self.view, self)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.setSpacing(4)
        self.tool_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for tool, (label, key) in TOOL_KEYS.items():
            act = QAction(label, self, checkable=True)
            act.setShortcuts([QKeySequence(k) for k in (key, EXTRA_KEYS.get(tool)) if k])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)  # wherever the window's focus is
            act.setToolTip(f"{label} tool ({key})")
            act.setChecked(tool == state.tool)
            act.triggered.connect(lambda _c=False, t=tool: state.set_tool(t))
            group.addAction(act)
            self.addAction(act)
            btn = QToolButton(self)
            btn.setDefaultAction(act)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            bar.addWidget(btn)
            self.tool_actions[tool] = act
        state.toolChanged.connect(lambda t: self.tool_actions[t].setChecked(True))
        bar.addSpacing(12)
        bar.addWidget(QLabel("Grid"))
        self.grid_combo = QComboBox(self)
        self.grid_combo.addItems(list(GRIDS))
        self.grid_combo.setCurrentText(state.grid)
        self.grid_combo.setToolTip("Snap grid (hold Alt while dragging to place freely)")
        self.grid_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.grid_combo.currentTextChanged.connect(state.set_grid)
        state.gridChanged.connect(self._on_grid)
        bar.addWidget(self.grid_combo)
        hint = ElidedLabel("Alt: no snap · right-click: erase · Ctrl+wheel: zoom")  # gives way to a right dock
        hint.setObjectName("dim")
        bar.addSpacing(12)
        bar.addWidget(hint, 1)
        self.drag_handle = DragHandle(lambda: None, self)
        self.drag_handle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bar.addWidget(self.drag_handle)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        corner = QWidget(self)
        corner.setFixedSize(QSize(KEY_WIDTH, self.ruler.height()))
        grid.addWidget(corner, 0, 0)
        grid.addWidget(self.ruler, 0, 1)
        chords_label = QLabel("Chords", self)
        chords_label.setObjectName("dim")
        chords_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        chords_label.setFixedWidth(KEY_WIDTH)
        grid.addWidget(chords_label, 1, 0)
        grid.addWidget(self.chord_lane, 1, 1)
        grid.addWidget(self.keyboard, 2, 0)
        grid.addWidget(self.view, 2, 1)
        lane_label = QLabel("Velocity", self)
        lane_label.setObjectName("dim")
        lane_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        lane_label.setFixedWidth(KEY_WIDTH)
        grid.addWidget(lane_label, 3, 0)
        grid.addWidget(self.lane, 3, 1)
        grid.setRowStretch(2, 1)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addLayout(bar)
        outer.addLayout(grid, 1)

    def _on_grid(self, name: str) -> None:
        if self.grid_combo.currentText() != name:
            self.grid_combo.setCurrentText(name)
