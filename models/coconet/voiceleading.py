"""Voice-leading counts on 4-voice pitch grids: parallel fifths/octaves, crossings, ranges.

Grids are int arrays (4, frames) of MIDI pitches with -1 for rest, voice 0 = soprano. Both
Bach's chorales and the model's harmonizations are measured on the same 16th-step grids, so a
repeated note counts as held in both.

- Parallel fifth/octave: two voices sound a perfect fifth (or an octave/unison, compound intervals
  included) and move, both in the same direction, to the same perfect interval at their next change.
  Motion is judged between consecutive frames where both voices sound; a rest breaks the chain.
  The sampler's constraint (constraint.py) also avoids consecutive fifths/octaves by contrary
  motion (``contrary=True``); the metric counts only the parallel kind.
- Crossing: a frame where a voice sounds below the next lower voice (adjacent pairs S/A, A/T, T/B).
- Out of range: a note outside its voice's usual range (textbook SATB ranges below).
"""
from __future__ import annotations

import numpy as np

from .roll import STEPS_PER_BEAT

# Usual choral ranges (MIDI): soprano C4–A5, alto G3–D5, tenor C3–A4, bass E2–D4.
VOICE_RANGES: tuple[tuple[int, int], ...] = ((60, 81), (55, 74), (48, 69), (40, 62))
PERFECT = (0, 7)  # interval classes: octave/unison, fifth
PAIRS = tuple((i, j) for i in range(4) for j in range(i + 1, 4))  # the six voice pairs, upper first


def parallel_moves(a0, b0, a1, b1, contrary: bool = False):
    """Elementwise: do two voices moving from pitches (a0, b0) to (a1, b1) make a parallel fifth or
    octave? ``contrary``: also when they move in opposite directions (consecutive fifths/octaves).
    Negative = rest (no motion to judge). Takes numpy arrays or torch tensors of broadcastable
    shapes, so the metric below and the sampler's constraint (constraint.py) share this one test."""
    sounding = (a0 >= 0) & (b0 >= 0) & (a1 >= 0) & (b1 >= 0)
    before, after = abs(a0 - b0) % 12, abs(a1 - b1) % 12
    perfect = (after == PERFECT[0]) | (after == PERFECT[1])
    motion = (a1 - a0) * (b1 - b0)
    both_move = (motion != 0) if contrary else (motion > 0)
    return sounding & both_move & (before == after) & perfect


def pair_parallels(upper: np.ndarray, lower: np.ndarray) -> int:
    """Parallel fifths and octaves between two voices' pitch rows (-1 = rest)."""
    a, b = np.asarray(upper, dtype=np.int64), np.asarray(lower, dtype=np.int64)
    return int(parallel_moves(a[:-1], b[:-1], a[1:], b[1:]).sum())


def pair_flags(grid, contrary: bool = False):
    """(..., 6, frames - 1) bool: whether voice pair k of ``PAIRS`` moves in parallel from frame t
    to t + 1. ``grid`` (..., 4, frames), numpy or torch; ``contrary`` as in ``parallel_moves``."""
    upper, lower = grid[..., [i for i, _ in PAIRS], :], grid[..., [j for _, j in PAIRS], :]
    return parallel_moves(upper[..., :-1], lower[..., :-1], upper[..., 1:], lower[..., 1:], contrary)


def parallels(grid: np.ndarray) -> int:
    """Parallel fifths/octaves summed over all six voice pairs."""
    return int(pair_flags(np.asarray(grid, dtype=np.int64)).sum())


def crosses(upper, lower):
    """Elementwise: does the upper voice sound below the lower one? (numpy or torch, -1 = rest)"""
    return (upper >= 0) & (lower >= 0) & (upper < lower)


def crossing_frames(grid: np.ndarray) -> int:
    """Frames in which some voice sounds below the next lower one."""
    g = np.asarray(grid)
    return int(crosses(g[:-1], g[1:]).any(axis=0).sum())


def note_pitches(row: np.ndarray) -> np.ndarray:
    """Pitches of the notes of one voice row (a run of one pitch is one note)."""
    row = np.asarray(row)
    starts = np.flatnonzero(np.diff(row, prepend=-2) != 0)
    p = row[starts]
    return p[p >= 0]


def out_of_range_counts(grid: np.ndarray, voices=(0, 1, 2, 3)) -> tuple[int, int]:
    """(notes outside their voice's range, notes) over ``voices``."""
    bad = total = 0
    for v in voices:
        p = note_pitches(grid[v])
        lo, hi = VOICE_RANGES[v]
        bad += int(((p < lo) | (p > hi)).sum())
        total += len(p)
    return bad, total


def beats(grid: np.ndarray) -> float:
    return grid.shape[1] / STEPS_PER_BEAT


def summarize(grids: list[np.ndarray], voices=(0, 1, 2, 3)) -> dict[str, float]:
    """Rates over a set of grids: parallels per 100 beats, crossing share of frames, out-of-range share."""
    n_beats = sum(beats(g) for g in grids)
    par = sum(parallels(g) for g in grids)
    cross = sum(crossing_frames(g) for g in grids)
    frames = sum(g.shape[1] for g in grids)
    oor = [out_of_range_counts(g, voices) for g in grids]
    return {
        "parallels_per_100": 100.0 * par / max(n_beats, 1e-9),
        "crossings": cross / max(frames, 1),
        "out_of_range": sum(b for b, _ in oor) / max(sum(t for _, t in oor), 1),
    }
