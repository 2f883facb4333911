"""The networks of Groove, Drumify and the drum language model: an LSTM over 16th steps with a
style label at every step.

- groove: quantized pattern (T, 27) → BiLSTM → velocity and offset of each piece (the hits are
  the input's: Groove never adds or removes one);
- drumify: tapped rhythm (T, 3) → BiLSTM → hit logit, velocity and offset of each piece;
- lm: the previous step (T, 27) → causal LSTM → the next step's piece set (one of 2⁹ tokens, as
  Drum RNN does, so pieces that sound together are drawn together) and each piece's velocity
  and offset.
"""
from __future__ import annotations

import torch
from torch import nn

from latentroll.core.drum_kit import NUM_PIECES

from .config import DrumToolConfig

TOKENS = 2 ** NUM_PIECES
_BITS = 2 ** torch.arange(NUM_PIECES)
IN_DIM = {"groove": 3 * NUM_PIECES, "drumify": 3, "lm": 3 * NUM_PIECES}
OUT_DIM = {"groove": 3 * NUM_PIECES, "drumify": 3 * NUM_PIECES, "lm": TOKENS + 2 * NUM_PIECES}


def hits_to_token(hits: torch.Tensor) -> torch.Tensor:
    """(…, 9) 0/1 → (…,) token index."""
    return (hits.round().long() * _BITS).sum(-1)


def token_to_hits(token: torch.Tensor) -> torch.Tensor:
    return ((token.unsqueeze(-1) // _BITS) % 2).float()


class DrumToolNet(nn.Module):
    def __init__(self, cfg: DrumToolConfig):
        super().__init__()
        self.cfg = c = cfg
        self.bidirectional = c.task != "lm"
        self.style = nn.Embedding(len(c.styles) + 1, c.style_dim)
        self.rnn = nn.LSTM(IN_DIM[c.task] + c.style_dim, c.hidden, num_layers=c.layers, batch_first=True,
                           bidirectional=self.bidirectional, dropout=c.dropout if c.layers > 1 else 0.0)
        self.head = nn.Linear(c.hidden * (2 if self.bidirectional else 1), OUT_DIM[c.task])

    def forward(self, x: torch.Tensor, style: torch.Tensor, hx=None, return_state: bool = False):
        s = self.style(style).unsqueeze(1).expand(-1, x.shape[1], -1)
        out, hx = self.rnn(torch.cat([x, s], -1), hx)
        y = self.head(out)
        return (y, hx) if return_state else y
