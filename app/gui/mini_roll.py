"""A clip drawn as a tiny piano roll: one paint routine shared by the explorer's pyqtgraph items
and the candidate cards of the model panels.

It paints in device pixels (the caller hands it the target rectangle already mapped), so
note edges stay crisp at any zoom; the notes of each colour go out in one ``drawRects`` call.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from latentroll.core.song import PPQ, empty_notes

from .piano_roll.rects import draw_rects, rect_array
from .theme import ACCENT, BORDER, PANEL, SELECT, TEXT, TEXT_DIM

MIN_ROWS = 14  # a clip spanning few pitches is still drawn at a readable height
MAX_ROW_PX = 9  # in a tall cell, show more rows rather than fat notes


class MiniRollStyle:
    """Colours of a mini roll (one place, like ``theme.RollColors``)."""

    background: QColor = QColor(PANEL)
    beat_line: QColor = QColor("#30353e")
    bar_line: QColor = QColor("#4a515c")
    note: QColor = QColor(ACCENT)
    context: QColor = QColor("#66717f")  # notes around a candidate (what it continues, harmonizes, replaces)
    border: QColor = QColor(BORDER)
    selected: QColor = QColor(SELECT)
    playing: QColor = QColor("#3aa76d")
    marked: QColor = QColor("#8a6a3a")  # grid corners
    label: QColor = QColor(TEXT_DIM)
    label_selected: QColor = QColor(TEXT)


STYLE = MiniRollStyle()


def pitch_window(notes: np.ndarray, min_rows: int = MIN_ROWS) -> tuple[int, int]:
    """Lowest and highest pitch row to show (at least ``min_rows`` rows, centred on the notes)."""
    if not len(notes):
        return 60 - min_rows // 2, 60 + min_rows // 2
    lo, hi = int(notes["pitch"].min()), int(notes["pitch"].max())
    pad = max(1, (min_rows - (hi - lo + 1)) // 2)
    return lo - pad, hi + pad


def note_rects(notes: np.ndarray, span: int, rect: QRectF, lo: int, hi: int) -> np.ndarray:
    """(n, 4) device rectangles of ``notes`` in ``rect`` (time 0..span left to right, pitch up)."""
    rows = hi - lo + 1
    sx = rect.width() / max(span, 1)
    sy = rect.height() / rows
    x = rect.left() + notes["start"].astype(np.float64) * sx
    w = np.maximum(notes["duration"].astype(np.float64) * sx - 1.0, 1.5)
    y = rect.top() + (hi - notes["pitch"].astype(np.float64)) * sy
    return rect_array(x, y, w, max(sy - 0.5, 1.5))


def paint_clip(painter: QPainter, notes: np.ndarray, rect: QRectF, span: int, label: str = "",
               selected: bool = False, playing: bool = False, marked: bool = False,
               bar_ticks: int = 4 * PPQ, style: MiniRollStyle = STYLE, context: np.ndarray | None = None) -> None:
    """Background, beat and bar lines, the notes (over dimmed ``context`` notes), a label and
    the selection frame."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(rect, style.background)
    sx = rect.width() / max(span, 1)
    painter.setPen(QPen(style.beat_line, 1))
    for tick in range(PPQ, span, PPQ):
        if tick % bar_ticks:
            x = rect.left() + tick * sx
            painter.drawLine(int(x), int(rect.top()), int(x), int(rect.bottom()))
    painter.setPen(QPen(style.bar_line, 1))
    for tick in range(bar_ticks, span, bar_ticks):
        x = rect.left() + tick * sx
        painter.drawLine(int(x), int(rect.top()), int(x), int(rect.bottom()))
    shown = notes if context is None or not len(context) else np.concatenate([context, notes])
    if len(shown):
        lo, hi = pitch_window(shown, max(MIN_ROWS, int(rect.height() // MAX_ROW_PX)))
        painter.setPen(Qt.PenStyle.NoPen)
        inner = rect.adjusted(2, 2, -2, -2)
        for part, color in ((context, style.context), (notes, style.note)):
            if part is not None and len(part):
                painter.setBrush(color)
                draw_rects(painter, note_rects(part, span, inner, lo, hi))
    if not len(notes):
        painter.setPen(style.label)
        painter.setFont(QFont("DejaVu Sans", 7))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "(silence)")
    if label:
        painter.setPen(style.label_selected if selected else style.label)
        painter.setFont(QFont("DejaVu Sans", 7))
        painter.drawText(rect.adjusted(4, 2, -4, -2), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label)
    frame = (style.playing if playing else style.selected if selected
             else style.marked if marked else style.border)
    painter.setPen(QPen(frame, 2 if (selected or playing or marked) else 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
    painter.restore()


def clip_span(notes: np.ndarray, clip_ticks: int) -> int:
    """Show whole model clips: the span rounded up to the clip length (2 bars)."""
    end = int((notes["start"] + notes["duration"]).max()) if len(notes) else clip_ticks
    return max(clip_ticks, -(-end // clip_ticks) * clip_ticks)


class MiniRoll(QWidget):
    """A small widget showing one clip (the candidate cards)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.notes = empty_notes()
        self.context: np.ndarray | None = None
        self.span = 8 * PPQ
        self.selected = False
        self.playing = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(44)

    def sizeHint(self) -> QSize:
        return QSize(220, 48)

    def set_notes(self, notes: np.ndarray, span: int, context: np.ndarray | None = None) -> None:
        self.notes, self.span, self.context = notes, span, context
        self.update()

    def set_flags(self, selected: bool | None = None, playing: bool | None = None) -> None:
        if selected is not None:
            self.selected = selected
        if playing is not None:
            self.playing = playing
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        paint_clip(p, self.notes, QRectF(self.rect()), self.span, selected=self.selected, playing=self.playing,
                   context=self.context)
        p.end()
