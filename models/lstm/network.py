"""The LSTM language model: next event from the events so far, the position in the bar and a style.

Input at step t is the event of step t-1 (a start token at t = 0), the position of step t inside
its bar (so the model knows downbeats from offbeats in any meter) and a style label, with an extra
"any style" label trained by label dropout, as in the VAE.
"""
from __future__ import annotations

import torch
from torch import nn

from latentroll.models.common.chord_mask import step_slice
from latentroll.models.common.sampling import pick

from .config import LSTMConfig


class MelodyLSTM(nn.Module):
    def __init__(self, cfg: LSTMConfig):
        super().__init__()
        self.cfg = c = cfg
        self.token = nn.Embedding(c.num_classes + 1, c.token_dim)  # +1: the start token
        self.style = nn.Embedding(len(c.styles) + 1, c.style_dim)  # +1: "any style"
        self.pos = nn.Embedding(c.max_bar, c.pos_dim)
        self.lstm = nn.LSTM(c.token_dim + c.style_dim + c.pos_dim, c.hidden, num_layers=c.layers, batch_first=True,
                            dropout=c.dropout if c.layers > 1 else 0.0)
        self.drop = nn.Dropout(c.dropout)
        self.head = nn.Linear(c.hidden, c.num_classes)

    @property
    def start_token(self) -> int:
        return self.cfg.num_classes

    def positions(self, bars: torch.Tensor, steps: int, offset: int = 0) -> torch.Tensor:
        """(B, steps) position in the bar of steps ``offset``.. for rows starting on a bar line."""
        t = torch.arange(offset, offset + steps, device=bars.device)
        return (t[None] % bars[:, None]).clamp(max=self.cfg.max_bar - 1)

    def with_start(self, events: torch.Tensor) -> torch.Tensor:
        """Inputs for predicting ``events``: the start token, then the events shifted by one."""
        start = torch.full_like(events[:, :1], self.start_token)
        return torch.cat([start, events[:, :-1]], dim=1)

    def forward(self, inputs: torch.Tensor, positions: torch.Tensor, style: torch.Tensor, state=None):
        """inputs/positions (B, T) long, style (B,) → logits (B, T, classes), LSTM state."""
        x = torch.cat([self.token(inputs), self.pos(positions),
                       self.style(style)[:, None].expand(-1, inputs.shape[1], -1)], dim=-1)
        y, state = self.lstm(x, state)
        return self.head(self.drop(y)), state

    def logits_for(self, events: torch.Tensor, bars: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits (B, T, classes) for ``events`` (B, T)."""
        logits, _ = self(self.with_start(events), self.positions(bars, events.shape[1]), style)
        return logits

    @torch.no_grad()
    def sample(self, prime: torch.Tensor, bars: torch.Tensor, style: torch.Tensor, steps: int,
               temperature: float = 1.0, generator: torch.Generator | None = None,
               mask: torch.Tensor | None = None, first_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Continue ``prime`` (B, T ≥ 0) by ``steps`` events. temperature 0 = greedy.

        ``mask`` (classes,) bool: events allowed at every step, or per step (B, steps, classes) to
        follow chords; ``first_mask``: also at the first one.
        """
        b, t0 = prime.shape
        inputs = torch.cat([torch.full((b, 1), self.start_token, dtype=torch.long, device=prime.device), prime], 1)
        logits, state = self(inputs, self.positions(bars, t0 + 1), style)
        logits = logits[:, -1]
        out = torch.empty(b, steps, dtype=torch.long, device=prime.device)
        for t in range(steps):
            allowed = step_slice(mask, t)
            if t == 0 and first_mask is not None:
                allowed = first_mask if allowed is None else allowed & first_mask
            tok = pick(logits, temperature, generator, allowed)
            out[:, t] = tok
            if t + 1 < steps:
                pos = self.positions(bars, 1, t0 + t + 1)
                logits, state = self(tok[:, None], pos, style, state)
                logits = logits[:, 0]
        return out
