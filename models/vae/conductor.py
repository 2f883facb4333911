"""The hierarchical melody VAE (MusicVAE's conductor): z → one embedding per bar → bars.

Why: a flat LSTM decoder over 4 bars learns to lean on its own previous notes and lets z fade
(the flat ``mel_4bar`` run reached greedy 0.71 with KL 122-132 nats). Here a conductor LSTM
writes one embedding per bar, and the bar decoder starts every bar afresh from that embedding
(its state and its input condition come from it, its first input is the start token), so each bar
can only come from z. A side effect that matters on CPU: the bars of a window are independent given
their embeddings, so decoding 4 bars is ONE batch of 16-step sequences (the same ``StepDecoder``
and compiled loop as the 2-bar model, on bar embeddings instead of z).

``build_vae(cfg)`` picks the network a config names (``bar_steps`` 0: the flat ``MelodyVAE``).
"""
from __future__ import annotations

import torch
from torch import nn

from .config import VAEConfig
from .network import MelodyVAE
from .step_decoder import StepDecoder


class ConductorVAE(MelodyVAE):
    """Same encoder, token and style tables and bar decoder layout as ``MelodyVAE``; the decoder's
    condition is the conductor's bar embedding (``bar_dim``) instead of z and style."""

    def __init__(self, cfg: VAEConfig):
        super().__init__(cfg)
        c = cfg
        if c.bar_steps <= 0 or c.window % c.bar_steps:
            raise ValueError(f"a conductor VAE needs a window of whole bars ({c.window} steps, bars of {c.bar_steps})")
        self.conductor_init = nn.Linear(c.z_dim + c.style_dim, 2 * c.conductor_hidden)
        self.conductor = nn.LSTM(c.z_dim + c.style_dim, c.conductor_hidden, batch_first=True)
        self.bar_out = nn.Linear(c.conductor_hidden, c.bar_dim)
        # the bar decoder: conditioned on a bar embedding
        self.to_state = nn.Linear(c.bar_dim, 2 * c.dec_layers * c.dec_hidden)
        self.decoder = nn.LSTM(c.token_dim + c.bar_dim, c.dec_hidden, num_layers=c.dec_layers, batch_first=True)

    def bars(self, steps: int) -> int:
        if steps % self.cfg.bar_steps:
            raise ValueError(f"{steps} steps is not a whole number of {self.cfg.bar_steps}-step bars")
        return steps // self.cfg.bar_steps

    def bar_embeddings(self, z: torch.Tensor, style: torch.Tensor, bars: int) -> torch.Tensor:
        """(B, bars, bar_dim): the conductor's embedding of each bar."""
        cond = torch.cat([z, self.style(style)], dim=-1)
        h0, c0 = torch.tanh(self.conductor_init(cond)).unsqueeze(0).chunk(2, dim=-1)
        out, _ = self.conductor(cond.unsqueeze(1).expand(-1, bars, -1), (h0.contiguous(), c0.contiguous()))
        return torch.tanh(self.bar_out(out))

    def _bar_cond(self, z: torch.Tensor, style: torch.Tensor, bars: int):
        """The bar decoder's condition (B·bars, bar_dim) and initial state, one row per bar."""
        emb = self.bar_embeddings(z, style, bars).reshape(-1, self.cfg.bar_dim)
        c = self.cfg
        state = torch.tanh(self.to_state(emb)).view(-1, 2, c.dec_layers, c.dec_hidden)
        return emb, (state[:, 0].transpose(0, 1).contiguous(), state[:, 1].transpose(0, 1).contiguous())

    def decode_teacher(self, z: torch.Tensor, style: torch.Tensor, events: torch.Tensor) -> torch.Tensor:
        b, t = events.shape
        bars = self.bars(t)
        cond, hx = self._bar_cond(z, style, bars)
        ev = events.reshape(b * bars, self.cfg.bar_steps)
        start = torch.full_like(ev[:, :1], self.start_token)
        inp = self.token(torch.cat([start, ev[:, :-1]], dim=1))
        inp = torch.cat([inp, cond.unsqueeze(1).expand(-1, inp.shape[1], -1)], dim=-1)
        out, _ = self.decoder(inp, hx)
        return self.head(out).reshape(b, t, -1)

    @torch.no_grad()
    def decode(self, z: torch.Tensor, style: torch.Tensor, steps: int, temperature: float = 0.0,
               generator: torch.Generator | None = None, mask: torch.Tensor | None = None) -> torch.Tensor:
        """As ``MelodyVAE.decode``; all bars of all latents decode together (bars are independent
        given their embeddings). A per-step ``mask`` (B, steps, classes) is split by bar too."""
        bars = self.bars(steps)
        cond, hx = self._bar_cond(z, style, bars)
        if mask is not None and mask.dim() == 3:
            mask = mask.reshape(len(z) * bars, self.cfg.bar_steps, -1)
        dec = self.step_decoder if self.step_decoder is not None else StepDecoder(self)
        out = dec.decode(cond, hx, self.cfg.bar_steps, temperature, generator, mask)
        return out.reshape(len(z), steps)


def build_vae(cfg: VAEConfig) -> MelodyVAE:
    """The network ``cfg`` describes: the conductor VAE when it has bars, else the flat one."""
    return ConductorVAE(cfg) if cfg.bar_steps > 0 else MelodyVAE(cfg)
