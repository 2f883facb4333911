"""The denoising autoencoder: BiLSTM encoder → binary code → parallel BiLSTM decoder.

The code is ``code_bits`` signs (straight-through in training), so the model is deterministic
and its size in bits per bar is exact. The decoder is not autoregressive: every step's event
distribution comes from the code and the step's position, which is what repair needs (how
likely is the event that is there, against the best one).
"""
from __future__ import annotations

import torch
from torch import nn

from .config import AEConfig


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
        self.pos = nn.Embedding(c.window, c.pos_dim)
        self.decoder = nn.LSTM(c.code_bits + c.pos_dim, c.dec_hidden, num_layers=c.dec_layers, batch_first=True,
                               bidirectional=True)
        self.head = nn.Linear(2 * c.dec_hidden, c.num_classes)

    def encode(self, events: torch.Tensor) -> torch.Tensor:
        """events (B, window) long → code (B, bits) of ±1."""
        _, (h, _) = self.encoder(self.token(events))
        return binarize(torch.tanh(self.to_code(torch.cat([h[0], h[1]], dim=-1))))

    def decode_logits(self, code: torch.Tensor) -> torch.Tensor:
        """code (B, bits) → logits (B, window, classes)."""
        w = self.cfg.window
        pos = self.pos(torch.arange(w, device=code.device))[None].expand(code.shape[0], -1, -1)
        out, _ = self.decoder(torch.cat([code[:, None].expand(-1, w, -1), pos], dim=-1))
        return self.head(out)

    def forward(self, events: torch.Tensor) -> torch.Tensor:
        return self.decode_logits(self.encode(events))
