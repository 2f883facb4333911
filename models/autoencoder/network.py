"""The denoising autoencoder: BiLSTM encoder → binary code → per-step features → BiLSTM decoder.

The code is ``code_bits`` signs (straight-through in training), so the model is deterministic
and its size in bits per bar is exact. The decoder is not autoregressive: every step's event
distribution comes from the code and the step's position, which is what repair needs (how
likely is the event that is there, against the best one).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import AEConfig
from .window_repair import window_fixes


def binarize(h: torch.Tensor) -> torch.Tensor:
    """Signs of ``h`` in the forward pass, identity gradient in the backward pass."""
    signs = torch.where(h >= 0, torch.ones_like(h), -torch.ones_like(h))
    return h + (signs - h).detach()


class MelodyAE(nn.Module):
    def __init__(self, cfg: AEConfig):
        super().__init__()
        self.cfg = c = cfg
        self.token = nn.Embedding(c.num_classes, c.token_dim)
        self.encoder = nn.LSTM(c.token_dim, c.enc_hidden, batch_first=True, bidirectional=True)
        self.to_code = nn.Linear(2 * c.enc_hidden, c.code_bits)
        self.unfold = nn.Linear(c.code_bits, c.window * c.step_dim)  # the code, spelled out per step
        self.decoder = nn.LSTM(c.step_dim, c.dec_hidden, num_layers=c.dec_layers, batch_first=True,
                               bidirectional=True)
        self.head = nn.Linear(2 * c.dec_hidden, c.num_classes)

    def encode(self, events: torch.Tensor) -> torch.Tensor:
        """events (B, window) long → code (B, bits) of ±1."""
        _, (h, _) = self.encoder(self.token(events))
        return binarize(torch.tanh(self.to_code(torch.cat([h[0], h[1]], dim=-1))))

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        """code (B, bits) → logits (B, window, classes)."""
        steps = torch.relu(self.unfold(code)).view(code.shape[0], self.cfg.window, self.cfg.step_dim)
        out, _ = self.decoder(steps)
        return self.head(out)

    def forward(self, events: torch.Tensor) -> torch.Tensor:
        return self.decode_logits(self.encode(events))

    # ---- as a ``Repairer`` (models/common/repair_margin.py) ----------------------------------
    def fixes(self, events: np.ndarray, bar: int, margins: dict) -> dict:
        """The melody repaired at each named margin, window by window (``window_repair.py``)."""
        return window_fixes(self, events, bar, margins)

    def calibrated_margin(self) -> float:
        return self.cfg.repair_margin
