"""Melody ↔ event sequence: the MusicVAE-compatible representation every melody model shares.

One event per 16th-note step, 90 classes: 0 = NO_EVENT (hold the previous note or rest),
1 = NOTE_OFF (silence from here), 2..89 = note-on of MIDI pitch 21..108.

Polyphonic input is reduced to its top voice (highest pitch wins when onsets share a step);
onsets are rounded to the nearest 16th. Windows start on bar lines; a note held across the bar
line is re-struck at the window start so each window stands alone. Windows are always 32 steps
(2 bars of 4/4); in 3/4 or 6/8 a window spans 2⅔ bars, still starting on a bar line.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.song import NOTE_DTYPE, PPQ

STEPS_PER_QUARTER = 4
STEP_TICKS = PPQ // STEPS_PER_QUARTER
NO_EVENT = 0
NOTE_OFF = 1
MIN_PITCH = 21
MAX_PITCH = 108
FIRST_PITCH_CLASS = 2
NUM_CLASSES = FIRST_PITCH_CLASS + MAX_PITCH - MIN_PITCH + 1  # 90


def pitch_to_event(pitch):
    return np.asarray(pitch) - MIN_PITCH + FIRST_PITCH_CLASS


def event_to_pitch(event):
    return np.asarray(event) - FIRST_PITCH_CLASS + MIN_PITCH


def fold_into_range(pitches: np.ndarray, low: int = MIN_PITCH, high: int = MAX_PITCH) -> np.ndarray:
    """Octave-shift pitches outside ``low..high`` (default 21..108, at least an octave wide) into range."""
    p = np.asarray(pitches, dtype=np.int64).copy()
    while (p < low).any():
        p[p < low] += 12
    while (p > high).any():
        p[p > high] -= 12
    return p


def top_voice(starts, pitches) -> np.ndarray:
    """Indices of the notes the melody models read, in onset order: at each 16th-step onset the
    highest pitch. The others are the chord notes under it, which melody tools leave alone."""
    on = np.round(np.asarray(starts, dtype=np.int64) / STEP_TICKS).astype(np.int64)
    order = np.lexsort((-fold_into_range(pitches), on))
    first = np.ones(len(on), dtype=bool)
    first[1:] = on[order][1:] != on[order][:-1]
    return order[first]


def notes_to_events(starts, durations, pitches, total_steps: int | None = None) -> np.ndarray:
    """Tick-based notes → one event per 16th step (top voice, quantized). Returns uint8 array."""
    starts = np.asarray(starts, dtype=np.int64)
    if len(starts) == 0:
        return np.zeros(total_steps or 0, dtype=np.uint8)
    durations = np.asarray(durations, dtype=np.int64)
    on = np.round(starts / STEP_TICKS).astype(np.int64)
    off = np.maximum(np.round((starts + durations) / STEP_TICKS).astype(np.int64), on + 1)
    n_steps = int(off.max()) if total_steps is None else total_steps
    top = top_voice(starts, pitches)
    on, off, pitches = on[top], off[top], fold_into_range(pitches)[top]
    keep = on < n_steps
    on, off, pitches = on[keep], off[keep], pitches[keep]
    events = np.zeros(n_steps, dtype=np.uint8)
    if len(on) == 0:
        return events
    next_on = np.append(on[1:], n_steps)
    ends = np.minimum(off, next_on)
    rest = ends < next_on
    events[ends[rest & (ends < n_steps)]] = NOTE_OFF
    events[on] = pitch_to_event(pitches)
    return events


def events_to_notes(events, start_tick: int = 0, velocity: int = 90) -> np.ndarray:
    """Event sequence → NOTE_DTYPE rows (a note lasts until the next note-on or NOTE_OFF)."""
    ev = np.asarray(events, dtype=np.int64)
    idx = np.flatnonzero(ev != NO_EVENT)
    rows = []
    for j, i in enumerate(idx):
        if ev[i] < FIRST_PITCH_CLASS:
            continue
        end = idx[j + 1] if j + 1 < len(idx) else len(ev)
        rows.append((start_tick + i * STEP_TICKS, (end - i) * STEP_TICKS, int(event_to_pitch(ev[i])), velocity))
    return np.array(rows, dtype=NOTE_DTYPE) if rows else np.zeros(0, dtype=NOTE_DTYPE)


def held_pitch(events: np.ndarray) -> np.ndarray:
    """Event id of the pitch sounding at each step (NOTE_OFF where silent), along the last axis
    (one sequence, or a batch of windows)."""
    ev = np.asarray(events, dtype=np.int64)
    last = np.maximum.accumulate(np.where(ev != NO_EVENT, np.arange(ev.shape[-1]), -1), axis=-1)
    held = np.take_along_axis(ev, np.maximum(last, 0), axis=-1)
    return np.where(last >= 0, held, NOTE_OFF)


def bar_steps(numerator: int, denominator: int) -> int:
    return numerator * 16 // denominator


@dataclass(frozen=True)
class WindowSpec:
    length: int = 32       # steps per window
    stride_bars: int = 1   # hop between window starts, in bars
    min_onsets: int = 2    # windows with fewer note-ons are skipped (silence teaches nothing)


def standalone(window: np.ndarray, held_at_start: int) -> np.ndarray:
    """A copy of a window cut from a tune that stands alone: a note held across its start is
    re-struck there, a hold over silence becomes NOTE_OFF. ``held_at_start``: ``held_pitch`` there."""
    w = np.array(window, dtype=np.uint8)
    if len(w) and w[0] == NO_EVENT:
        w[0] = held_at_start if held_at_start >= FIRST_PITCH_CLASS else NOTE_OFF
    return w


def windows_from_events(events: np.ndarray, steps_per_bar: int, spec: WindowSpec = WindowSpec()) -> np.ndarray:
    """All bar-aligned windows of one tune as an (n, length) uint8 array."""
    ev = np.asarray(events, dtype=np.uint8)
    if len(ev) < spec.length or steps_per_bar <= 0:
        return np.zeros((0, spec.length), dtype=np.uint8)
    held = held_pitch(ev)
    out = []
    for s in range(0, len(ev) - spec.length + 1, steps_per_bar * spec.stride_bars):
        w = standalone(ev[s: s + spec.length], held[s])
        if int((w >= FIRST_PITCH_CLASS).sum()) >= spec.min_onsets:
            out.append(w)
    return np.stack(out) if out else np.zeros((0, spec.length), dtype=np.uint8)


def random_transpose(windows: np.ndarray, max_semitones: int, rng: np.random.Generator) -> np.ndarray:
    """Training augmentation: each window shifted by its own random 0..±``max_semitones`` (0 = none)."""
    if not max_semitones:
        return np.asarray(windows)
    return transpose_events(windows, rng.integers(-max_semitones, max_semitones + 1, len(windows)))


def transpose_events(windows: np.ndarray, semitones) -> np.ndarray:
    """Shift note-on events; a window whose shift leaves the range is shifted by an octave less."""
    w = np.asarray(windows).astype(np.int64)
    k = np.broadcast_to(np.asarray(semitones, dtype=np.int64).reshape(-1, *([1] * (w.ndim - 1))), w.shape)
    notes = w >= FIRST_PITCH_CLASS
    shifted = np.where(notes, w + k, w)
    bad = notes & ((shifted < FIRST_PITCH_CLASS) | (shifted >= NUM_CLASSES))
    if bad.any():
        rows = bad.reshape(len(w), -1).any(axis=1) if w.ndim > 1 else bad.any(keepdims=True)
        shifted[rows] = w[rows]
    return shifted.astype(np.uint8)
