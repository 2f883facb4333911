"""The ONE graphics item that paints every visible note.

Like pyqtgraph's BarGraphItem: note coordinates come from the Track's NumPy array, are culled to
the exposed rectangle, mapped to device pixels with NumPy, and drawn with a handful of
``drawRects`` calls (one per colour bucket). No QGraphicsItem per note: 20,000 notes repaint in a
few milliseconds. ``boundingRect`` spans the whole song so the item is always painted.

On a drum track (``lanes.Lanes.drum``) the same arrays paint hits: a fixed-width cell per hit
on its piece's row, a bar inside it as tall as the velocity, and, for a hit played off the
grid, a tick mark on the grid line it belongs to joined to the cell (the micro-timing).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QStaticText
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from latentroll.core.song import NOTE_DTYPE
from latentroll.core.theory import pitch_name
from latentroll.core.timing import snap

from ..editor_state import EditorState
from ..theme import ROLL, track_color
from .lanes import CELL_TICKS, PITCH_LANES, Lanes
from .mapping import TOP_PITCH, Mapping
from .rects import draw_rects, inset, rect_array

VELOCITY_BUCKETS = np.array([48, 80, 112])  # 4 shades: soft → loud
LABEL_MIN_ROW_PX = 11
LABEL_MIN_WIDTH_PX = 26
MAX_LABELS = 400
LABEL_COLOR = QColor("#15171a")
TIMING_MIN_PX = 2  # a hit this far or more off its grid line shows its micro-timing mark
DETAIL_MIN_CELL_PX = 6  # cell frames and micro-timing marks only where a 16th is this wide


def velocity_shades(base: QColor) -> list[QColor]:
    """Darker for soft notes, full colour for loud ones."""
    return [base.darker(int(100 / f)) for f in (0.55, 0.7, 0.85, 1.0)]


def fill_by_state(painter, color, fills: np.ndarray, velocity: np.ndarray, selected: np.ndarray, marked: np.ndarray,
                  erase: np.ndarray | None = None) -> None:
    """Fill note (or hit) rects by state: a velocity shade of ``color``, the selection colour, or
    the erase mark (drawn over ``erase``, default ``fills``: a hit marks its whole cell)."""
    bucket = np.searchsorted(VELOCITY_BUCKETS, velocity, side="right")
    plain = ~selected & ~marked
    for b, shade in enumerate(velocity_shades(color)):
        painter.setBrush(shade)
        draw_rects(painter, fills[plain & (bucket == b)])
    painter.setBrush(ROLL.selected_fill)
    draw_rects(painter, fills[selected & ~marked])
    painter.setBrush(ROLL.erase_mark)
    draw_rects(painter, (fills if erase is None else erase)[marked])

class NotesItem(QGraphicsItem):
    def __init__(self, state: EditorState):
        super().__init__()
        self.state = state
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._bounds = QRectF(0, 0, 1, TOP_PITCH + 1)
        self.preview = np.zeros(0, dtype=NOTE_DTYPE)  # notes being drawn, not yet in the song
        self.erase_marks = np.zeros(0, dtype=np.int64)  # rows an erase swipe will remove
        self._label_font = QFont("DejaVu Sans", 7)
        self._labels: list[QStaticText] | None = None
        self.lanes: Lanes = PITCH_LANES  # set by the view: the current track's rows

    # ---- geometry ----------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def set_extent(self, ticks: int) -> None:
        rect = QRectF(0, 0, max(1, ticks), TOP_PITCH + 1)
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = rect

    def set_preview(self, notes: np.ndarray | None) -> None:
        self.preview = np.zeros(0, dtype=NOTE_DTYPE) if notes is None else notes
        self.update()

    def set_erase_marks(self, rows) -> None:
        self.erase_marks = np.asarray(rows, dtype=np.int64)
        self.update()

    # ---- painting ----------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        song = self.state.document.song
        m = Mapping.from_transform(painter.worldTransform())
        ex = option.exposedRect
        area = (ex.left(), ex.right(), ex.top(), ex.bottom())
        painter.save()
        painter.resetTransform()
        painter.setPen(Qt.PenStyle.NoPen)
        current = self.state.current_track
        lanes = self.lanes
        if self.state.view.ghost_notes and not lanes.drum:  # pitched ghosts mean nothing on kit rows
            for i, track in enumerate(song.tracks):
                if i != current and len(track):
                    self._paint_ghosts(painter, m, track.notes, area, track_color(i))
        if 0 <= current < len(song.tracks):
            paint = self._paint_hits if lanes.drum else self._paint_track
            paint(painter, m, song.tracks[current].notes, area, track_color(current))
        if len(self.preview):
            rects = self._device_rects(m, self.preview, area, lanes)[0]
            painter.setBrush(ROLL.selected_border)
            draw_rects(painter, rects)
            painter.setBrush(ROLL.preview_fill)
            draw_rects(painter, inset(rects, 1))
        painter.restore()

    @staticmethod
    def _visible(notes: np.ndarray, area, lanes: Lanes = PITCH_LANES) -> np.ndarray:
        t0, t1, r0, r1 = area
        start = notes["start"]
        row = lanes.rows_of(notes["pitch"])
        return (start < t1) & (lanes.ends(notes) > t0) & (row + 1 > r0) & (row < r1)

    def _device_rects(self, m: Mapping, notes: np.ndarray, area, lanes: Lanes = PITCH_LANES, mask=None):
        vis = self._visible(notes, area, lanes) if mask is None else mask
        rows = notes[vis]
        x0 = np.floor(m.x(rows["start"].astype(np.float64)))
        if lanes.drum:  # a fixed-width cell, a 1 px gap to the next 16th
            w = np.full(len(rows), max(np.floor(CELL_TICKS * m.sx) - 1, 3.0))
        else:
            x1 = np.floor(m.x((rows["start"] + rows["duration"]).astype(np.float64)))
            w = np.maximum(x1 - x0, 2.0)
            w = np.where(w > 4, w - 1, w)  # a 1 px gap between touching notes
        y0 = np.floor(m.row_y(lanes.rows_of(rows["pitch"]).astype(np.float64))) + 1
        h = max(np.floor(m.sy) - 1, 1.0)
        return rect_array(x0, y0, w, h), vis

    def _paint_ghosts(self, painter, m, notes, area, color: QColor) -> None:
        rects, _ = self._device_rects(m, notes, area)
        ghost = QColor(color)
        ghost.setAlpha(70)
        painter.setBrush(ghost)
        draw_rects(painter, rects)

    def _paint_track(self, painter, m, notes, area, color: QColor) -> None:
        if not len(notes):
            return
        vis = self._visible(notes, area)
        selected, marked = self._row_flags(len(notes))
        rects, vis = self._device_rects(m, notes, area, PITCH_LANES, vis)
        if not len(rects):
            return
        sel_v = selected[vis]
        mark_v = marked[vis]
        bordered = m.sy >= 5
        # borders: one rect underneath each note, then the fill inset by a pixel
        if bordered:
            painter.setBrush(ROLL.note_border)
            draw_rects(painter, rects[~sel_v])
            painter.setBrush(ROLL.selected_border)
            draw_rects(painter, rects[sel_v])
            fills = inset(rects, 1)
        else:
            fills = rects
        fill_by_state(painter, color, fills, notes["velocity"][vis], sel_v, mark_v)
        if m.sy >= LABEL_MIN_ROW_PX:
            self._paint_labels(painter, rects, notes["pitch"][vis])

    def _paint_labels(self, painter, rects, pitches) -> None:
        wide = np.flatnonzero(rects[:, 2] >= LABEL_MIN_WIDTH_PX)[:MAX_LABELS]
        if not len(wide):
            return
        painter.setFont(self._label_font)
        painter.setPen(LABEL_COLOR)
        if self._labels is None:  # laid out once: drawStaticText is far cheaper than drawText
            self._labels = [QStaticText(pitch_name(p)) for p in range(128)]
            for label in self._labels:
                label.prepare(font=self._label_font)
        text_h = self._labels[60].size().height()
        for i, x, y, h in zip(wide.tolist(), rects[wide, 0].tolist(), rects[wide, 1].tolist(), rects[wide, 3].tolist()):
            painter.drawStaticText(QPointF(x + 3, y + (h - text_h) / 2), self._labels[int(pitches[i])])
        painter.setPen(Qt.PenStyle.NoPen)

    def _row_flags(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Which of ``n`` notes are selected and which an erase swipe marked."""
        selected = np.zeros(n, dtype=bool)
        sel = self.state.selection
        if len(sel):
            selected[sel[sel < n]] = True
        marked = np.zeros(n, dtype=bool)
        if len(self.erase_marks):
            marked[self.erase_marks[self.erase_marks < n]] = True
        return selected, marked

    def _paint_hits(self, painter, m, notes, area, color: QColor) -> None:
        """The drum lane: cells, velocity bars and micro-timing marks (see the module docstring)."""
        if not len(notes):
            return
        lanes = self.lanes
        selected, marked = self._row_flags(len(notes))
        rects, vis = self._device_rects(m, notes, area, lanes)
        if not len(rects):
            return
        sel_v, mark_v = selected[vis], marked[vis]
        velocity = notes["velocity"][vis].astype(np.float64)
        detailed = CELL_TICKS * m.sx >= DETAIL_MIN_CELL_PX  # zoomed out: the velocity bars alone
        slots = inset(rects, 1) if m.sy >= 5 and detailed else rects.copy()
        if detailed:  # the cell: a frame and a dim slot, so a soft hit still reads as a hit
            painter.setBrush(ROLL.note_border)
            draw_rects(painter, rects[~sel_v])
            painter.setBrush(ROLL.selected_border)
            draw_rects(painter, rects[sel_v])
            slot = QColor(color)
            slot.setAlpha(55)
            painter.setBrush(slot)
            draw_rects(painter, slots)
        # the velocity: a bar from the cell's floor, as tall (and as bright) as the hit is loud
        bars = slots.copy()
        bars[:, 3] = np.maximum(np.round(slots[:, 3] * velocity / 127.0), 1.0)
        bars[:, 1] = slots[:, 1] + slots[:, 3] - bars[:, 3]
        fill_by_state(painter, color, bars, velocity, sel_v, mark_v, erase=slots)
        if detailed:
            self._paint_timing(painter, m, notes["start"][vis], rects)

    def _paint_timing(self, painter, m: Mapping, starts: np.ndarray, rects: np.ndarray) -> None:
        """A tick on the grid line each off-grid hit belongs to, and a line from it to the hit."""
        on_grid = snap(starts, self.state.grid_ticks).astype(np.float64)
        gx = np.floor(m.x(on_grid))
        off = np.abs(rects[:, 0] - gx) >= TIMING_MIN_PX
        if not off.any():
            return
        gx, r = gx[off], rects[off]
        floor_y = r[:, 1] + r[:, 3] - 1
        tick_h = np.maximum(np.floor(r[:, 3] / 3), 2.0)
        painter.setBrush(ROLL.timing_mark)
        draw_rects(painter, rect_array(gx - 1, floor_y - tick_h + 1, np.full(len(gx), 2.0), tick_h))
        left = np.minimum(gx, r[:, 0])
        draw_rects(painter, rect_array(left, floor_y, np.abs(r[:, 0] - gx), 1.0))
