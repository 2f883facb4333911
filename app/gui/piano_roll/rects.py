"""Draw thousands of rectangles with one QPainter call.

The rectangles live in an (n, 4) float64 NumPy array laid out like QRectF (x, y, w, h); the
painter reads that memory directly (PySide6 ``drawRects(const QRectF*, int)``), so no Python
QRectF objects are created per note.
"""
from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter


def draw_rects(painter: QPainter, rects: np.ndarray) -> None:
    n = len(rects)
    if n == 0:
        return
    buf = np.ascontiguousarray(rects, dtype=np.float64)
    ptr = shiboken6.wrapInstance(buf.ctypes.data, QRectF)
    painter.drawRects(ptr, n)


def rect_array(x0: np.ndarray, y0: np.ndarray, w: np.ndarray, h) -> np.ndarray:
    out = np.empty((len(x0), 4), dtype=np.float64)
    out[:, 0] = x0
    out[:, 1] = y0
    out[:, 2] = w
    out[:, 3] = h
    return out


def inset(rects: np.ndarray, px: float) -> np.ndarray:
    """Shrink each rect by ``px`` on every side (for a 1 px border drawn underneath)."""
    out = rects.copy()
    out[:, 0] += px
    out[:, 1] += px
    out[:, 2] -= 2 * px
    out[:, 3] -= 2 * px
    return out
