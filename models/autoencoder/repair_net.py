"""The repair network: rough melody in, the clean melody it came from out, one code per 16th.

A 2-layer BiLSTM reads the whole melody (event and place in the bar of each step); every step's
hidden pair is its code and a linear head decodes it into the step's event distribution. It is not
autoregressive, so repair can weigh the event that is there against the best one at each step.
"""
from __future__ import annotations

import torch
from torch import nn

from .config import RepairConfig


def bar_positions(steps: int, bar: int) -> torch.Tensor:
    """(steps,) long: 16ths since the last bar line."""
    return torch.arange(steps) % max(1, bar)


class RepairNet(nn.Module):
    def __init__(self, cfg: RepairConfig):
        super().__init__()
        self.cfg = c = cfg
        self.token = nn.Embedding(c.num_classes, c.token_dim)
        self.position = nn.Embedding(c.max_bar_steps, c.position_dim)
        self.encoder = nn.LSTM(c.token_dim + c.position_dim, c.hidden, num_layers=c.layers, batch_first=True,
                               bidirectional=True, dropout=c.dropout if c.layers > 1 else 0.0)
        self.head = nn.Linear(2 * c.hidden, c.num_classes)

    def forward(self, events: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """events, positions (B, T) long → logits (B, T, classes)."""
        pos = positions.clamp(0, self.cfg.max_bar_steps - 1)
        out, _ = self.encoder(torch.cat([self.token(events), self.position(pos)], dim=-1))
        return self.head(out)
