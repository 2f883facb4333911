"""The piano keyboard left of the roll: one key per pitch row; click a key to hear it.

On the drum lane it is the kit column instead: each row's piece name (Kick, Snare, …). The tones
of the chord the chord lane points at are marked at the keys' left edge (its root in orange)."""
from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QMouseEvent, QPainter
from PySide6.QtWidgets import QWidget

from latentroll.core.theory import pitch_name

from ..theme import ROLL
from .background import BLACK_KEYS
from .chord_lane import CHORD_ROOT, CHORD_TONE, ChordTones
from .mapping import TOP_PITCH
from .view import PianoRollView

KEY_WIDTH = 64


class KeyboardWidget(QWidget):
    def __init__(self, view: PianoRollView, parent=None):
        super().__init__(parent)
        self.view = view
        self.pressed: int | None = None
        self.chord_tones = ChordTones()
        self.setFixedWidth(KEY_WIDTH)
        self._font = QFont("DejaVu Sans", 7)
        view.viewChanged.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(KEY_WIDTH, 400)

    def set_chord_tones(self, tones: ChordTones) -> None:
        if tones != self.chord_tones:
            self.chord_tones = tones
            self.update()

    def row_labels(self) -> list[str]:
        """The names the column shows, top row first: pitch names or the kit's pieces."""
        lanes = self.view.lanes
        return [lanes.label(row) for row in range(lanes.count)]

    def paintEvent(self, _event) -> None:
        m = self.view.mapping()
        p = QPainter(self)
        if self.view.lanes.drum:
            self._paint_kit(p, m)
            p.end()
            return
        p.fillRect(self.rect(), ROLL.black_row)
        top = max(0, int(math.floor(-m.dy / m.sy)))
        bottom = min(TOP_PITCH, int(math.ceil((self.height() - m.dy) / m.sy)))
        w = self.width()
        scale = self.view.state.scale
        tones, root = self.chord_tones.pitch_classes, self.chord_tones.root
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
            if pitch % 12 in tones:
                p.fillRect(QRectF(0, y, 5, max(h - 1, 1)), CHORD_ROOT if pitch % 12 == root else CHORD_TONE)
            if pitch % 12 == scale.tonic and h >= 4:
                p.fillRect(QRectF(w - 4, y, 3, h), ROLL.key_pressed)  # tonic marker
            if pitch % 12 == 0 and h >= 9:
                p.setPen(ROLL.key_label)
                p.drawText(QRectF(width - 34, y, 28, h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                           pitch_name(pitch))
        p.fillRect(QRectF(w - 1, 0, 1, self.height()), ROLL.octave_line)
        p.end()

    def _paint_kit(self, p: QPainter, m) -> None:
        lanes = self.view.lanes
        w = self.width()
        p.fillRect(self.rect(), ROLL.lane_bg)
        p.setFont(self._font)
        for row in range(lanes.count):
            y = math.floor(m.row_y(row))
            h = math.floor(m.row_y(row + 1)) - y
            if y + h < 0 or y > self.height():
                continue
            pitch = lanes.pitch_of(row)
            color = ROLL.key_pressed if pitch is not None and pitch == self.pressed else ROLL.key_white
            p.fillRect(QRectF(0, y, w - 1, h - 1), color)
            p.setPen(ROLL.key_label)
            p.drawText(QRectF(4, y, w - 8, h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       lanes.label(row))
        p.fillRect(QRectF(w - 1, 0, 1, self.height()), ROLL.octave_line)

    def _pitch_at(self, y: float) -> int | None:
        if not self.view.lanes.drum:
            return self.view.mapping().pitch_at(y)
        m = self.view.mapping()
        return self.view.lanes.pitch_of(int(math.floor((y - m.dy) / m.sy)))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.pressed = self._pitch_at(event.position().y())
        if self.pressed is not None:
            self.view.audition(self.pressed, 100)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.pressed is None:
            return
        pitch = self._pitch_at(event.position().y())
        if pitch is not None and pitch != self.pressed:
            self.pressed = pitch
            self.view.audition(pitch, 100)
            self.update()

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self.pressed = None
        self.update()

    def wheelEvent(self, event) -> None:
        self.view.wheelEvent(event)
