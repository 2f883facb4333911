"""Rough sketches made from clean melodies: wrong notes, jittered onsets, dropped notes.

All functions take event arrays (n, steps) and a NumPy generator and return new arrays, so the
training loader and the repair evaluation corrupt melodies the same way. Step 0 of a window is
never moved or dropped (a window must start with an event of its own).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.models.data.melody import FIRST_PITCH_CLASS, NO_EVENT, NOTE_OFF, NUM_CLASSES

SHIFTS = np.array([-2, -1, 1, 2])


@dataclass(frozen=True)
class Corruption:
    shift_rate: float = 0.1
    jitter_rate: float = 0.0
    drop_rate: float = 0.0

    @classmethod
    def of(cls, cfg) -> "Corruption":
        """The training corruption of a config with ``shift_rate``, ``jitter_rate``, ``drop_rate``."""
        return cls(cfg.shift_rate, cfg.jitter_rate, cfg.drop_rate)


def shift_notes(events: np.ndarray, rate: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Move a ``rate`` share of note-ons ±1–2 semitones; returns (events, mask of shifted steps)."""
    ev = np.asarray(events).astype(np.int64)
    pick = (ev >= FIRST_PITCH_CLASS) & (rng.random(ev.shape) < rate)
    delta = SHIFTS[rng.integers(0, len(SHIFTS), ev.shape)]
    moved = ev + delta
    outside = (moved < FIRST_PITCH_CLASS) | (moved >= NUM_CLASSES)
    moved = np.where(outside, ev - delta, moved)
    return np.where(pick, moved, ev).astype(np.uint8), pick


def jitter_onsets(events: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Move a ``rate`` share of note-ons one 16th earlier or later, where that step holds."""
    ev = np.array(events, dtype=np.uint8)
    rows, cols = np.nonzero((ev >= FIRST_PITCH_CLASS) & (rng.random(ev.shape) < rate))
    dirs = rng.choice([-1, 1], len(rows))
    for r, c, d in zip(rows, cols, dirs):  # few per batch; neighbours interact, so one at a time
        t = c + d
        if c == 0 or not 1 <= t < ev.shape[1] or ev[r, t] != NO_EVENT or ev[r, c] < FIRST_PITCH_CLASS:
            continue
        ev[r, t], ev[r, c] = ev[r, c], NO_EVENT
    return ev


def drop_notes(events: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Remove a ``rate`` share of note-ons (not at step 0): half become holds, half rests."""
    ev = np.array(events, dtype=np.uint8)
    pick = (ev >= FIRST_PITCH_CLASS) & (rng.random(ev.shape) < rate)
    pick[:, 0] = False
    ev[pick] = np.where(rng.random(int(pick.sum())) < 0.5, NO_EVENT, NOTE_OFF)
    return ev


def corrupt(events: np.ndarray, spec: Corruption, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """All three corruptions; returns (events, mask of pitch-shifted steps)."""
    ev = drop_notes(jitter_onsets(events, spec.jitter_rate, rng), spec.drop_rate, rng)
    return shift_notes(ev, spec.shift_rate, rng)
