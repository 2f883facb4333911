"""The piano keyboard left of the roll: one key per pitch row; click a key to hear it."""
from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QMouseEvent, QPainter
from PySide6.QtWidgets import QWidget

from latentroll.core.theory import pitch_name

from ..theme import ROLL
from .background import BLACK_KEYS
from .mapping import TOP_PITCH
from .view import PianoRollView

KEY_WIDTH = 64


class KeyboardWidget(QWidget):
    def __init__(self, view: PianoRollView, parent=None):
        super().__init__(parent)
        self.view = view
        self.pressed: int | None = None
        self.setFixedWidth(KEY_WIDTH)
        self._font = QFont("DejaVu Sans", 7)
        view.viewChanged.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(KEY_WIDTH, 400)

    def paintEvent(self, _event) -> None:
        m = self.view.mapping()
        p = QPainter(self)
        p.fillRect(self.rect(), ROLL.black_row)
        top = max(0, int(math.floor(-m.dy / m.sy)))
        bottom = min(TOP_PITCH, int(math.ceil((self.height() - m.dy) / m.sy)))
        w = self.width()
        scale = self.view.state.scale
        p.setFont(self._font)
        for row in range(top, bottom + 1):
            pitch = TOP_PITCH - row
            y = math.floor(m.row_y(row))
            h = math.floor(m.row_y(row + 1)) - y
            black = pitch % 12 in BLACK_KEYS
            color = ROLL.key_pressed if pitch == self.pressed else (ROLL.key_black if black else ROLL.key_white)
            width = int(w * 0.62) if black else w - 1
            p.fillRect(QRectF(0, y, width, h), color)
            if not black:
                p.fillRect(QRectF(0, y + h - 1, w, 1), ROLL.row_line)
            else:
                p.fillRect(QRectF(width, y, w - width - 1, h), ROLL.key_white)
            if pitch % 12 == scale.tonic and h >= 4:
                p.fillRect(QRectF(w - 4, y, 3, h), ROLL.key_pressed)  # tonic marker
            if pitch % 12 == 0 and h >= 9:
                p.setPen(ROLL.key_label)
                p.drawText(QRectF(width - 34, y, 28, h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                           pitch_name(pitch))
        p.fillRect(QRectF(w - 1, 0, 1, self.height()), ROLL.octave_line)
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.pressed = self.view.mapping().pitch_at(event.position().y())
        self.view.audition(self.pressed, 100)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.pressed is None:
            return
        pitch = self.view.mapping().pitch_at(event.position().y())
        if pitch != self.pressed:
            self.pressed = pitch
            self.view.audition(pitch, 100)
            self.update()

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self.pressed = None
        self.update()

    def wheelEvent(self, event) -> None:
        self.view.wheelEvent(event)
