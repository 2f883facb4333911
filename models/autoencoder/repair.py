"""Repair: read a melody through a network and keep only the changes it is sure of.

Two networks can repair. The ``NoteRepairNet`` reads the whole melody at once and gives, per
note, how likely its pitch is off by −2…+2 semitones; a note moves to its likeliest other pitch
only when that beats keeping it by a margin (nats). The binary-code ``MelodyAE`` gives, per 16th
step, a distribution over events; an event is replaced by the decoder's best one only when that
beats it by the margin. The margin comes from the strength (``margin_for``): 0 changes nothing,
0.5 is ``repair_margin`` (calibrated on validation tunes at ship time), higher strengths lower it.
The ``MelodyAE`` repairs window by window: windows of ``window`` steps start on bar lines, one
every whole number of bars that fits, and each keeps its output up to the next window's start.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.models.data.melody import FIRST_PITCH_CLASS, NO_EVENT, held_pitch, standalone

from .network import MelodyAE
from .note_features import KEEP, OFFSETS, note_rows
from .note_repair_net import NoteRepairNet


STRENGTH_NATS = 8.0  # margin slope per unit strength: strength 1 is 4 nats below the calibrated margin


def margin_for(strength: float, repair_margin: float) -> float:
    """The margin (nats) at a strength: infinite at 0 (change nothing), the calibrated
    ``repair_margin`` at 0.5, and ``STRENGTH_NATS`` / 2 lower at 1, linearly between."""
    if strength <= 0:
        return np.inf
    return repair_margin + STRENGTH_NATS * (0.5 - min(strength, 1.0))


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
def note_logprobs(net: NoteRepairNet, events: np.ndarray, bar: int):
    """The melody's note rows and (notes, offsets) log-probabilities of each note's pitch offset."""
    net.eval()
    rows = note_rows(events, bar)
    t = lambda a: torch.as_tensor(a, dtype=torch.long)[None]  # noqa: E731
    ctx = torch.as_tensor(rows.context())[None] if net.cfg.context_features else None
    logits = net(t(rows.pitch), t(rows.position), t(rows.sound), t(rows.rest), ctx)
    return rows, F.log_softmax(logits, -1)[0].numpy()


def note_fixes(net: NoteRepairNet, events: np.ndarray, bar: int, margins: dict) -> dict:
    """Pitches moved by the likeliest offset where it beats keeping the note by the margin; with
    the LSTM's opinion attached (``uses_opinion``), its weighted gain is added to the network's."""
    ev = np.asarray(events, dtype=np.uint8)
    if not (ev >= FIRST_PITCH_CLASS).any():
        return {k: ev.copy() for k in margins}
    rows, logp = note_logprobs(net, ev, bar)
    gains = logp - logp[:, KEEP:KEEP + 1]
    if uses_opinion(net):
        gains = gains + net.cfg.lm_weight * net.opinion.gains(ev, bar, rows, gains)
    gains[:, KEEP] = -np.inf
    target = rows.pitch + OFFSETS[gains.argmax(-1)]
    gain = gains.max(-1)
    inside = (target >= FIRST_PITCH_CLASS) & (target < net.cfg.num_classes)
    out = {}
    for k, m in margins.items():
        fixed = ev.copy()
        pick = inside & (gain > m)
        fixed[rows.onsets[pick]] = target[pick]
        out[k] = fixed
    return out


def uses_opinion(model) -> bool:
    """Whether ``model`` repairs with the LSTM's opinion (a repair network configured for one,
    with the LSTM attached)."""
    return isinstance(model, NoteRepairNet) and model.cfg.lm_weight > 0 and model.opinion is not None


@contextmanager
def without_opinion(net: NoteRepairNet):
    """The network repairing alone for a while (calibrating or measuring its own margin)."""
    opinion, net.opinion = net.opinion, None
    try:
        yield net
    finally:
        net.opinion = opinion


def calibrated_margin(model) -> float:
    """Strength 0.5's margin for how ``model`` repairs: ``lm_margin`` with the LSTM's opinion,
    else ``repair_margin``."""
    return model.cfg.lm_margin if uses_opinion(model) else model.cfg.repair_margin


def fixes(model: MelodyAE | NoteRepairNet, events: np.ndarray, bar: int, margins: dict) -> dict:
    """The melody repaired at each named margin (nats), all from one pass of the network."""
    ev = np.asarray(events, dtype=np.uint8)
    if isinstance(model, NoteRepairNet):
        return note_fixes(model, ev, bar, margins)
    wins, starts, stride = melody_windows(ev, bar, model.cfg.window)
    logp = window_logprobs(model, wins)
    return {k: stitch(ev, apply_margin(wins, logp, m), starts, stride) for k, m in margins.items()}


def repair_events(model: MelodyAE | NoteRepairNet, events: np.ndarray, bar: int, strength: float = 0.5) -> np.ndarray:
    """A whole melody's events, repaired (same length)."""
    return fixes(model, events, bar, {0: margin_for(strength, calibrated_margin(model))})[0]
