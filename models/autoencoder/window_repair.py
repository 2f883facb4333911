"""The code autoencoder repairing a melody window by window (``MelodyAE.fixes``).

The ``MelodyAE`` gives, per 16th step of a window, a distribution over events; an event is
replaced by the decoder's best one only when that beats it by the margin (the shared rule of
``models.common.repair_margin``). Windows of ``window`` steps start on bar lines, one every whole
number of bars that fits, and each keeps its output up to the next window's start.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.models.data.melody import FIRST_PITCH_CLASS, NO_EVENT, held_pitch, standalone

if TYPE_CHECKING:
    from .network import MelodyAE


@torch.no_grad()
def window_logprobs(model: MelodyAE, windows: np.ndarray, batch: int = 1024) -> np.ndarray:
    """(n, window, classes) log-probabilities of the decoding of each (clean or rough) window."""
    model.eval()
    out = [F.log_softmax(model(torch.as_tensor(windows[s: s + batch].astype(np.int64))), -1).numpy()
           for s in range(0, len(windows), batch)]
    return np.concatenate(out) if out else np.zeros((0, model.cfg.window, model.cfg.num_classes), np.float32)


def apply_margin(windows: np.ndarray, logp: np.ndarray, margin: float) -> np.ndarray:
    """Each step's event, or the decoder's best where it beats it by more than ``margin`` nats."""
    best = logp.argmax(-1)
    here = np.take_along_axis(logp, windows[..., None].astype(np.int64), -1)[..., 0]
    gain = np.take_along_axis(logp, best[..., None], -1)[..., 0] - here
    return np.where(gain > margin, best, windows).astype(np.uint8)


def segment_starts(steps: int, bar: int, window: int) -> tuple[list[int], int]:
    """Window starts covering ``steps`` and the stride between them (whole bars ≤ window)."""
    stride = max(1, window // bar) * bar if bar <= window else window
    return list(range(0, max(1, steps - window + stride), stride)), stride


def melody_windows(events: np.ndarray, bar: int, window: int) -> tuple[np.ndarray, list[int], int]:
    """Standalone windows of a whole melody (the tail padded with holds), their starts and stride."""
    ev = np.asarray(events, dtype=np.uint8)
    starts, stride = segment_starts(len(ev), bar, window)
    padded = np.concatenate([ev, np.zeros(max(0, starts[-1] + window - len(ev)), np.uint8)])
    held = held_pitch(padded)
    wins = np.stack([standalone(padded[s: s + window], held[s]) for s in starts])
    return wins, starts, stride


def stitch(events: np.ndarray, windows_out: np.ndarray, starts: list[int], stride: int) -> np.ndarray:
    """Put repaired windows back in place; a re-struck held note left unchanged holds again."""
    ev = np.asarray(events, dtype=np.uint8)
    n = len(ev)
    out = ev.copy()
    held = held_pitch(ev)
    for i, (s, w) in enumerate(zip(starts, windows_out)):
        keep = min(stride if i + 1 < len(starts) else len(w), n - s)
        if keep <= 0:
            continue
        seg = w[:keep].copy()
        if ev[s] == NO_EVENT and held[s] >= FIRST_PITCH_CLASS and seg[0] == held[s]:
            seg[0] = NO_EVENT
        elif ev[s] == NO_EVENT and held[s] < FIRST_PITCH_CLASS and seg[0] < FIRST_PITCH_CLASS:
            seg[0] = NO_EVENT
        out[s: s + keep] = seg
    return out


def window_fixes(model: MelodyAE, events: np.ndarray, bar: int, margins: dict) -> dict:
    """The melody repaired at each named margin (nats), all from one decoding of its windows."""
    ev = np.asarray(events, dtype=np.uint8)
    wins, starts, stride = melody_windows(ev, bar, model.cfg.window)
    logp = window_logprobs(model, wins)
    return {k: stitch(ev, apply_margin(wins, logp, m), starts, stride) for k, m in margins.items()}
