"""Voice-leading counts on 4-voice pitch grids: parallel fifths/octaves, crossings, ranges.

Grids are int arrays (4, frames) of MIDI pitches with -1 for rest, voice 0 = soprano. Both
Bach's chorales and the model's harmonizations are measured on the same 16th-step grids, so a
repeated note counts as held in both.

- Parallel fifth/octave: two voices sound a perfect fifth (or an octave/unison, compound intervals
  included) and move, both in the same direction, to the same perfect interval at their next change.
  Motion is judged between consecutive frames where both voices sound; a rest breaks the chain.
- Crossing: a frame where a voice sounds below the next lower voice (adjacent pairs S/A, A/T, T/B).
- Out of range: a note outside its voice's usual range (textbook SATB ranges below).
"""
from __future__ import annotations

import numpy as np

from .roll import STEPS_PER_BEAT

# Usual choral ranges (MIDI): soprano C4–A5, alto G3–D5, tenor C3–A4, bass E2–D4.
VOICE_RANGES: tuple[tuple[int, int], ...] = ((60, 81), (55, 74), (48, 69), (40, 62))
PERFECT = (0, 7)  # interval classes: octave/unison, fifth


def pair_parallels(upper: np.ndarray, lower: np.ndarray) -> int:
    """Parallel fifths and octaves between two voices' pitch rows (-1 = rest)."""
    count = 0
    prev: tuple[int, int] | None = None
    for a, b in zip(np.asarray(upper).tolist(), np.asarray(lower).tolist()):
        if a < 0 or b < 0:
            prev = None
            continue
        if prev is not None and (a, b) != prev:
            da, db = a - prev[0], b - prev[1]
            before, after = abs(prev[0] - prev[1]) % 12, abs(a - b) % 12
            if da * db > 0 and before == after and after in PERFECT:
                count += 1
        prev = (a, b)
    return count


def parallels(grid: np.ndarray) -> int:
    """Parallel fifths/octaves summed over all six voice pairs."""
    v = len(grid)
    return sum(pair_parallels(grid[i], grid[j]) for i in range(v) for j in range(i + 1, v))


def crossing_frames(grid: np.ndarray) -> int:
    """Frames in which some voice sounds below the next lower one."""
    g = np.asarray(grid)
    both = (g[:-1] >= 0) & (g[1:] >= 0)
    return int((both & (g[:-1] < g[1:])).any(axis=0).sum())


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
