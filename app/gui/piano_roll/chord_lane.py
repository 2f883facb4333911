"""The chord lane: a strip between the ruler and the roll showing the song's chord track as
blocks, each from its chord to the next (the last to the end of its bar; a faint band carries it
to the song's end), scrolled and zoomed with the roll.

- Click an empty place: an editor at that (snapped) tick; type ``Am7`` and Enter, or pick one
  of the key's diatonic chords from the list under it. A symbol that does not parse shows its
  one-line error and keeps the editor open. Shift+click inside a block adds a chord there too.
- Double-click a block: edit it. Drag a block: move it (snapped; Alt: free). Drag a block's
  right edge: resize it (the next chord starts elsewhere). Right-click a block, or select it and
  press Delete: remove it. Each gesture is one undo step (the core chord commands).
- The chord under the mouse (over the lane or the roll), else under the playhead, is announced
  by ``chordTonesChanged`` so the keyboard column marks its tones; it is emitted only when the
  chord changes, so playback repaints nothing per frame.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QKeyEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from latentroll.core.bars import bar_at, snap_tick
from latentroll.core.chords import ChordEvent, ChordSymbolError, parse_chord
from latentroll.core.commands import CommandError, add_chord, change_chord, move_chord, remove_chord

from ..chord_voicing import diatonic_chords
from ..theme import ROLL
from .view import PianoRollView

CHORD_LANE_HEIGHT = 24
EDGE_PX = 5           # the grab zone of a block's right edge
EDITOR_WIDTH = 96
BLOCK = QColor("#3b5f86")
BLOCK_SELECTED = QColor("#5d8fc4")
BLOCK_EDGE = QColor("#1b2a3b")
HOLD = QColor(59, 95, 134, 70)     # the last chord held on to the song's end
CHORD_TONE = QColor(93, 160, 220)  # the keyboard's marks for the chord's tones
CHORD_ROOT = QColor(240, 160, 48)


@dataclass(frozen=True)
class ChordTones:
    """What the keyboard marks: the chord's pitch classes and its root (None: no chord)."""

    root: int | None = None
    pitch_classes: frozenset[int] = frozenset()


@dataclass
class _Press:
    index: int        # the chord pressed (-1: none)
    zone: str         # "move", "resize" or "empty"
    x: float
    grab: int         # tick under the pointer minus the moved chord's tick
    dragging: bool = False
    tick: int | None = None  # the dragged chord's new start


class ChordEditor(QLineEdit):
    """Where a chord symbol is typed; a list of the key's diatonic chords hangs under it."""

    committed = Signal(str)
    cancelled = Signal()

    def __init__(self, lane: "ChordLane", tick: int, index: int | None, choices: list[str]):
        super().__init__(lane)
        self.tick = tick          # where the chord goes (add) or is (change)
        self.index = index        # None: add a chord; else the chord to change
        self.choices = choices
        self.setPlaceholderText("Am7")
        self.popup = QFrame(self, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.popup.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.popup.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.popup.setFrameShape(QFrame.Shape.Box)
        self.error = QLabel(self.popup)
        self.error.setStyleSheet("color: #ff8a80")
        self.error.hide()
        self.list = QListWidget(self.popup)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setToolTip("The key's triads and seventh chords: click one to put it in")
        lay = QVBoxLayout(self.popup)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.error)
        lay.addWidget(self.list)
        self.list.itemClicked.connect(lambda item: self.committed.emit(item.text()))
        self.textEdited.connect(self._filter)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.error.hide()
        wanted = text.strip().lower()
        self.list.clear()
        self.list.addItems([c for c in self.choices if c.lower().startswith(wanted)] or
                           ([] if wanted else self.choices))
        self.list.setCurrentRow(-1)
        rows = max(self.list.count(), 1)
        self.list.setFixedHeight(min(rows, 8) * (self.list.sizeHintForRow(0) if self.list.count() else 18) + 4)
        self.popup.adjustSize()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.popup.adjustSize()
        self.place_popup()

    def place_popup(self) -> None:
        self.popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self.popup.show()

    def _on_return(self) -> None:
        item = self.list.currentItem()
        self.committed.emit(item.text() if item is not None and item.isSelected() else self.text())

    def event(self, event) -> bool:
        # Keep the window's shortcuts (Up/Down transpose, Delete…) off while typing a chord.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and event.key() in (
                Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Escape, Qt.Key.Key_Delete, Qt.Key.Key_Backspace,
                Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Home, Qt.Key.Key_End):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # handled here: it must not reach the lane
            self._on_return()
            return
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
            row = self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
            row = min(max(row, 0), self.list.count() - 1)
            self.list.setCurrentRow(row)
            self.list.item(row).setSelected(True)
            return
        super().keyPressEvent(event)

    def close_editor(self) -> None:
        self.popup.hide()
        self.popup.deleteLater()
        self.hide()
        self.deleteLater()


