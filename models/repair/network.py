"""The note-level repair network: per note of a rough melody, how far its pitch is from the clean one.

Each note's pitch, place in the bar, length and following rest are embedded and summed; a
convolution gathers its neighbours (the melodic context), then transformer layers let every note
look at the whole tune, so a repeated phrase can vouch for a note. A linear head gives logits over
the offsets −2…+2 semitones (``note_features.OFFSETS``). With ``context_features`` each note also
reads what the whole tune says about it (``NoteRows.context``: the key, and votes from repeats).
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .config import NoteRepairConfig
from .lm_opinion import LMOpinion
from .note_features import MAX_SPAN, NUM_CONTEXT_FEATURES, OFFSETS
from .note_repair import calibrated_margin, note_fixes


def sinusoids(n: int, dim: int) -> torch.Tensor:
    """(n, dim) fixed sine/cosine codes of note indices."""
    pos = torch.arange(n, dtype=torch.float32)[:, None]
    freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    out = torch.zeros(n, dim)
    out[:, 0::2], out[:, 1::2] = torch.sin(pos * freq), torch.cos(pos * freq)
    return out


class NoteRepairNet(nn.Module):
    def __init__(self, cfg: NoteRepairConfig):
        super().__init__()
        self.cfg = c = cfg
        self.pitch = nn.Embedding(c.num_classes, c.dim)
        self.position = nn.Embedding(c.max_bar_steps, c.dim)
        self.sound = nn.Embedding(MAX_SPAN + 1, c.dim)
        self.rest = nn.Embedding(MAX_SPAN + 1, c.dim)
        self.context = nn.Linear(NUM_CONTEXT_FEATURES, c.dim) if c.context_features else None
        self.conv = nn.Conv1d(c.dim, c.dim, c.conv_kernel, padding=c.conv_kernel // 2)
        layer = nn.TransformerEncoderLayer(c.dim, c.heads, 4 * c.dim, c.dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, c.layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(c.dim)
        self.head = nn.Linear(c.dim, len(OFFSETS))
        self.opinion: LMOpinion | None = None  # attached at load when cfg.lm_weight > 0; not part of the weights

    def forward(self, pitch, position, sound, rest, context: torch.Tensor | None = None,
                pad: torch.Tensor | None = None) -> torch.Tensor:
        """(B, N) long features, (B, N, NUM_CONTEXT_FEATURES) float ``context`` when the config
        reads it, ``pad`` True where there is no note → (B, N, offsets) logits."""
        x = (self.pitch(pitch) + self.position(position.clamp(0, self.cfg.max_bar_steps - 1))
             + self.sound(sound.clamp(0, MAX_SPAN)) + self.rest(rest.clamp(0, MAX_SPAN)))
        if self.context is not None:
            x = x + self.context(context)
        if pad is not None:
            x = x.masked_fill(pad[..., None], 0.0)
        x = x + torch.nn.functional.gelu(self.conv(x.transpose(1, 2))).transpose(1, 2)
        x = x + sinusoids(x.shape[1], x.shape[2]).to(x.device)
        x = self.encoder(x, src_key_padding_mask=pad)
        return self.head(self.norm(x))

    # ---- as a ``Repairer`` (models/common/repair_margin.py) ----------------------------------
    def fixes(self, events: np.ndarray, bar: int, margins: dict) -> dict:
        """The melody repaired at each named margin, note by note (``note_repair.py``)."""
        return note_fixes(self, events, bar, margins)

    def calibrated_margin(self) -> float:
        return calibrated_margin(self)
