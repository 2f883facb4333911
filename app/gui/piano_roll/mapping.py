"""Scene ↔ screen arithmetic shared by the roll, keyboard, ruler and velocity lane.

Scene x is ticks; scene y is ``127 - pitch`` (pitch 127 on the top row, each row one unit tall).
The view only scales and translates, so a mapping is four numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QTransform

TOP_PITCH = 127


def pitch_to_row(pitch):
    return TOP_PITCH - np.asarray(pitch) if np.ndim(pitch) else TOP_PITCH - int(pitch)


@dataclass(frozen=True)
class Mapping:
    sx: float  # pixels per tick
    dx: float
    sy: float  # pixels per pitch row
    dy: float

    @classmethod
    def from_transform(cls, t: QTransform) -> "Mapping":
        return cls(t.m11(), t.dx(), t.m22(), t.dy())

    def x(self, tick):
        return tick * self.sx + self.dx

    def tick(self, x: float) -> float:
        return (x - self.dx) / self.sx

    def row_y(self, row):
        """Top edge of scene row ``row`` on screen."""
        return row * self.sy + self.dy

    def pitch_y(self, pitch):
        """Top edge of the row of ``pitch``."""
        return self.row_y(pitch_to_row(pitch))

    def pitch_at(self, y: float) -> int:
        row = int(np.floor((y - self.dy) / self.sy))
        return int(min(max(TOP_PITCH - row, 0), TOP_PITCH))
