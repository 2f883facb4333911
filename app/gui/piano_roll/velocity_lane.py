"""Velocity lane under the roll: one stem per note of the current track; drag a stem to set it.

Dragging a selected note's stem moves every selected velocity by the same amount; the whole
drag is one undo step (SetNoteFields with a merge key).
"""
from __future__ import annotations

import itertools
import math

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QMouseEvent, QPainter
from PySide6.QtWidgets import QWidget

from latentroll.core.commands import SetNoteFields

from ..theme import ROLL, track_color
from .rects import draw_rects, rect_array
from .view import PianoRollView

LANE_HEIGHT = 84
GRAB_PX = 5
HEAD = 5
PAD = 6  # headroom above velocity 127
_drag_ids = itertools.count(1)


class VelocityLane(QWidget):
    def __init__(self, view: PianoRollView, parent=None):
        super().__init__(parent)
        self.view = view
        self.state = view.state
        self.doc = view.doc
        self.setFixedHeight(LANE_HEIGHT)
        self._drag: dict | None = None
        view.viewChanged.connect(self.update)
        self.setMouseTracking(False)

    def _vel_to_y(self, vel):
        usable = self.height() - PAD - 1
        return self.height() - 1 - np.asarray(vel, dtype=np.float64) / 127.0 * usable

    def _y_to_vel(self, y: float) -> int:
        usable = self.height() - PAD - 1
        return int(np.clip(round((self.height() - 1 - y) / usable * 127), 1, 127))

    def _visible(self):
        track = self.state.track
        if track is None or not len(track.notes):
            return None, None
        m = self.view.mapping()
        x = m.x(track.notes["start"].astype(np.float64))
        vis = np.flatnonzero((x >= -HEAD) & (x <= self.width() + HEAD))
        return vis, np.floor(x[vis])

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), ROLL.lane_bg)
        for frac in (0.25, 0.5, 0.75, 1.0):
            y = math.floor(self._vel_to_y(127 * frac))
            p.fillRect(QRectF(0, y, self.width(), 1), ROLL.lane_guide)
        vis, xs = self._visible()
        if vis is not None and len(vis):
            track = self.state.track
            vel = track.notes["velocity"][vis]
            ys = np.floor(self._vel_to_y(vel))
            selected = np.isin(vis, self.state.selection)
            p.setPen(Qt.PenStyle.NoPen)
            stems = rect_array(xs, ys, np.full(len(xs), 2.0), self.height() - ys)
            heads = rect_array(xs - HEAD // 2 + 1, ys - HEAD // 2, np.full(len(xs), float(HEAD)), float(HEAD))
            color = track_color(self.state.current_track)
            for mask, c in ((~selected, color), (selected, ROLL.selected_fill)):
                p.setBrush(c)
                draw_rects(p, stems[mask])
                draw_rects(p, heads[mask])
        p.fillRect(QRectF(0, 0, self.width(), 1), ROLL.octave_line)
        p.end()

    def _grab(self, x: float, y: float) -> int:
        vis, xs = self._visible()
        if vis is None:
            return -1
        near = np.flatnonzero(np.abs(xs + 1 - x) <= GRAB_PX)
        if not len(near):
            return -1
        rows = vis[near]
        selected = np.isin(rows, self.state.selection)
        if selected.any():
            rows = rows[selected]
        heads = self._vel_to_y(self.state.track.notes["velocity"][rows])
        return int(rows[np.argmin(np.abs(heads - y))])

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        row = self._grab(event.position().x(), event.position().y())
        if row < 0:
            return
        sel = self.state.selection
        rows = sel.copy() if row in sel else np.array([row], dtype=np.int64)
        track = self.state.track
        self._drag = {
            "row": row, "rows": rows, "orig": track.notes["velocity"][rows].astype(np.int64),
            "anchor": int(track.notes["velocity"][row]), "key": f"velocity-{next(_drag_ids)}", "last": 0,
        }
        self._apply(event.position().y())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            self._apply(event.position().y())

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self._drag = None

    def _apply(self, y: float) -> None:
        d = self._drag
        delta = self._y_to_vel(y) - d["anchor"]
        if delta == d["last"]:
            return
        d["last"] = delta
        values = np.clip(d["orig"] + delta, 1, 127)
        self.doc.push(SetNoteFields(self.state.current_track, d["rows"], {"velocity": values},
                                    text="Set velocity", merge_key=d["key"]))
