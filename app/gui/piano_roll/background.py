"""The roll's background: pitch rows (keys and scale), grid/beat/bar lines, loop and song end.

Drawn in device pixels for crisp 1 px lines at any zoom; only lines at least a few pixels
apart are drawn, so zooming out never turns the grid into a grey wash.
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPen

from latentroll.core.bars import iter_bars
from latentroll.core.song import Song
from latentroll.core.theory import Scale

from ..theme import ROLL
from .lanes import PITCH_LANES, Lanes
from .mapping import TOP_PITCH, Mapping

BLACK_KEYS = frozenset({1, 3, 6, 8, 10})
MIN_STEP_PX = 7
MIN_BEAT_PX = 5
MIN_BAR_PX = 14


def row_colors(scale: Scale | None):
    """Colour of each of the 12 pitch classes' rows."""
    out = []
    for pc in range(12):
        if scale is None:
            out.append(ROLL.black_row if pc in BLACK_KEYS else ROLL.white_row)
        elif pc == scale.tonic:
            out.append(ROLL.tonic_row)
        elif pc in scale.pitch_classes:
            out.append(ROLL.scale_row)
        else:
            out.append(ROLL.black_row)
    return out


def paint_rows(painter: QPainter, m: Mapping, rect: QRectF, scale: Scale | None,
               lanes: Lanes = PITCH_LANES) -> None:
    if lanes.drum:
        paint_kit_rows(painter, m, rect, lanes)
        return
    top = max(0, int(math.floor((rect.top() - m.dy) / m.sy)))
    bottom = min(TOP_PITCH, int(math.ceil((rect.bottom() - m.dy) / m.sy)))
    colors = row_colors(scale)
    left, width = rect.left(), rect.width()
    for row in range(top, bottom + 1):
        pitch = TOP_PITCH - row
        y = math.floor(m.row_y(row))
        h = math.floor(m.row_y(row + 1)) - y
        painter.fillRect(QRectF(left, y, width, h), colors[pitch % 12])
        if m.sy >= 6:
            edge = ROLL.octave_line if pitch % 12 == 0 else ROLL.row_line
            painter.fillRect(QRectF(left, y + h - 1, width, 1), edge)


def paint_kit_rows(painter: QPainter, m: Mapping, rect: QRectF, lanes: Lanes) -> None:
    """The drum lane's rows: alternating shades, one per kit piece, dark below the last."""
    left, width = rect.left(), rect.width()
    painter.fillRect(rect, ROLL.row_line)
    top = max(0, int(math.floor((rect.top() - m.dy) / m.sy)))
    bottom = min(lanes.count - 1, int(math.ceil((rect.bottom() - m.dy) / m.sy)))
    for row in range(top, bottom + 1):
        y = math.floor(m.row_y(row))
        h = math.floor(m.row_y(row + 1)) - y
        painter.fillRect(QRectF(left, y, width, h), ROLL.white_row if row % 2 == 0 else ROLL.black_row)
        painter.fillRect(QRectF(left, y + h - 1, width, 1), ROLL.row_line)


def paint_time_lines(painter: QPainter, m: Mapping, rect: QRectF, song: Song, grid: int) -> None:
    t0, t1 = m.tick(rect.left()), m.tick(rect.right()) + 1
    top, h = rect.top(), rect.height()
    bars = list(iter_bars(song, max(t0, 0), t1))
    if not bars:
        return
    bar_px = bars[0].length * m.sx
    every = 1 if bar_px >= MIN_BAR_PX else 2 ** math.ceil(math.log2(MIN_BAR_PX / max(bar_px, 1e-6)))
    step_on = grid * m.sx >= MIN_STEP_PX
    for bar in bars:
        beat = bar.beat_ticks
        if step_on:
            _fill_lines(painter, m, bar.start + np.arange(grid, bar.length, grid), top, h, ROLL.step_line)
        if beat * m.sx >= MIN_BEAT_PX:
            _fill_lines(painter, m, bar.start + np.arange(beat, bar.length, beat), top, h, ROLL.beat_line)
        if bar.number % every == 0:
            _fill_lines(painter, m, np.array([bar.start]), top, h, ROLL.bar_line)


def _fill_lines(painter: QPainter, m: Mapping, ticks: np.ndarray, top: float, h: float, color) -> None:
    for x in np.floor(m.x(ticks.astype(np.float64))):
        painter.fillRect(QRectF(x, top, 1, h), color)


def paint_regions(painter: QPainter, m: Mapping, rect: QRectF, song_end: int,
                  loop: tuple[int, int] | None) -> None:
    """Shade the loop region (when looping) and everything after the song's last bar."""
    if loop is not None:
        x0, x1 = m.x(loop[0]), m.x(loop[1])
        painter.fillRect(QRectF(x0, rect.top(), x1 - x0, rect.height()), ROLL.loop_fill)
    x_end = m.x(song_end)
    if x_end < rect.right():
        left = max(x_end, rect.left())
        painter.fillRect(QRectF(left, rect.top(), rect.right() - left, rect.height()), ROLL.after_end)


def playhead_pen() -> QPen:
    pen = QPen(ROLL.playhead)
    pen.setWidth(2)
    return pen
