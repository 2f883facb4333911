"""The VAE network: BiLSTM encoder → (μ, log σ²) → z; LSTM decoder conditioned on z and style.

The encoder sees only the melody, so any melody (a user's sketch too) can be encoded; the decoder
also gets a style label, with an extra "any style" label trained by label dropout, which is what
makes sampling in a style and style transfer possible.
"""
from __future__ import annotations

import torch
from torch import nn

from .config import VAEConfig
from .step_decoder import StepDecoder


class MelodyVAE(nn.Module):
    def __init__(self, cfg: VAEConfig):
        super().__init__()
        self.cfg = cfg
        c = cfg
        self.token = nn.Embedding(c.num_classes + 1, c.token_dim)  # +1: the start token
        self.style = nn.Embedding(len(c.styles) + 1, c.style_dim)  # +1: "any style"
        self.encoder = nn.LSTM(c.token_dim, c.enc_hidden, batch_first=True, bidirectional=True)
        self.to_mu = nn.Linear(2 * c.enc_hidden, c.z_dim)
        self.to_logvar = nn.Linear(2 * c.enc_hidden, c.z_dim)
        self.to_state = nn.Linear(c.z_dim + c.style_dim, 2 * c.dec_layers * c.dec_hidden)
        self.decoder = nn.LSTM(c.token_dim + c.z_dim + c.style_dim, c.dec_hidden, num_layers=c.dec_layers,
                               batch_first=True)
        self.head = nn.Linear(c.dec_hidden, c.num_classes)
        self.step_decoder: StepDecoder | None = None  # inference only; not part of the weights

    @property
    def start_token(self) -> int:
        return self.cfg.num_classes

    def encode(self, events: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """events (B, T) long → μ, log σ² (B, z)."""
        _, (h, _) = self.encoder(self.token(events))
        feat = torch.cat([h[0], h[1]], dim=-1)
        return self.to_mu(feat), self.to_logvar(feat).clamp(-12.0, 6.0)

    def _cond(self, z: torch.Tensor, style: torch.Tensor):
        cond = torch.cat([z, self.style(style)], dim=-1)
        c = self.cfg
        state = torch.tanh(self.to_state(cond)).view(-1, 2, c.dec_layers, c.dec_hidden)
        h0 = state[:, 0].transpose(0, 1).contiguous()
        c0 = state[:, 1].transpose(0, 1).contiguous()
        return cond, (h0, c0)

    def decode_teacher(self, z: torch.Tensor, style: torch.Tensor, events: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits (B, T, classes) for target ``events``."""
        cond, hx = self._cond(z, style)
        start = torch.full_like(events[:, :1], self.start_token)
        inp = self.token(torch.cat([start, events[:, :-1]], dim=1))
        inp = torch.cat([inp, cond.unsqueeze(1).expand(-1, inp.shape[1], -1)], dim=-1)
        out, _ = self.decoder(inp, hx)
        return self.head(out)

    @torch.no_grad()
    def decode(self, z: torch.Tensor, style: torch.Tensor, steps: int, temperature: float = 0.0,
               generator: torch.Generator | None = None, mask: torch.Tensor | None = None) -> torch.Tensor:
        """Autoregressive decoding. temperature 0 = greedy. ``mask`` (classes,) bool: allowed events.

        Runs on ``step_decoder`` when one is attached (the service attaches an int8 one, frozen
        at load), else on a float32 one built from the current weights."""
        cond, hx = self._cond(z, style)
        dec = self.step_decoder if self.step_decoder is not None else StepDecoder(self)
        return dec.decode(cond, hx, steps, temperature, generator, mask)

    def forward(self, events: torch.Tensor, style: torch.Tensor):
        mu, logvar = self.encode(events)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode_teacher(z, style, events), mu, logvar


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) per example, summed over z (nats)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)
