"""MuseGAN's objective metrics (Dong et al. 2018), measured on melody event windows.

Windows are (n, steps) event arrays (``models/data/melody.py``) cut into bars of ``bar`` steps;
data, GAN and VAE samples all go through the same functions, so they compare like with like.
- eb: empty bars — share of bars in which no note sounds (a note held into the bar counts).
- upc: used pitch classes — mean number of distinct pitch classes sounding per non-empty bar.
- qn: qualified notes — share of notes lasting at least ``min_steps`` 16th steps (3 in MuseGAN);
  low values mean fragmented output.
"""
from __future__ import annotations

import numpy as np

from latentroll.models.data.melody import FIRST_PITCH_CLASS, MIN_PITCH, NO_EVENT, held_pitch


def bar_sounding(windows: np.ndarray, bar: int = 16) -> np.ndarray:
    """(n * bars, bar) pitch classes 0..11 sounding at each step, -1 where silent."""
    held = held_pitch(np.asarray(windows, dtype=np.int64))
    steps = held.shape[-1] // bar * bar
    pc = np.where(held >= FIRST_PITCH_CLASS, (held - FIRST_PITCH_CLASS + MIN_PITCH) % 12, -1)
    return pc[:, :steps].reshape(-1, bar)


def note_lengths(windows: np.ndarray) -> np.ndarray:
    """Length in steps of every note in the windows (a note ends at the next event or the window end)."""
    out = []
    for w in np.asarray(windows, dtype=np.int64):
        idx = np.flatnonzero(w != NO_EVENT)
        ends = np.append(idx[1:], len(w))
        out.append((ends - idx)[w[idx] >= FIRST_PITCH_CLASS])
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def musegan_metrics(windows: np.ndarray, bar: int = 16, min_steps: int = 3) -> dict[str, float]:
    pcs = bar_sounding(windows, bar)
    sounding = pcs >= 0
    empty = ~sounding.any(1)
    used = [len(np.unique(row[row >= 0])) for row in pcs[~empty]]
    lengths = note_lengths(windows)
    return {
        "eb": float(empty.mean()) if len(pcs) else 0.0,
        "upc": float(np.mean(used)) if used else 0.0,
        "qn": float((lengths >= min_steps).mean()) if len(lengths) else 0.0,
    }


def relative_gap(ours: dict[str, float], data: dict[str, float]) -> float:
    """Mean relative distance of eb, upc and qn from the data's (0 = identical)."""
    return float(np.mean([abs(ours[k] - data[k]) / max(abs(data[k]), 1e-2) for k in ("eb", "upc", "qn")]))


__all__ = ["musegan_metrics", "relative_gap", "note_lengths", "bar_sounding"]
