"""Melody windows as the GAN sees them: a per-step class and a two-plane piano roll.

Per 16th step one class: 0 = rest, 1..P = onset of pitch low+i, P+1..2P = hold of pitch low+i.
The discriminator sees the piano-roll view of the same thing: plane 0 = the pitch sounding at each
step, plane 1 = where notes start (so a repeated note is not a held one). These come from, and go
back to, the shared melody events (``models/data/melody.py``), so every melody metric applies.
"""
from __future__ import annotations

import numpy as np
import torch

from latentroll.models.data.melody import (
    FIRST_PITCH_CLASS, NO_EVENT, NOTE_OFF, event_to_pitch, fold_into_range, held_pitch, pitch_to_event,
)

from .config import GANConfig

REST = 0


def events_to_steps(events: np.ndarray, cfg: GANConfig) -> np.ndarray:
    """(n, T) events → (n, T) step classes; pitches are octave-folded into the GAN's range."""
    ev = np.asarray(events, dtype=np.int64)
    held = held_pitch(ev)
    sounding = held >= FIRST_PITCH_CLASS
    p = np.where(sounding, event_to_pitch(np.where(sounding, held, FIRST_PITCH_CLASS)), cfg.low_pitch)
    idx = fold_into_range(p, cfg.low_pitch, cfg.high_pitch) - cfg.low_pitch
    onset = ev >= FIRST_PITCH_CLASS
    return np.where(sounding, np.where(onset, 1 + idx, 1 + cfg.pitches + idx), REST)


def steps_to_events(steps: np.ndarray, cfg: GANConfig, before: np.ndarray | None = None) -> np.ndarray:
    """(n, T) step classes → (n, T) uint8 events. ``before``: the class of the step just before
    each row (None: the row stands alone, starting from silence). A hold of a pitch that is not
    sounding becomes an onset."""
    s = np.asarray(steps, dtype=np.int64)
    n = len(s)
    pitch = np.where(s == REST, -1, (s - 1) % cfg.pitches)
    prev_first = np.full(n, -1) if before is None else np.where(before == REST, -1, (np.asarray(before) - 1) % cfg.pitches)
    prev = np.concatenate([prev_first[:, None], pitch[:, :-1]], axis=1)
    hold = s > cfg.pitches
    events = np.where(pitch >= 0, pitch_to_event(pitch + cfg.low_pitch), np.where(prev >= 0, NOTE_OFF, NO_EVENT))
    events = np.where(hold & (pitch == prev) & (pitch >= 0), NO_EVENT, events)
    if before is None and s.shape[1]:
        events[:, 0] = np.where(events[:, 0] == NO_EVENT, NOTE_OFF, events[:, 0])
    return events.astype(np.uint8)


def roll_planes(onehot: torch.Tensor, cfg: GANConfig) -> torch.Tensor:
    """(B, T, classes) one-hot (hard or straight-through) → (B, 2, T, P): sounding, onsets."""
    p = cfg.pitches
    onset = onehot[..., 1: 1 + p]
    return torch.stack([onset + onehot[..., 1 + p:], onset], dim=1)


def scale_classes(mask12: np.ndarray, cfg: GANConfig) -> np.ndarray:
    """(classes,) bool: the step classes allowed under a 12-pitch-class mask (rest always)."""
    ok = mask12[(np.arange(cfg.pitches) + cfg.low_pitch) % 12]
    return np.concatenate([[True], ok, ok])
