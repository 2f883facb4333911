"""Drum tracks ↔ step arrays, GrooVAE's representation: per 16th step and kit piece a hit, its
velocity (0-1) and its micro-timing offset (a fraction of a step, -0.5 ≤ offset < 0.5).

Every drum model reads and writes these arrays; the kit (nine pieces, GM keys → piece) is
``core.drum_kit``. A note on a key in no piece is dropped and counted; two hits of one piece in
one step keep the louder. The "quantized" (fixed velocity, no offset) and "tapped" (one voice)
views Groove and Drumify learn from are derived here too.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.drum_kit import DRUM_CHANNEL, KIT, NUM_PIECES, piece_of
from latentroll.core.song import NOTE_DTYPE, PPQ, Track

STEP_TICKS = PPQ // 4          # a 16th note
STEPS_PER_BAR = 16             # 4/4 only
BAR_TICKS = STEP_TICKS * STEPS_PER_BAR
QUANTIZED_VELOCITY = 0.8       # the velocity every hit of a quantized pattern gets
NOTE_TICKS = STEP_TICKS // 2   # drum notes are one-shots: the length only matters to the roll


@dataclass
class DrumGrid:
    """A drum part on the 16th grid: ``hits`` (T, 9) 0/1, ``velocity`` (T, 9) 0-1 and ``offset``
    (T, 9) in steps, all float32, zero where there is no hit."""

    hits: np.ndarray
    velocity: np.ndarray
    offset: np.ndarray
    dropped: int = 0   # notes on keys in no kit piece

    @property
    def steps(self) -> int:
        return len(self.hits)

    @classmethod
    def empty(cls, steps: int) -> "DrumGrid":
        z = np.zeros((steps, NUM_PIECES), np.float32)
        return cls(z, z.copy(), z.copy())

    def stacked(self) -> np.ndarray:
        """(T, 27): hits, velocities, offsets side by side (what the networks read)."""
        return np.concatenate([self.hits, self.velocity, self.offset], axis=-1).astype(np.float32)

    @classmethod
    def from_stacked(cls, x: np.ndarray) -> "DrumGrid":
        n = NUM_PIECES
        hits = (np.asarray(x[:, :n]) > 0.5).astype(np.float32)
        return cls(hits, np.clip(x[:, n:2 * n], 0, 1) * hits, np.clip(x[:, 2 * n:3 * n], -0.5, 0.49) * hits)


def notes_to_grid(notes: np.ndarray, steps: int | None = None, origin: int = 0) -> DrumGrid:
    """The grid of ``notes`` (a NOTE_DTYPE array) from tick ``origin``; ``steps`` defaults to
    the length of the part rounded up to whole bars."""
    notes = notes[notes["start"] >= origin - STEP_TICKS // 2]
    pieces = np.array([piece_of(p) if piece_of(p) is not None else -1 for p in notes["pitch"]], np.int64)
    known = pieces >= 0
    dropped = int((~known).sum())
    notes, pieces = notes[known], pieces[known]
    rel = notes["start"].astype(np.int64) - origin
    step = np.floor(rel / STEP_TICKS + 0.5).astype(np.int64)
    if steps is None:
        last = int(step.max()) + 1 if len(step) else 0
        steps = -(-last // STEPS_PER_BAR) * STEPS_PER_BAR
    grid = DrumGrid.empty(steps)
    inside = (step >= 0) & (step < steps)
    vel = notes["velocity"].astype(np.float32) / 127.0
    off = (rel - step * STEP_TICKS) / STEP_TICKS
    for i in np.argsort(vel, kind="stable")[::-1]:  # louder first: a second hit in a step loses
        if not inside[i] or grid.hits[step[i], pieces[i]]:
            continue
        grid.hits[step[i], pieces[i]] = 1.0
        grid.velocity[step[i], pieces[i]] = vel[i]
        grid.offset[step[i], pieces[i]] = off[i]
    grid.dropped = dropped
    return grid


def track_to_grid(track: Track, steps: int | None = None, origin: int = 0) -> DrumGrid:
    return notes_to_grid(track.notes, steps, origin)


def grid_to_notes(grid: DrumGrid, origin: int = 0) -> np.ndarray:
    t, p = np.nonzero(grid.hits > 0.5)
    out = np.zeros(len(t), NOTE_DTYPE)
    start = origin + np.round((t + grid.offset[t, p]) * STEP_TICKS).astype(np.int64)
    out["start"] = np.maximum(start, origin)
    out["duration"] = NOTE_TICKS
    out["pitch"] = np.array([KIT[i].pitch for i in p], np.int16) if len(p) else []
    out["velocity"] = np.clip(np.round(grid.velocity[t, p] * 127), 1, 127)
    return out[np.argsort(out["start"], kind="stable")]


def grid_to_track(grid: DrumGrid, origin: int = 0, name: str = "Drums") -> Track:
    """A GM drum track (channel 10) playing ``grid`` from tick ``origin``."""
    return Track(name=name, program=0, channel=DRUM_CHANNEL, is_drum=True, notes=grid_to_notes(grid, origin))


def quantized(hits: np.ndarray) -> np.ndarray:
    """(…, T, 27) stacked input of a quantized pattern: the hits, one velocity, no offsets."""
    hits = (np.asarray(hits) > 0.5).astype(np.float32)
    return np.concatenate([hits, hits * QUANTIZED_VELOCITY, np.zeros_like(hits)], axis=-1)


def tapped(hits: np.ndarray, velocity: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """(…, T, 3): the part collapsed to one voice (a tapped rhythm): hit, loudest velocity and
    that hit's offset per step."""
    hit = hits.max(-1)
    loud = np.argmax(velocity * hits, axis=-1)[..., None]
    vel = np.take_along_axis(velocity, loud, -1)[..., 0]
    off = np.take_along_axis(offset, loud, -1)[..., 0]
    return np.stack([hit, vel * hit, off * hit], axis=-1).astype(np.float32)


def rhythm_of(track: Track, steps: int | None = None, origin: int = 0) -> np.ndarray:
    """(T, 3) tapped rhythm of any track (a melody's onsets too): every note counts, whatever key."""
    notes = track.notes[track.notes["start"] >= origin - STEP_TICKS // 2]
    rel = notes["start"].astype(np.int64) - origin
    step = np.floor(rel / STEP_TICKS + 0.5).astype(np.int64)
    if steps is None:
        last = int(step.max()) + 1 if len(step) else 0
        steps = -(-last // STEPS_PER_BAR) * STEPS_PER_BAR
    out = np.zeros((steps, 3), np.float32)
    vel = notes["velocity"].astype(np.float32) / 127.0
    for i in np.argsort(vel, kind="stable")[::-1]:
        s = step[i]
        if 0 <= s < steps and not out[s, 0]:
            out[s] = (1.0, vel[i], (rel[i] - s * STEP_TICKS) / STEP_TICKS)
    return out
