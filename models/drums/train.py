"""Training the drum models on the shared loop: the Drum VAE task here, the tool models' tasks in
``tools_train``. Each entry point follows the registry's train contract; the melody corpus the
registry passes is ignored (``data.drum_corpus``: the drum cache is what they learn from)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.core.drum_kit import NUM_PIECES
from latentroll.models.common.distributed import device
from latentroll.models.common.run import train_model
from latentroll.models.common.trainer import Progress

from .config import DrumVAEConfig, vae_config
from .data import DrumData, drum_corpus, drum_data
from .vae import DrumVAE, split_head


def pattern_loss(out: torch.Tensor, x: torch.Tensor, vel_weight: float, off_weight: float,
                 mask: torch.Tensor | None = None) -> tuple[torch.Tensor, dict[str, float]]:
    """Per-window loss: hit cross-entropy + weighted squared errors of velocity and offset on the
    true hits (summed over steps and pieces, averaged over windows). ``mask`` limits the hits
    term to some positions (Groove predicts no hits)."""
    n = NUM_PIECES
    logit, vel, off = split_head(out)
    hits = x[..., :n]
    b = x.shape[0]
    ce = F.binary_cross_entropy_with_logits(logit, hits, reduction="none")
    ce = (ce if mask is None else ce * mask).sum() / b
    ve = ((vel - x[..., n:2 * n]) ** 2 * hits).sum() / b
    oe = ((off - x[..., 2 * n:]) ** 2 * hits).sum() / b
    acc = ((logit > 0).float() == hits).float().mean()
    loss = ce + vel_weight * ve + off_weight * oe
    return loss, {"hit_ce": ce.item(), "vel_se": ve.item(), "off_se": oe.item(), "hit_accuracy": acc.item()}


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)


@torch.no_grad()
def vae_metrics(model: DrumVAE, x: np.ndarray, styles: np.ndarray, greedy_limit: int = 512,
                batch: int = 256) -> dict[str, float]:
    """Teacher-forced and greedy hit accuracy (per step × piece), velocity and offset MAE on the
    true hits (greedy decoding from μ), the KL; what validation logs and the eval reports."""
    model.eval()
    n = NUM_PIECES
    tf_ok = kl = 0.0
    for i in range(0, len(x), batch):
        xb = torch.as_tensor(x[i:i + batch])
        sb = torch.as_tensor(styles[i:i + batch])
        mu, logvar = model.encode(xb)
        logit, _, _ = split_head(model.decode_teacher(mu, sb, xb))
        tf_ok += ((logit > 0).float() == xb[..., :n]).float().mean((1, 2)).sum().item()
        kl += kl_divergence(mu, logvar).sum().item()
    g_ok = vel_err = off_err = hits = 0.0
    xg = x[:greedy_limit]
    for i in range(0, len(xg), batch):
        xb = torch.as_tensor(xg[i:i + batch])
        sb = torch.as_tensor(styles[:greedy_limit][i:i + batch])
        mu, _ = model.encode(xb)
        y = model.decode(mu, sb, xb.shape[1])
        h = xb[..., :n]
        g_ok += (y[..., :n] == h).float().mean((1, 2)).sum().item()
        vel_err += ((y[..., n:2 * n] - xb[..., n:2 * n]).abs() * h * y[..., :n]).sum().item()
        off_err += ((y[..., 2 * n:] - xb[..., 2 * n:]).abs() * h * y[..., :n]).sum().item()
        hits += (h * y[..., :n]).sum().item()
    m = max(1, len(x))
    return {"tf_accuracy": tf_ok / m, "greedy_accuracy": g_ok / max(1, len(xg)),
            "velocity_mae": vel_err / max(1.0, hits), "timing_mae": off_err / max(1.0, hits), "kl": kl / m,
            "loss": -(tf_ok / m + g_ok / max(1, len(xg))) / 2}


class DrumVAETask:
    def __init__(self, cfg: DrumVAEConfig, data: DrumData, valid_limit: int = 1024, greedy_limit: int = 256):
        self.cfg = cfg
        self.data = data
        self.dev = device()
        self.model = DrumVAE(cfg).to(self.dev)
        self.runner = self.model
        pick = np.random.default_rng(cfg.seed).permutation(len(data.valid))[:valid_limit]
        self.valid_x, self.valid_style = data.valid.x[pick], data.valid.style[pick]
        self.greedy_limit = greedy_limit

    def num_examples(self) -> int:
        return len(self.data.train)

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        style = self.cfg.drop_styles(self.data.train.style[idx], self.cfg.style_dropout, rng)
        return torch.as_tensor(self.data.train.x[idx], device=self.dev), torch.as_tensor(style, device=self.dev)

    def beta(self, step: int) -> float:
        return self.cfg.beta_max * min(1.0, step / max(1, self.cfg.beta_warmup_steps))

    def loss(self, batch, step: int):
        x, style = batch
        out, mu, logvar = self.runner(x, style)
        rec, m = pattern_loss(out, x, self.cfg.vel_weight, self.cfg.off_weight)
        kl = kl_divergence(mu, logvar).mean()
        loss = rec + self.beta(step) * torch.clamp(kl - self.cfg.free_bits, min=0.0)
        return loss, {"loss": loss.item(), "kl": kl.item(), **m}

    def evaluate(self) -> dict[str, float]:
        return vae_metrics(self.model, self.valid_x, self.valid_style, self.greedy_limit)


def _prepare_vae(corpus, cfg: DrumVAEConfig):
    data = drum_data(drum_corpus(corpus), cfg.bars)
    return DrumVAETask(cfg, data), data.counts


def train_drum_vae(config: str | DrumVAEConfig, run_dir: Path, corpus=None,
                   progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
                   should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """Train (or resume) a Drum VAE run in ``run_dir``."""
    return train_model(config, vae_config, _prepare_vae, run_dir, corpus, progress, max_steps, should_stop,
                       **overrides)
