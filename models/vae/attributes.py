"""Melody attributes measured on event windows: what the attribute sliders move along."""
from __future__ import annotations

import numpy as np

from latentroll.models.data.melody import FIRST_PITCH_CLASS, MIN_PITCH

ATTRIBUTES: dict[str, str] = {
    "density": "Note density: note onsets per window.",
    "syncopation": "Syncopation: share of onsets off the eighth-note grid or on weak eighths.",
    "interval": "Average interval: mean absolute leap between consecutive notes (semitones).",
    "in_key": "In key: share of notes in the best-fitting major/minor scale.",
}

_MAJOR = np.array([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1], dtype=bool)


def measure(windows: np.ndarray) -> dict[str, np.ndarray]:
    """Each attribute for each window (n,)."""
    w = np.asarray(windows, dtype=np.int64)
    onset = w >= FIRST_PITCH_CLASS
    n_on = onset.sum(1)
    steps = np.arange(w.shape[1])
    weak = (steps % 2 == 1) | (steps % 4 == 2)
    sync = (onset & weak[None]).sum(1) / np.maximum(n_on, 1)
    intervals = np.zeros(len(w))
    in_key = np.zeros(len(w))
    for i, row in enumerate(w):
        p = row[row >= FIRST_PITCH_CLASS] - FIRST_PITCH_CLASS + MIN_PITCH
        if len(p) > 1:
            intervals[i] = np.abs(np.diff(p)).mean()
        if len(p):
            hist = np.bincount(p % 12, minlength=12)
            # best of the 12 major keys (relative minors share the pitch set)
            in_key[i] = max(hist[np.roll(_MAJOR, k)].sum() for k in range(12)) / len(p)
    return {"density": n_on.astype(np.float64), "syncopation": sync, "interval": intervals, "in_key": in_key}
