"""The structure network: a GRU over a phrase's segments that, before each segment, points at
"new" or at an earlier segment to copy, and for a new one gives a diagonal Gaussian over its VAE
latent given the segments so far.

Step i reads segment i-1 (its standardized latent and whether it was a copy), the style and the
position; its output o_i predicts segment i. Segment j's key is read from o_{j+1} (the state that
has just seen it); a learned bias per distance i-j carries the common forms (AABA, ABAB).
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from .config import StructureConfig

NEG = -1e9


class StructureNet(nn.Module):
    def __init__(self, cfg: StructureConfig):
        super().__init__()
        self.cfg = cfg
        s, h = cfg.segments, cfg.hidden
        self.style = nn.Embedding(len(cfg.styles) + 1, cfg.style_dim)
        self.pos = nn.Embedding(s, cfg.pos_dim)
        self.z_in = nn.Linear(cfg.z_dim, h)
        self.start = nn.Parameter(torch.zeros(h))
        self.gru = nn.GRU(h + 1 + cfg.style_dim + cfg.pos_dim, h, batch_first=True)
        self.drop = nn.Dropout(cfg.dropout)
        self.new = nn.Linear(h, 1)
        self.query = nn.Linear(h, cfg.key_dim)
        self.key = nn.Linear(h, cfg.key_dim)
        self.distance = nn.Parameter(torch.zeros(s))  # bias of copying the segment i-j back
        # two features that say the same for any tune: segment i-1 copied j-1 (a repeat goes on),
        # and how alike segments i-1 and j-1 are (a varied repeat goes on)
        self.go_on = nn.Parameter(torch.zeros(()))
        self.alike = nn.Parameter(torch.zeros(()))
        self.gauss = nn.Linear(h, 2 * cfg.z_dim)
        # the training latents' mean and spread: the network works in standardized units
        self.register_buffer("z_mean", torch.zeros(cfg.z_dim))
        self.register_buffer("z_std", torch.ones(cfg.z_dim))

    def standardize(self, z: torch.Tensor) -> torch.Tensor:
        return (z - self.z_mean) / self.z_std

    def _inputs(self, zs: torch.Tensor, copied: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        """(B, T, in) GRU inputs for steps 0..T-1 from standardized latents and copy flags of
        segments 0..T-2 (step 0 reads the start vector)."""
        b, t = style.shape[0], zs.shape[1] + 1
        prev = torch.cat([self.start.expand(b, 1, -1), torch.tanh(self.z_in(zs))], 1)
        flag = torch.cat([torch.zeros(b, 1, device=zs.device), copied.float()], 1)[..., None]
        pos = self.pos(torch.arange(t, device=zs.device)).expand(b, -1, -1)
        sty = self.style(style)[:, None].expand(-1, t, -1)
        return torch.cat([self.drop(prev), flag, sty, pos], -1)

    def pointer_logits(self, out: torch.Tensor, zs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """(B, T, S) logits over {new, copy 0 .. copy S-2} for each step of GRU outputs (B, T, h),
        given the standardized latents (B, T-1, z) and labels (B, T-1) of the segments before;
        copies of segments not before the step are masked out."""
        b, t, _ = out.shape
        s = self.cfg.segments
        q = self.query(out)                                        # (B, T, k)
        keys = self.key(out[:, 1:])                                # key of segment j = o_{j+1}: (B, T-1, k)
        copy = q @ keys.transpose(1, 2) / math.sqrt(q.shape[-1])   # (B, T, T-1)
        i = torch.arange(t, device=out.device)[:, None]
        j = torch.arange(t - 1, device=out.device)[None, :]
        copy = copy + self.distance[(i - j).clamp(0, s - 1)]
        if t > 2:  # step i, candidate j >= 1: segment i-1 against segment j-1
            prev_lab = labels[:, :, None]                          # label of segment i-1, for steps i = 1..T-1
            go_on = (prev_lab == j[:, 1:]).float()                 # (B, T-1, T-2): label of i-1 is "copy j-1"
            zn = F.normalize(zs, dim=-1)
            alike = zn @ zn[:, :-1].transpose(1, 2)                # cos(z_{i-1}, z_{j-1}): (B, T-1, T-2)
            extra = self.go_on * go_on + self.alike * alike
            copy = copy + F.pad(extra, (1, 0, 1, 0))
        copy = copy.masked_fill(j >= i, NEG)
        logits = torch.full((b, t, s), NEG, device=out.device)
        logits[..., 0] = self.new(out)[..., 0]
        logits[..., 1: t] = copy
        return logits

    def forward(self, z: torch.Tensor, labels: torch.Tensor, style: torch.Tensor, noise: torch.Tensor | None = None):
        """Teacher-forced: latents (B, S, z) and labels (B, S) → pointer logits (B, S, S) and the
        Gaussian's mean and log-variance (B, S, z) in standardized units; ``noise`` (standardized)
        is added to the latents read."""
        zs = self.standardize(z)
        if noise is not None:
            zs = zs + noise
        out, _ = self.gru(self._inputs(zs[:, :-1], labels[:, :-1] > 0, style))
        out = self.drop(out)
        mean, logvar = self.gauss(out).chunk(2, -1)
        return self.pointer_logits(out, zs[:, :-1], labels[:, :-1]), mean, logvar.clamp(-6.0, 4.0)

    @torch.no_grad()
    def sample(self, style: torch.Tensor, segments: int, spread: float = 1.0,
               generator: torch.Generator | None = None, new_latents=None,
               candidates: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, segments, z) latents and (B, segments) labels, segment by segment: the pointer is
        sampled as learned; a new latent is the Gaussian's mean plus ``spread`` × its spread, or,
        when given, ``new_latents(i, proposals) -> (B, z)`` latents from the network's (B,
        ``candidates``, z) draws (a caller keeps the best of them, or ignores them)."""
        b = style.shape[0]
        dev = style.device
        zs = torch.zeros(b, 0, self.cfg.z_dim, device=dev)
        labels = torch.zeros(b, 0, dtype=torch.long, device=dev)
        for i in range(segments):
            out, _ = self.gru(self._inputs(zs, labels > 0, style))
            logits = self.pointer_logits(out, zs, labels)[:, -1]
            pick = torch.multinomial(F.softmax(logits, -1), 1, generator=generator)[:, 0]
            mean, logvar = self.gauss(out[:, -1]).chunk(2, -1)
            noise = torch.randn((b, candidates, mean.shape[-1]), generator=generator, device=dev)
            draws = mean[:, None] + spread * noise * torch.exp(0.5 * logvar.clamp(-6.0, 4.0))[:, None]
            new = draws[:, 0]
            if new_latents is not None:
                proposals = (draws * self.z_std + self.z_mean).cpu().numpy()
                new = self.standardize(torch.as_tensor(new_latents(i, proposals), dtype=torch.float32, device=dev))
            src = (pick - 1).clamp(min=0)
            copied = zs[torch.arange(b), src] if i else new
            z_i = torch.where((pick > 0)[:, None], copied, new)
            zs = torch.cat([zs, z_i[:, None]], 1)
            labels = torch.cat([labels, pick[:, None]], 1)
        return zs * self.z_std + self.z_mean, labels


def gaussian_nll(x: torch.Tensor, mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """Per-dimension NLL (nats) of x under N(mean, exp(logvar)), summed over the last axis' mean."""
    return 0.5 * (logvar + (x - mean) ** 2 * torch.exp(-logvar) + math.log(2 * math.pi)).mean(-1)