class ChordLane(QWidget):
    chordTonesChanged = Signal(object)  # ChordTones
    message = Signal(str)

    def __init__(self, view: PianoRollView, parent=None):
        super().__init__(parent)
        self.view = view
        self.doc = view.doc
        self.state = view.state
        self.setFixedHeight(CHORD_LANE_HEIGHT)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setToolTip("Chords: click to add (type Am7 or pick one) · double-click to edit · drag to move, "
                        "its right edge to resize · right-click or Delete to remove · Shift+click adds inside a chord")
        self._font = QFont("DejaVu Sans", 8)
        self.selected: int | None = None       # the selected chord's tick
        self.editor: ChordEditor | None = None
        self.context_actions: list[QAction] = []  # the window's chord commands, in the context menu
        self._press: _Press | None = None
        self._hover: int | None = None          # tick under the mouse (lane or roll), else None
        self._tones = ChordTones()
        view.viewChanged.connect(self._on_view_changed)
        self.doc.changed.connect(self._on_doc_changed)
        self.doc.songReplaced.connect(self._on_song_replaced)
        self._playhead_x: int | None = None  # where the lane's playhead line was drawn
        self.state.playheadChanged.connect(self._on_playhead)
        self._roll_port = view.viewport()
        self._roll_port.installEventFilter(self)  # the chord under the mouse over the roll too

    # ---- geometry ----------------------------------------------------------------------
    @property
    def chords(self) -> list[ChordEvent]:
        return self.doc.song.chords

    def block_end(self, chords: list[ChordEvent], index: int) -> int:
        """Where block ``index`` is drawn to: the next chord, or the end of the last chord's bar."""
        if index + 1 < len(chords):
            return chords[index + 1].tick
        bar = bar_at(self.doc.song, chords[index].tick)
        return bar.start + bar.length

    def block_rect(self, index: int) -> QRectF:
        """Block ``index`` in lane pixels."""
        m = self.view.mapping()
        chords = self.chords
        x0, x1 = m.x(chords[index].tick), m.x(self.block_end(chords, index))
        return QRectF(math.floor(x0), 1, max(math.floor(x1) - math.floor(x0), 2), self.height() - 2)

    def hit(self, x: float) -> tuple[int, str]:
        """The chord under ``x`` and where: ``"resize"`` near a right edge that has a next chord,
        ``"move"`` inside, ``(-1, "empty")`` outside every block."""
        m = self.view.mapping()
        chords = self.chords
        for i in range(len(chords)):
            x0, x1 = m.x(chords[i].tick), m.x(self.block_end(chords, i))
            if i + 1 < len(chords) and abs(x - x1) <= EDGE_PX and x1 - x0 > 2 * EDGE_PX:
                return i, "resize"
            if x0 <= x < x1:
                return i, "move"
        return -1, "empty"

    def _tick(self, x: float, modifiers, mode: str = "round", offset: int = 0) -> int:
        """The tick at ``x`` (less ``offset``), snapped to the grid unless Alt is held."""
        tick = self.view.mapping().tick(x) - offset
        if modifiers & Qt.KeyboardModifier.AltModifier:
            return max(0, int(round(tick)))
        return snap_tick(self.doc.song, tick, self.state.grid_ticks, mode)

    def _index_of(self, tick: int | None) -> int | None:
        return next((i for i, c in enumerate(self.chords) if c.tick == tick), None)

    # ---- painting ----------------------------------------------------------------------
    def _shown_chords(self) -> tuple[list[ChordEvent], int | None]:
        """The chords as the lane draws them now (a drag's chord at its new place) and the
        index of the highlighted one."""
        chords = list(self.chords)
        press = self._press
        sel_tick = self.selected
        if press is not None and press.dragging and press.tick is not None:
            moved = press.index if press.zone == "move" else press.index + 1
            old = chords[moved]
            chords = [c for i, c in enumerate(chords) if i != moved and c.tick != press.tick]
            chords.append(ChordEvent(press.tick, old.symbol))
            chords.sort(key=lambda c: c.tick)
            if press.zone == "move":
                sel_tick = press.tick
        return chords, next((i for i, c in enumerate(chords) if c.tick == sel_tick), None)

    def paintEvent(self, _event) -> None:
        m = self.view.mapping()
        p = QPainter(self)
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), ROLL.lane_bg)
        chords, selected = self._shown_chords()
        p.setFont(self._font)
        end = self.view.song_end_tick()
        for i, c in enumerate(chords):
            t1 = self.block_end(chords, i)
            x0, x1 = math.floor(m.x(c.tick)), math.floor(m.x(t1))
            if i + 1 == len(chords) and end > t1:  # the last chord holds on to the song's end
                xe = math.floor(m.x(end))
                if xe > 0 and x1 < w:
                    p.fillRect(QRectF(x1, 3, xe - x1, h - 6), HOLD)
            if x1 < 0 or x0 > w:
                continue
            rect = QRectF(x0, 1, max(x1 - x0, 2), h - 2)
            p.fillRect(rect, BLOCK_SELECTED if i == selected else BLOCK)
            p.fillRect(QRectF(x0, 1, 1, h - 2), BLOCK_EDGE)
            if rect.width() > 12:
                p.setPen(ROLL.ruler_text)
                text_rect = rect.adjusted(4, 0, -2, 0)
                if text_rect.left() < 0 < text_rect.right():  # keep the name in sight while scrolled
                    text_rect.setLeft(4)
                p.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                           c.symbol.text)
        px = m.x(self.state.playhead)
        p.fillRect(QRectF(math.floor(px) - 1, 0, 2, h), ROLL.playhead)
        p.fillRect(QRectF(0, h - 1, w, 1), ROLL.octave_line)
        p.end()

    # ---- the editor --------------------------------------------------------------------
    def open_editor(self, tick: int, index: int | None = None) -> ChordEditor:
        """An editor at ``tick``: adds a chord there, or changes chord ``index``."""
        self.close_editor()
        choices = [c.text for c in diatonic_chords(self.state.scale)]
        ed = ChordEditor(self, tick, index, choices)
        if index is not None:
            ed.setText(self.chords[index].symbol.text)
            ed.selectAll()
            ed._filter("")
        ed.committed.connect(self._commit)
        ed.cancelled.connect(self.close_editor)
        self.editor = ed
        self._place_editor()
        ed.show()
        ed.setFocus(Qt.FocusReason.MouseFocusReason)
        ed.place_popup()
        return ed

    def _place_editor(self) -> None:
        ed = self.editor
        if ed is None:
            return
        x = int(self.view.mapping().x(ed.tick))
        ed.setGeometry(min(max(x, 0), max(self.width() - EDITOR_WIDTH, 0)), 0, EDITOR_WIDTH, self.height())
        if ed.popup.isVisible():
            ed.place_popup()

    def close_editor(self) -> None:
        ed, self.editor = self.editor, None
        if ed is not None:
            ed.close_editor()

    def _commit(self, text: str) -> None:
        ed = self.editor
        if ed is None:
            return
        try:
            symbol = parse_chord(text)
        except ChordSymbolError as exc:
            ed.show_error(str(exc))
            self.message.emit(str(exc))
            return
        index = self._index_of(ed.tick) if ed.index is not None else None
        song = self.doc.song
        try:
            if index is not None:
                if song.chords[index].symbol != symbol:
                    self.doc.push(change_chord(song, index, symbol))
            else:
                self.doc.push(add_chord(song, ed.tick, symbol))
        except CommandError as exc:
            ed.show_error(str(exc))
            return
        self.selected = ed.tick
        self.close_editor()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.update()

    # ---- mouse and keys ----------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        index, zone = self.hit(x)
        if self.editor is not None:
            self.close_editor()
        if event.button() == Qt.MouseButton.RightButton:
            if index >= 0:
                self._remove(index)
            else:
                self._context_menu(event.globalPosition().toPoint())
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        mods = event.modifiers()
        if index < 0 or mods & Qt.KeyboardModifier.ShiftModifier:
            self.selected = None
            self.update()
            self.open_editor(self._tick(x, mods, "floor"))
            return
        moved = index if zone == "move" else index + 1
        grab = int(round(self.view.mapping().tick(x))) - self.chords[moved].tick if zone == "move" else 0
        self._press = _Press(index, zone, x, grab)
        self.selected = self.chords[index].tick
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        self._set_hover(int(self.view.mapping().tick(x)))
        press = self._press
        if press is None:
            _i, zone = self.hit(x)
            self.setCursor(Qt.CursorShape.SizeHorCursor if zone == "resize" else
                           Qt.CursorShape.SizeAllCursor if zone == "move" else Qt.CursorShape.IBeamCursor)
            return
        if not press.dragging and abs(x - press.x) < QApplication.startDragDistance():
            return
        press.dragging = True
        chords = self.chords
        if press.zone == "move":
            tick = self._tick(x, event.modifiers(), offset=press.grab)
        else:
            tick = self._tick(x, event.modifiers())
            low = chords[press.index].tick
            high = chords[press.index + 2].tick if press.index + 2 < len(chords) else None
            if tick <= low or (high is not None and tick >= high):
                tick = chords[press.index + 1].tick  # past a neighbour: the edge stays
        press.tick = max(0, tick)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        if press is None:
            return
        if press.dragging and press.tick is not None:
            moved = press.index if press.zone == "move" else press.index + 1
            if press.tick != self.chords[moved].tick:
                try:
                    self.doc.push(move_chord(self.doc.song, moved, press.tick))
                except CommandError as exc:
                    self.message.emit(str(exc))
                if press.zone == "move":
                    self.selected = press.tick
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        index, _zone = self.hit(event.position().x())
        if index >= 0 and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._press = None
            self.open_editor(self.chords[index].tick, index)
        elif self.editor is None:
            self.open_editor(self._tick(event.position().x(), event.modifiers(), "floor"))

    def leaveEvent(self, _event) -> None:
        self._set_hover(None)

    def event(self, event) -> bool:
        # Delete with a chord selected removes the chord, not the selected notes.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected is not None):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self._index_of(self.selected)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index is not None:
            self._remove(index)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index is not None:
            self.open_editor(self.chords[index].tick, index)
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:
        self.view.wheelEvent(event)

    def _remove(self, index: int) -> None:
        self.doc.push(remove_chord(self.doc.song, index))
        self.selected = None
        self.update()

    def _context_menu(self, where: QPoint) -> None:
        if not self.context_actions:
            return
        menu = QMenu(self)
        for act in self.context_actions:
            menu.addAction(act)
        menu.exec(where)

    # ---- chord tones -------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseMove and obj is self._roll_port:
            self._set_hover(int(self.view.mapping().tick(event.position().x())))
        elif kind == QEvent.Type.Leave and obj is self._roll_port:
            self._set_hover(None)
        return False

    def _set_hover(self, tick: int | None) -> None:
        if tick != self._hover:
            self._hover = tick
            self._refresh_tones()

    def _refresh_tones(self) -> None:
        tick = self._hover if self._hover is not None else self.state.playhead
        symbol = self.doc.song.chord_at(max(tick, 0))
        tones = ChordTones() if symbol is None else ChordTones(symbol.root, symbol.pitch_classes())
        if tones != self._tones:
            self._tones = tones
            self.chordTonesChanged.emit(tones)

    @property
    def tones(self) -> ChordTones:
        return self._tones

    # ---- following the document and the view -----------------------------------------------
    def _on_playhead(self, tick: int) -> None:
        """Repaint only the strips the playhead line leaves and enters."""
        x = math.floor(self.view.mapping().x(tick))
        for old in (self._playhead_x, x):
            if old is not None:
                self.update(old - 2, 0, 5, self.height())
        self._playhead_x = x
        self._refresh_tones()

    def _on_view_changed(self) -> None:
        self._place_editor()
        self.update()

    def _on_doc_changed(self, changes) -> None:
        if changes.maps:
            if self._index_of(self.selected) is None:
                self.selected = None
            self._refresh_tones()
        self.update()

    def _on_song_replaced(self) -> None:
        self.close_editor()
        self._press = None
        self.selected = None
        self._refresh_tones()
        self.update()

