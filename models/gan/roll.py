"""Melody windows as the GAN sees them: a per-step class and a two-plane piano roll.

Per 16th step one class: 0 = rest, 1 = hold (whatever sounds goes on sounding), 2.. = onset of
pitch low+i. One 'hold' class for every pitch keeps long notes easy to draw: a note is an onset
and then holds, not a run of same-pitch picks. The critic sees the piano-roll view of the same
thing: plane 0 = the pitch sounding at each step, plane 1 = where notes start (so a repeated note
is not a held one). These come from, and go back to, the shared melody events
(``models/data/melody.py``), so every melody metric applies to the GAN's output too.
"""
from __future__ import annotations

import numpy as np
import torch

from latentroll.models.data.melody import (
    FIRST_PITCH_CLASS,
    NO_EVENT,
    NOTE_OFF,
    event_to_pitch,
    fold_into_range,
    held_pitch,
    pitch_to_event,
)

from .config import GANConfig

REST = 0
HOLD = 1
FIRST_ONSET = 2


def events_to_steps(events: np.ndarray, cfg: GANConfig) -> np.ndarray:
    """(n, T) events → (n, T) step classes; pitches are octave-folded into the GAN's range."""
    ev = np.asarray(events, dtype=np.int64)
    onset = ev >= FIRST_PITCH_CLASS
    p = fold_into_range(event_to_pitch(np.where(onset, ev, FIRST_PITCH_CLASS)), cfg.low_pitch, cfg.high_pitch)
    sounding = held_pitch(ev) >= FIRST_PITCH_CLASS
    return np.where(onset, FIRST_ONSET + p - cfg.low_pitch, np.where(sounding & (ev == NO_EVENT), HOLD, REST))


def steps_to_events(steps: np.ndarray, cfg: GANConfig, sounding_before: np.ndarray | None = None) -> np.ndarray:
    """(n, T) step classes → (n, T) uint8 events. ``sounding_before`` (n,) bool: whether a note
    sounds just before each row (None: rows stand alone, starting from silence)."""
    s = np.asarray(steps, dtype=np.int64)
    onset = s >= FIRST_ONSET
    events = np.where(onset, pitch_to_event(s - FIRST_ONSET + cfg.low_pitch), NO_EVENT)
    sounding = np.zeros(len(s), bool) if sounding_before is None else np.asarray(sounding_before, bool)
    for t in range(s.shape[1]):  # a rest after a note ends it; hold keeps the state
        events[(s[:, t] == REST) & sounding, t] = NOTE_OFF
        sounding = np.where(onset[:, t], True, np.where(s[:, t] == REST, False, sounding))
    if sounding_before is None and s.shape[1]:
        events[:, 0] = np.where(events[:, 0] == NO_EVENT, NOTE_OFF, events[:, 0])
    return events.astype(np.uint8)


def roll_planes(onehot: torch.Tensor, cfg: GANConfig, before: torch.Tensor | None = None) -> torch.Tensor:
    """(B, T, classes) one-hot (hard or straight-through) → (B, 2, T, P): sounding pitch, onsets.
    ``before`` (B, P): what sounds just before the first step (default silence)."""
    onset = onehot[..., FIRST_ONSET:]
    hold = onehot[..., HOLD: HOLD + 1]
    sounding = onehot.new_zeros(onset.shape[0], onset.shape[2]) if before is None else before
    rows = []
    for t in range(onehot.shape[1]):  # 16 steps: a loop keeps the straight-through gradient simple
        sounding = onset[:, t] + hold[:, t] * sounding
        rows.append(sounding)
    return torch.stack([torch.stack(rows, 1), onset], dim=1)


def scale_classes(mask12: np.ndarray, cfg: GANConfig) -> np.ndarray:
    """(classes,) bool: the step classes allowed under a 12-pitch-class mask (rest, hold always)."""
    ok = mask12[(np.arange(cfg.pitches) + cfg.low_pitch) % 12]
    return np.concatenate([[True, True], ok])
