"""Training the melody VAE: the batching/loss task for the shared loop, and the run entry point."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.models.common.distributed import device
from latentroll.models.common.run import train_model
from latentroll.models.common.trainer import Progress
from latentroll.models.data.corpus import Corpus
from latentroll.models.data.melody import random_transpose
from latentroll.models.data.splits import MelodyData, melody_data, window_counts

from .conductor import build_vae
from .config import VAEConfig, get_config
from .metrics import reconstruction_metrics
from .network import kl_divergence


class VAETask:
    def __init__(self, cfg: VAEConfig, data: MelodyData, valid_limit: int = 4096, greedy_limit: int = 1024):
        self.cfg = cfg
        self.data = data
        self.dev = device()
        self.model = build_vae(cfg).to(self.dev)
        self.runner = self.model
        rng = np.random.default_rng(cfg.seed)
        pick = rng.permutation(len(data.valid))[:valid_limit]
        # unsorted: the greedy metric reads only the first ``greedy_limit`` windows, and the valid
        # set is ordered by tune id (so by collection); a sorted pick would favour one collection
        self.valid_events = data.valid.events[pick]
        self.greedy_limit = greedy_limit

    def num_examples(self) -> int:
        return len(self.data.train)

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        c = self.cfg
        ev = random_transpose(self.data.train.events[idx], c.transpose, rng)
        style = c.drop_styles(self.data.train.styles[idx], c.style_dropout, rng)
        return (torch.as_tensor(ev.astype(np.int64), device=self.dev),
                torch.as_tensor(style, device=self.dev))

    def beta(self, step: int) -> float:
        return self.cfg.beta_max * min(1.0, step / max(1, self.cfg.beta_warmup_steps))

    def loss(self, batch, step: int):
        ev, style = batch
        logits, mu, logvar = self.runner(ev, style)
        ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ev.reshape(-1), reduction="none")
        ce = ce.view(ev.shape).sum(1).mean()
        kl = kl_divergence(mu, logvar).mean()
        loss = ce + self.beta(step) * torch.clamp(kl - self.cfg.free_bits, min=0.0)
        acc = (logits.argmax(-1) == ev).float().mean()
        return loss, {"loss": loss.item(), "nll": ce.item(), "kl": kl.item(), "tf_accuracy": acc.item()}

    def evaluate(self) -> dict[str, float]:
        return reconstruction_metrics(self.model, self.valid_events, greedy_limit=self.greedy_limit)


def _prepare(corpus: Corpus, cfg: VAEConfig) -> tuple[VAETask, dict]:
    data = melody_data(corpus, cfg)
    return VAETask(cfg, data), window_counts(corpus, data)


def train_vae(config: str | VAEConfig, run_dir: Path, corpus: Corpus | None = None,
              progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
              should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """Train (or resume) a VAE run in ``run_dir``; returns a summary with data counts and history."""
    return train_model(config, get_config, _prepare, run_dir, corpus, progress, max_steps, should_stop, **overrides)
