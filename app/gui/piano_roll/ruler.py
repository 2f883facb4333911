"""The bar/beat ruler above the roll, with the loop region and the playhead marker.

Click to move the playhead; drag to set the loop region (turns looping on); double-click the
loop band to toggle looping. Positions snap to the grid unless Alt is held.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QMouseEvent, QPainter, QPolygonF
from PySide6.QtWidgets import QApplication, QWidget

from latentroll.core.bars import iter_bars, snap_tick

from ..theme import ROLL
from .view import PianoRollView

RULER_HEIGHT = 34
LOOP_BAND = 10


class RulerWidget(QWidget):
    def __init__(self, view: PianoRollView, parent=None):
        super().__init__(parent)
        self.view = view
        self.state = view.state
        self.setFixedHeight(RULER_HEIGHT)
        self._font = QFont("DejaVu Sans", 8)
        self._press: QPointF | None = None
        self._press_tick = 0
        self._dragging = False
        view.viewChanged.connect(self.update)
        self.state.loopChanged.connect(self.update)
        self.state.playheadChanged.connect(lambda _t: self.update())

    def _snap(self, x: float, mods) -> int:
        tick = self.view.mapping().tick(x)
        if mods & Qt.KeyboardModifier.AltModifier:
            return max(0, int(round(tick)))
        return snap_tick(self.view.doc.song, tick, self.state.grid_ticks)

    def paintEvent(self, _event) -> None:
        m = self.view.mapping()
        p = QPainter(self)
        h, w = self.height(), self.width()
        p.fillRect(self.rect(), ROLL.ruler_bg)
        # loop band
        x0, x1 = m.x(self.state.loop_start), m.x(self.state.loop_end)
        band = ROLL.loop_ruler if self.state.loop_enabled else ROLL.loop_ruler_off
        p.fillRect(QRectF(x0, 1, x1 - x0, LOOP_BAND), band)
        # bars and beats
        p.setFont(self._font)
        bars = list(iter_bars(self.view.doc.song, max(m.tick(0), 0), m.tick(w) + 1))
        bar_px = bars[0].length * m.sx if bars else 100
        label_every = 1 if bar_px >= 36 else 2 ** math.ceil(math.log2(36 / max(bar_px, 1e-6)))
        for bar in bars:
            x = math.floor(m.x(bar.start))
            if bar.number % label_every == 0:
                p.fillRect(QRectF(x, LOOP_BAND + 2, 1, h - LOOP_BAND - 2), ROLL.ruler_tick)
                p.setPen(ROLL.ruler_text)
                p.drawText(QRectF(x + 4, LOOP_BAND + 2, 60, h - LOOP_BAND - 4),
                           Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(bar.number + 1))
            beat_px = bar.beat_ticks * m.sx
            if beat_px >= 8:
                for k in range(1, bar.length // bar.beat_ticks + 1):
                    bx = math.floor(m.x(bar.start + k * bar.beat_ticks))
                    if bx < m.x(bar.start + bar.length):
                        p.fillRect(QRectF(bx, h - 6, 1, 6), ROLL.ruler_tick)
        p.fillRect(QRectF(0, h - 1, w, 1), ROLL.octave_line)
        # playhead marker
        px = m.x(self.state.playhead)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ROLL.playhead)
        p.drawPolygon(QPolygonF([QPointF(px - 6, h - 10), QPointF(px + 6, h - 10), QPointF(px, h - 1)]))
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._press = event.position()
        self._press_tick = self._snap(event.position().x(), event.modifiers())
        self._dragging = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        if not self._dragging:
            if abs(event.position().x() - self._press.x()) < QApplication.startDragDistance():
                return
            self._dragging = True
        tick = self._snap(event.position().x(), event.modifiers())
        if tick != self._press_tick:
            self.state.set_loop(self._press_tick, tick, enabled=True)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is not None and not self._dragging:
            self.state.request_seek(self._press_tick)
        self._press = None
        self._dragging = False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.position().y() <= LOOP_BAND + 2:
            self.state.set_loop_enabled(not self.state.loop_enabled)

    def wheelEvent(self, event) -> None:
        self.view.wheelEvent(event)
