"""The melody GAN (after MidiNet, Yang et al. 2017): a generator of one bar at a time, conditioned
on a style label and, optionally, on the previous bar; a critic that judges the bar with its
predecessor.

- Conditioner: the previous bar's piano roll, collapsed over pitch, then downsampled in time; its
  features at each resolution are concatenated to the generator's layers (MidiNet's 2-D conditioner).
- Generator: noise + style (+ 'has previous bar' flag) → transposed 1-D convs over time → per-step
  logits over rest / hold / onset of each pitch. In training a bar is drawn with straight-through
  Gumbel-softmax, so the critic always sees hard piano rolls, as real data are.
- Critic: 2-D convs over (time, pitch) of [previous bar | bar] with octave-wide kernels, a
  minibatch-deviation feature against mode collapse, and a style projection (Miyato & Koyama 2018).
  Its penultimate features serve the generator's feature-matching loss.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from latentroll.models.common.sampling import pick

from .config import GANConfig
from .roll import roll_planes


class Conditioner(nn.Module):
    def __init__(self, cfg: GANConfig):
        super().__init__()
        c = cfg.cond_channels
        self.pitch = nn.Conv2d(2, c, (1, cfg.pitches))
        self.down = nn.ModuleList([nn.Conv1d(c, c, 4, stride=2, padding=1) for _ in range(3)])

    def forward(self, prev: torch.Tensor) -> list[torch.Tensor]:
        """prev (B, 2, 16, P) → features at 16, 8, 4 and 2 steps."""
        x = F.leaky_relu(self.pitch(prev).squeeze(-1), 0.2)
        out = [x]
        for conv in self.down:
            x = F.leaky_relu(conv(x), 0.2)
            out.append(x)
        return out


class Generator(nn.Module):
    def __init__(self, cfg: GANConfig):
        super().__init__()
        self.cfg = cfg
        g, c, s = cfg.g_channels, cfg.cond_channels, cfg.style_dim
        self.style = nn.Embedding(len(cfg.styles) + 1, s)  # +1: "any style"
        self.cond = Conditioner(cfg)
        self.fc = nn.Linear(cfg.z_dim + s + 1, g * 2)
        self.bn0 = nn.BatchNorm1d(g)
        self.ups = nn.ModuleList([nn.ConvTranspose1d(g + c + s, g, 4, stride=2, padding=1) for _ in range(3)])
        self.bns = nn.ModuleList([nn.BatchNorm1d(g) for _ in range(3)])
        self.head = nn.Conv1d(g + c + s, cfg.classes, 1)

    def forward(self, z: torch.Tensor, style: torch.Tensor, prev: torch.Tensor, has_prev: torch.Tensor) -> torch.Tensor:
        """Logits (B, 16, classes) for one bar. prev (B, 2, 16, P) planes (zeros if none)."""
        flag = has_prev.float().unsqueeze(-1)
        st = self.style(style)
        feats = [f * flag.unsqueeze(-1) for f in self.cond(prev)]  # 16, 8, 4, 2 steps
        x = F.relu(self.bn0(self.fc(torch.cat([z, st, flag], -1)).view(len(z), -1, 2)))

        def with_cond(x: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
            return torch.cat([x, f, st.unsqueeze(-1).expand(-1, -1, x.shape[-1])], 1)

        for up, bn, f in zip(self.ups, self.bns, feats[:0:-1]):
            x = F.relu(bn(up(with_cond(x, f))))
        return self.head(with_cond(x, feats[0])).transpose(1, 2)


class Critic(nn.Module):
    def __init__(self, cfg: GANConfig):
        super().__init__()
        d = cfg.d_channels
        self.convs = nn.ModuleList([
            nn.Conv2d(3, d, (2, 12), stride=(2, 1)),
            nn.Conv2d(d, 2 * d, (2, 12), stride=(2, 2)),
            nn.Conv2d(2 * d, 4 * d, (2, 3), stride=(2, 2)),
        ])
        with torch.no_grad():
            n = self._trunk(torch.zeros(1, 3, 2 * cfg.bar, cfg.pitches)).shape[1]
        self.features = nn.Linear(n, 4 * d)
        self.out = nn.Linear(4 * d + 1, 1)
        self.style = nn.Embedding(len(cfg.styles) + 1, 4 * d)

    def _trunk(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs:
            x = F.leaky_relu(conv(x), 0.2)
        return x.flatten(1)

    def forward(self, bar: torch.Tensor, prev: torch.Tensor, has_prev: torch.Tensor,
                style: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """bar, prev (B, 2, 16, P) → (logit (B,), features (B, H))."""
        flag = has_prev.float().view(-1, 1, 1, 1).expand(-1, 1, 2 * bar.shape[2], bar.shape[3])
        x = torch.cat([torch.cat([prev, bar], dim=2), flag], dim=1)
        h = F.leaky_relu(self.features(self._trunk(x)), 0.2)
        spread = h.std(0).mean().expand(len(h), 1) if len(h) > 1 else h.new_zeros(len(h), 1)
        logit = self.out(torch.cat([h, spread], 1)).squeeze(-1) + (self.style(style) * h).sum(-1)
        return logit, h


class MelodyGAN(nn.Module):
    """Generator and critic in one module, so one checkpoint holds both. ``forward(phase, ...)``
    computes one training phase's loss in a single pass (what DistributedDataParallel wants)."""

    def __init__(self, cfg: GANConfig):
        super().__init__()
        self.cfg = cfg
        self.generator = Generator(cfg)
        self.critic = Critic(cfg)

    def planes(self, steps: torch.Tensor, before: torch.Tensor | None = None) -> torch.Tensor:
        return roll_planes(F.one_hot(steps, self.cfg.classes).float(), self.cfg, before)

    def fake_bar(self, style, prev_planes, has_prev) -> torch.Tensor:
        """A straight-through Gumbel-softmax bar (B, 16, classes), hard in value, soft in gradient."""
        z = torch.randn(len(style), self.cfg.z_dim, device=style.device)
        logits = self.generator(z, style, prev_planes, has_prev)
        return F.gumbel_softmax(logits, tau=self.cfg.gumbel_tau, hard=True)

    def forward(self, phase: str, bar: torch.Tensor, prev: torch.Tensor, has_prev: torch.Tensor,
                style: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        cfg = self.cfg
        prev_planes = self.planes(prev) * has_prev.float().view(-1, 1, 1, 1)
        before = prev_planes[:, 0, -1]  # what sounds at the end of the previous bar
        real = self.planes(bar, before)
        if phase == "critic":
            with torch.no_grad():
                fake = roll_planes(self.fake_bar(style, prev_planes, has_prev), cfg, before)
            real_logit, _ = self.critic(real, prev_planes, has_prev, style)
            fake_logit, _ = self.critic(fake, prev_planes, has_prev, style)
            loss = (F.binary_cross_entropy_with_logits(real_logit, torch.full_like(real_logit, cfg.label_smoothing))
                    + F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit)))
            return loss, {"d_loss": loss.detach(), "d_real": torch.sigmoid(real_logit).mean().detach(),
                          "d_fake": torch.sigmoid(fake_logit).mean().detach()}
        fake = roll_planes(self.fake_bar(style, prev_planes, has_prev), cfg, before)
        fake_logit, fake_h = self.critic(fake, prev_planes, has_prev, style)
        with torch.no_grad():
            _, real_h = self.critic(real, prev_planes, has_prev, style)
        adv = F.binary_cross_entropy_with_logits(fake_logit, torch.ones_like(fake_logit))
        fm = (real_h.mean(0) - fake_h.mean(0)).pow(2).mean()
        loss = adv + cfg.feature_matching * fm
        return loss, {"g_loss": loss.detach(), "g_adv": adv.detach(), "g_fm": fm.detach()}

    @torch.no_grad()
    def sample_bar(self, z: torch.Tensor, style: torch.Tensor, prev_planes: torch.Tensor | None,
                   temperature: float = 1.0, generator: torch.Generator | None = None,
                   allowed: torch.Tensor | None = None) -> torch.Tensor:
        """Step classes (B, 16) of one bar after the previous bar's planes (B, 2, 16, P), or alone."""
        has_prev = torch.full((len(z),), prev_planes is not None, dtype=torch.bool)
        if prev_planes is None:
            prev_planes = torch.zeros(len(z), 2, self.cfg.bar, self.cfg.pitches)
        return pick(self.generator(z, style, prev_planes, has_prev), temperature, generator, allowed)
