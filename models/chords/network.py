"""The chord tagger: a small bidirectional GRU over a melody's segments that says, for each bar or
half bar, how likely each key-relative chord class is. Decoding combines these posteriors with the
chord transition table (``hmm.py``) into ranked progressions (a hybrid HMM).

Input per segment (``segment_inputs``): the segment's melody pitch classes (beat-weighted, summing
to 1), its first beat's and its last beat's, the whole song's pitch-class profile (major or minor, which notes are
"home"), its place in a 4-segment phrase, first/last flags, its length in beats and whether the
rhythm is half bars, and whether the style is chorale (the chorales train the tagger too).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .features import SongBeats, beat_weight
from .hmm import N_CLASSES, N_Q, N_TABLES, ChordTables


def table_shapes() -> dict[str, tuple[int, ...]]:
    return {"interval_logp": (N_Q, 12), "key_logp": (N_CLASSES, 12), "start_logp": (N_TABLES, N_CLASSES),
            "trans_logp": (N_TABLES, N_CLASSES, N_CLASSES), "prior_logp": (N_CLASSES,)}

N_INPUTS = 12 + 12 + 12 + 12 + 4 + 2 + 1 + 1 + 1 + 1


def _unit(x: np.ndarray) -> np.ndarray:
    s = x.sum(-1, keepdims=True)
    return np.where(s > 0, x / np.maximum(s, 1e-9), 0.0)


def segment_inputs(sb: SongBeats, segs: list[list[int]], half: bool, chorale: bool = False) -> np.ndarray:
    """(S, N_INPUTS) float32 inputs of one song's segments."""
    S = len(segs)
    out = np.zeros((S, N_INPUTS), np.float32)
    profile = _unit(sb.pcs.sum(0))
    for s, idx in enumerate(segs):
        w = sum(sb.pcs[i] * beat_weight(sb.beats[i]) for i in idx)
        out[s, 0:12] = _unit(np.asarray(w))
        out[s, 12:24] = _unit(sb.pcs[idx[0]])
        out[s, 24:36] = _unit(sb.pcs[idx[-1]])
        out[s, 36:48] = profile
        out[s, 48 + s % 4] = 1
        out[s, 52] = s == 0
        out[s, 53] = s == S - 1
        out[s, 54] = len(idx) / 4.0
        out[s, 55] = half
        out[s, 56] = float(np.sum(w) > 0)
        out[s, 57] = chorale
    return out


class ChordTagger(nn.Module):
    """The tagger, with the count tables it decodes with as buffers (one weights file)."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden
        self.inp = nn.Sequential(nn.Linear(N_INPUTS, h), nn.ReLU(), nn.Dropout(cfg.dropout))
        self.rnn = nn.GRU(h, h, num_layers=cfg.layers, batch_first=True, bidirectional=True)
        self.out = nn.Sequential(nn.Dropout(cfg.dropout), nn.Linear(2 * h, N_CLASSES))
        for name, shape in table_shapes().items():
            self.register_buffer(name, torch.zeros(shape))

    def set_tables(self, tables: ChordTables) -> None:
        for k, v in tables.arrays().items():
            getattr(self, k).copy_(torch.from_numpy(v))

    def tables(self) -> ChordTables:
        return ChordTables.from_arrays({k: getattr(self, k).numpy() for k in table_shapes()})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, S, N_INPUTS) → (B, S, N_CLASSES) logits."""
        h, _ = self.rnn(self.inp(x))
        return self.out(h)
