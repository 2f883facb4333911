"""The repair network repairing a melody note by note (``NoteRepairNet.fixes``).

The network reads the whole melody at once and gives, per note, how likely its pitch is off by
−2…+2 semitones; a note moves to its likeliest other pitch only when that beats keeping it by
the margin (the shared rule of ``models.common.repair_margin``). With the melody LSTM's opinion
attached (``lm_opinion.py``), its weighted gain is added to the network's and the margin is the
one calibrated for both (``lm_margin``). Onsets and lengths never move.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.models.data.melody import FIRST_PITCH_CLASS

from .note_features import KEEP, OFFSETS, note_rows

if TYPE_CHECKING:
    from .network import NoteRepairNet


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


def uses_opinion(net: NoteRepairNet) -> bool:
    """Whether ``net`` repairs with the LSTM's opinion (configured for one, with the LSTM attached)."""
    return net.cfg.lm_weight > 0 and net.opinion is not None


@contextmanager
def without_opinion(net: NoteRepairNet):
    """The network repairing alone for a while (calibrating or measuring its own margin)."""
    opinion, net.opinion = net.opinion, None
    try:
        yield net
    finally:
        net.opinion = opinion


def calibrated_margin(net: NoteRepairNet) -> float:
    """Strength 0.5's margin for how ``net`` repairs: ``lm_margin`` with the LSTM's opinion,
    else ``repair_margin``."""
    return net.cfg.lm_margin if uses_opinion(net) else net.cfg.repair_margin
