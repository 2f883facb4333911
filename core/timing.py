"""Grid arithmetic: snap values, quantize, and the grid names the piano roll offers."""
from __future__ import annotations

import numpy as np

from .song import PPQ

# Name → ticks per grid step. Triplet grids are 2/3 of their straight value.
GRIDS: dict[str, int] = {
    "1/1": PPQ * 4, "1/2": PPQ * 2, "1/4": PPQ, "1/8": PPQ // 2,
    "1/16": PPQ // 4, "1/32": PPQ // 8,
    "1/4T": PPQ * 2 // 3, "1/8T": PPQ // 3, "1/16T": PPQ // 6, "1/32T": PPQ // 12,
}


def grid_ticks(name: str) -> int:
    try:
        return GRIDS[name]
    except KeyError:
        raise ValueError(f"unknown grid {name!r}; choose one of {', '.join(GRIDS)}") from None


def snap(ticks, grid: int):
    """Nearest multiple of ``grid`` (scalar or array)."""
    t = np.asarray(ticks, dtype=np.int64)
    out = ((t + grid // 2) // grid) * grid
    return int(out) if np.ndim(ticks) == 0 else out


def round_up(value: int, step: int) -> int:
    """``value`` rounded up to a whole number of ``step`` (a span padded to whole bars)."""
    return -(-int(value) // step) * step


def quantize(starts, durations, grid: int, strength: float = 1.0, ends: bool = False):
    """Pull note starts (and optionally ends) toward the grid; durations never drop below a step.

    Returns new (starts, durations) arrays; ``strength`` 1.0 snaps fully, 0.5 goes half way.
    """
    s = np.asarray(starts, dtype=np.int64)
    d = np.asarray(durations, dtype=np.int64)
    new_s = np.round(s + (snap(s, grid) - s) * strength).astype(np.int64)
    if ends:
        e = s + d
        new_e = np.round(e + (snap(e, grid) - e) * strength).astype(np.int64)
        new_d = np.maximum(new_e - new_s, max(1, int(grid * strength)) if strength >= 1 else 1)
    else:
        new_d = d.copy()
    new_s = np.maximum(new_s, 0)
    return new_s, np.maximum(new_d, 1)
