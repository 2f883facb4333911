"""The Drum VAE network (GrooVAE-like): BiLSTM encoder → (μ, log σ²) → z; an LSTM decoder over
16th steps, conditioned on z and a style, emits per piece a hit logit, a velocity and an offset.

The encoder sees only the pattern, so any drum clip can be encoded. Buffers saved with the
weights, filled when the model ships (``ship.fill_style_latents``): ``style_mu``/``style_chol``, the
full-covariance Gaussian of the training windows' μ per style (mean and lower Cholesky factor; the
last row: all windows), which sampling draws z from; and ``critic_w``/``critic_b``, a softmax regression of style on μ (a latent style critic, as
the melody VAE has), which picks the most in-style of several draws.
"""
from __future__ import annotations

import torch
from torch import nn

from latentroll.core.drum_kit import NUM_PIECES

from .config import DrumVAEConfig

FEATURES = 3 * NUM_PIECES  # hits, velocities, offsets
RETIRED_BUFFERS = ("style_sd",)  # the diagonal spread that ``style_chol`` replaced: checkpoints still hold it


def split_head(out: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Network output (…, 27) → hit logits, velocities (0-1), offsets (-0.5..0.5)."""
    n = NUM_PIECES
    return out[..., :n], torch.sigmoid(out[..., n:2 * n]), 0.5 * torch.tanh(out[..., 2 * n:])


class DrumVAE(nn.Module):
    def __init__(self, cfg: DrumVAEConfig):
        super().__init__()
        self.cfg = c = cfg
        self.style = nn.Embedding(len(c.styles) + 1, c.style_dim)
        self.encoder = nn.LSTM(FEATURES, c.enc_hidden, batch_first=True, bidirectional=True)
        self.to_mu = nn.Linear(2 * c.enc_hidden, c.z_dim)
        self.to_logvar = nn.Linear(2 * c.enc_hidden, c.z_dim)
        self.to_state = nn.Linear(c.z_dim + c.style_dim, 2 * c.dec_layers * c.dec_hidden)
        self.decoder = nn.LSTM(FEATURES + c.z_dim + c.style_dim, c.dec_hidden, num_layers=c.dec_layers,
                               batch_first=True)
        self.head = nn.Linear(c.dec_hidden, FEATURES)
        self.register_buffer("style_mu", torch.zeros(len(c.styles) + 1, c.z_dim))
        self.register_buffer("style_chol", torch.eye(c.z_dim).repeat(len(c.styles) + 1, 1, 1))
        self.register_buffer("critic_w", torch.zeros(len(c.styles), c.z_dim))
        self.register_buffer("critic_b", torch.zeros(len(c.styles)))

    def load_state_dict(self, state, strict: bool = True, assign: bool = False):
        """A training checkpoint has no ship-time buffers (or an older set): they keep their defaults."""
        own = self.state_dict()
        state = {**{k: v for k, v in own.items() if k in self._buffers},
                 **{k: v for k, v in state.items() if k not in RETIRED_BUFFERS}}
        return super().load_state_dict(state, strict, assign)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, 27) → μ, log σ² (B, z)."""
        _, (h, _) = self.encoder(x)
        feat = torch.cat([h[0], h[1]], dim=-1)
        return self.to_mu(feat), self.to_logvar(feat).clamp(-12.0, 6.0)

    def _cond(self, z: torch.Tensor, style: torch.Tensor):
        c = self.cfg
        cond = torch.cat([z, self.style(style)], dim=-1)
        state = torch.tanh(self.to_state(cond)).view(-1, 2, c.dec_layers, c.dec_hidden)
        return cond, (state[:, 0].transpose(0, 1).contiguous(), state[:, 1].transpose(0, 1).contiguous())

    def decode_teacher(self, z: torch.Tensor, style: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Raw outputs (B, T, 27) given the true previous steps of ``x``."""
        cond, hx = self._cond(z, style)
        prev = torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)
        out, _ = self.decoder(torch.cat([prev, cond.unsqueeze(1).expand(-1, x.shape[1], -1)], -1), hx)
        return self.head(out)

    @torch.no_grad()
    def decode(self, z: torch.Tensor, style: torch.Tensor, steps: int, temperature: float = 0.0,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """Autoregressive decoding → (B, T, 27) stacked hits (0/1), velocities, offsets.
        Temperature 0 thresholds each hit at 0.5, else draws it from sigmoid(logit / temperature).

        Step by step on the decoder's own weights: the (z, style) part of the first layer's input
        projection is the same at every step, so it is computed once (a third of the work)."""
        cond, hx = self._cond(z, style)
        d = self.decoder
        h = list(hx[0].unbind(0))
        c = list(hx[1].unbind(0))
        w_prev = d.weight_ih_l0[:, :FEATURES].T.contiguous()
        fixed = torch.addmm(d.bias_ih_l0 + d.bias_hh_l0, cond, d.weight_ih_l0[:, FEATURES:].T)
        w_hh0 = d.weight_hh_l0.T.contiguous()
        prev = torch.zeros(z.shape[0], FEATURES)
        outs = []
        for _ in range(steps):
            gates = torch.addmm(fixed, prev, w_prev).addmm_(h[0], w_hh0)
            i, f, g, o = gates.chunk(4, 1)
            c[0] = torch.sigmoid(f) * c[0] + torch.sigmoid(i) * torch.tanh(g)
            h[0] = torch.sigmoid(o) * torch.tanh(c[0])
            x = h[0]
            for layer in range(1, d.num_layers):
                h[layer], c[layer] = torch.lstm_cell(
                    x, (h[layer], c[layer]), getattr(d, f"weight_ih_l{layer}"), getattr(d, f"weight_hh_l{layer}"),
                    getattr(d, f"bias_ih_l{layer}"), getattr(d, f"bias_hh_l{layer}"))
                x = h[layer]
            logit, vel, off = split_head(self.head(x))
            if temperature <= 0:
                hit = (logit > 0).float()
            else:
                p = torch.sigmoid(logit / temperature)
                hit = (torch.rand(p.shape, generator=generator) < p).float()
            prev = torch.cat([hit, vel * hit, off * hit], -1)
            outs.append(prev)
        return torch.stack(outs, 1)

    @torch.no_grad()
    def decode_reference(self, z: torch.Tensor, style: torch.Tensor, steps: int) -> torch.Tensor:
        """Greedy decoding through ``nn.LSTM`` itself (what ``decode`` must equal; for tests)."""
        cond, hx = self._cond(z, style)
        prev = torch.zeros(z.shape[0], 1, FEATURES)
        outs = []
        for _ in range(steps):
            o, hx = self.decoder(torch.cat([prev, cond.unsqueeze(1)], -1), hx)
            logit, vel, off = split_head(self.head(o))
            hit = (logit > 0).float()
            prev = torch.cat([hit, vel * hit, off * hit], -1)
            outs.append(prev)
        return torch.cat(outs, 1)

    def forward(self, x: torch.Tensor, style: torch.Tensor):
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode_teacher(z, style, x), mu, logvar
