"""Repair: decode a melody through an autoencoder and keep only the changes it is sure of.

Two networks can repair: the binary-code ``MelodyAE`` (window by window, see below) and the
``RepairNet`` (the whole melody in one pass). Per 16th step, either gives a distribution over
events. An event is replaced by the network's best one only when that is more likely than the
event that is there by a margin (nats): ``margin = repair_margin · (1 - strength) / strength``,
so strength 1 is the plain decoding, 0.5 the calibrated margin and 0 changes nothing. The
``MelodyAE`` repairs window by window: windows of ``window`` steps start on bar lines, one every
whole number of bars that fits, and each keeps its output up to the next window's start.
"""
from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.models.data.melody import FIRST_PITCH_CLASS, NO_EVENT, held_pitch, standalone

from .network import MelodyAE
from .repair_net import RepairNet, bar_positions


def margin_for(strength: float, repair_margin: float) -> float:
    if strength <= 0:
        return np.inf
    return repair_margin * (1.0 - min(strength, 1.0)) / min(strength, 1.0)


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


@torch.no_grad()
def tune_logprobs(net: RepairNet, events: np.ndarray, bar: int) -> np.ndarray:
    """(steps, classes) log-probabilities of the clean event at each step of a whole melody."""
    net.eval()
    ev = torch.as_tensor(np.asarray(events, dtype=np.int64))[None]
    pos = bar_positions(ev.shape[1], bar)[None]
    return F.log_softmax(net(ev, pos), -1)[0].numpy()


def fixes(model: MelodyAE | RepairNet, events: np.ndarray, bar: int, margins: dict) -> dict:
    """The melody repaired at each named margin (nats), all from one pass of the network."""
    ev = np.asarray(events, dtype=np.uint8)
    if isinstance(model, RepairNet):
        logp = tune_logprobs(model, ev, bar)[None]
        return {k: apply_margin(ev[None], logp, m)[0] for k, m in margins.items()}
    wins, starts, stride = melody_windows(ev, bar, model.cfg.window)
    logp = window_logprobs(model, wins)
    return {k: stitch(ev, apply_margin(wins, logp, m), starts, stride) for k, m in margins.items()}


def repair_events(model: MelodyAE | RepairNet, events: np.ndarray, bar: int, strength: float = 0.5) -> np.ndarray:
    """A whole melody's events, repaired (same length)."""
    return fixes(model, events, bar, {0: margin_for(strength, model.cfg.repair_margin)})[0]
