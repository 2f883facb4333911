"""A pyqtgraph view of clips laid out in a grid of cells: the interpolation strip (1 × N), the
corner grid (N × N) and the map's results row.

Each clip is ONE ``MiniRollItem`` that paints all its notes in device pixels. A click selects
(and the panel plays) a clip, a double-click inserts it, and dragging a clip takes it out of the
app as a .mid file. Items that are not clips (the grid's puck) get the mouse as usual.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter
from PySide6.QtWidgets import QGraphicsObject

from ..clip_widgets import DragPress
from ..clips import Clip
from ..mini_roll import clip_span, paint_clip
from ..theme import BG

GAP = 0.08       # between cells, in cell widths
CELL_H = 0.62    # a cell's height in cell widths (before the view stretches it)
STRIP_BARS = 4   # a strip of clips longer than this wraps onto more rows, so each bar stays visible


def strip_cols(count: int, bars: int) -> int:
    """Cells per row of a strip of ``count`` clips of ``bars`` bars: one row up to ``STRIP_BARS``
    bars; an 8-bar strip takes two rows, a 16-bar one four."""
    return max(1, -(-count // max(1, -(-bars // STRIP_BARS))))


class MiniRollItem(QGraphicsObject):
    """One clip, painted by one item. A plain Qt item, not a pyqtgraph one: it needs none of
    pyqtgraph's view tracking, whose bookkeeping made placing an 11 × 11 grid cost ~10 ms more."""

    def __init__(self, clip: Clip, rect: QRectF, span: int, label: str = "", marked: bool = False):
        super().__init__()
        self.clip = clip
        self.rect = QRectF(rect)
        self.span = span
        self.label = label
        self.marked = marked
        self.selected = False
        self.playing = False

    def boundingRect(self) -> QRectF:
        return self.rect

    def set_flags(self, selected: bool | None = None, playing: bool | None = None) -> None:
        changed = False
        if selected is not None and selected != self.selected:
            self.selected, changed = selected, True
        if playing is not None and playing != self.playing:
            self.playing, changed = playing, True
        if changed:
            self.update()

    def paint(self, painter: QPainter, *_args) -> None:
        device = painter.transform().mapRect(self.rect)
        painter.save()
        painter.resetTransform()
        paint_clip(painter, self.clip.track.notes, device, self.span, self.label, self.selected, self.playing,
                   self.marked)
        painter.restore()


class ClipCanvas(pg.GraphicsView):
    clicked = Signal(int)
    activated = Signal(int)
    dragRequested = Signal(int)

    def __init__(self, parent=None, empty_text: str = ""):
        super().__init__(parent, background=BG)
        self.vb = pg.ViewBox(enableMouse=False, enableMenu=False, invertY=True, defaultPadding=0)
        self.setCentralItem(self.vb)
        self.items: list[MiniRollItem] = []
        self.cols = 1
        self.rows = 0
        self.selected: int | None = None
        self._press = DragPress()
        self._passing = False  # a press that went to a passthrough item
        self.passthrough: list = []  # items that get the mouse as usual (the grid's puck)
        self.hint = pg.TextItem(empty_text, color="#a3abb8", anchor=(0.5, 0.5))
        self.vb.addItem(self.hint, ignoreBounds=True)
        self.hint.setPos(0.5, CELL_H / 2)
        self.vb.setRange(QRectF(0, 0, 1, CELL_H), padding=0)
        self.setMinimumHeight(80)

    # ---- layout ------------------------------------------------------------------------
    def cell_rect(self, index: int) -> QRectF:
        r, c = divmod(index, self.cols)
        return QRectF(c * (1 + GAP), r * (CELL_H + GAP), 1.0, CELL_H)

    def extent(self) -> QRectF:
        w = self.cols * (1 + GAP) - GAP
        h = max(self.rows, 1) * (CELL_H + GAP) - GAP
        return QRectF(-GAP / 2, -GAP / 2, w + GAP, h + GAP)

    def set_clips(self, clips: list[Clip], cols: int, clip_ticks: int, labels: list[str] | None = None,
                  marked: set[int] = frozenset()) -> None:
        for item in self.items:
            self.vb.removeItem(item)
        self.cols = max(1, cols)
        self.rows = -(-len(clips) // self.cols) if clips else 0
        span = max((clip_span(c.track.notes, clip_ticks) for c in clips), default=clip_ticks)
        self.items = []
        for i, clip in enumerate(clips):
            item = MiniRollItem(clip, self.cell_rect(i), span, labels[i] if labels else clip.name, i in marked)
            self.vb.addItem(item)
            self.items.append(item)
        self.selected = None
        self.hint.setVisible(not clips)
        if clips:
            self.vb.setRange(self.extent(), padding=0)

    @property
    def clips(self) -> list[Clip]:
        return [item.clip for item in self.items]

    def clip(self, index: int | None) -> Clip | None:
        return self.items[index].clip if index is not None and 0 <= index < len(self.items) else None

    def set_selected(self, index: int | None) -> None:
        self.selected = index
        for i, item in enumerate(self.items):
            item.set_flags(selected=i == index)

    def set_playing(self, uid) -> None:
        for item in self.items:
            item.set_flags(playing=uid is not None and item.clip.uid == uid)

    # ---- hit testing -------------------------------------------------------------------
    def to_view(self, widget_pos: QPointF) -> QPointF:
        return self.vb.mapSceneToView(self.mapToScene(widget_pos.toPoint()))

    def index_at_view(self, p: QPointF) -> int | None:
        """The cell containing view point ``p`` (gaps count as the nearest cell)."""
        if not self.items:
            return None
        c = int(np.clip(np.floor((p.x() + GAP / 2) / (1 + GAP)), 0, self.cols - 1))
        r = int(np.clip(np.floor((p.y() + GAP / 2) / (CELL_H + GAP)), 0, max(self.rows - 1, 0)))
        index = r * self.cols + c
        return index if index < len(self.items) else None

    def index_at(self, widget_pos: QPointF) -> int | None:
        p = self.to_view(widget_pos)
        if not self.extent().contains(p):
            return None
        return self.index_at_view(p)

    def _is_clip_press(self, event: QMouseEvent) -> bool:
        """False when the press is on an item that handles the mouse itself (the puck). Asked of
        the item's own outline: the topmost item under the pointer is the view box's border
        rectangle, which lies over everything and would hide the puck."""
        at = self.mapToScene(event.position().toPoint())
        return not any(p.isVisible() and p.sceneBoundingRect().contains(at) for p in self.passthrough)

    # ---- mouse -------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._is_clip_press(event):
            self._passing = True
            super().mousePressEvent(event)
            return
        self._press.press(event.position(), self.index_at(event.position()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._passing or self._press.pos is None:
            super().mouseMoveEvent(event)
            return
        if self._press.moved_far(event.position()):
            index = self._press.payload
            self._press.clear()
            if index is not None:
                self.dragRequested.emit(index)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._passing:
            self._passing = False
            super().mouseReleaseEvent(event)
            return
        index = self._press.payload if self._press.pos is not None else None
        self._press.clear()
        if index is not None:
            self.set_selected(index)
            self.clicked.emit(index)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position())
        if index is not None and self._is_clip_press(event):
            self.activated.emit(index)
        else:
            super().mouseDoubleClickEvent(event)
