"""Training the denoising autoencoder: rough windows in, the clean windows they came from out."""
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
from latentroll.models.data.corruption import Corruption, corrupt
from latentroll.models.data.melody import transpose_events
from latentroll.models.data.splits import MelodyData, melody_data, window_counts

from .config import AEConfig, get_config
from .network import MelodyAE
from .window_repair import window_logprobs


def recon_metrics(model: MelodyAE, clean: np.ndarray, rough: np.ndarray | None = None) -> dict[str, float]:
    """Per-step accuracy of decoding ``rough`` (default: the clean windows) back to ``clean``;
    ``onset_accuracy`` counts only the steps where the clean window has an event."""
    logp = window_logprobs(model, clean if rough is None else rough)
    pred = logp.argmax(-1)
    target = clean.astype(np.int64)
    nll = -np.take_along_axis(logp, target[..., None], -1).mean()
    events = target != 0
    return {"recon_accuracy": float((pred == target).mean()),
            "onset_accuracy": float((pred == target)[events].mean()) if events.any() else 0.0,
            "nll": float(nll), "loss": float(nll)}


class AETask:
    def __init__(self, cfg: AEConfig, data: MelodyData, valid_limit: int = 4096):
        self.cfg = cfg
        self.data = data
        self.dev = device()
        self.model = MelodyAE(cfg).to(self.dev)
        self.runner = self.model
        rng = np.random.default_rng(cfg.seed)
        self.valid_clean = data.valid.events[np.sort(rng.permutation(len(data.valid))[:valid_limit])]
        self.valid_rough, _ = corrupt(self.valid_clean, Corruption.of(cfg), rng)

    def num_examples(self) -> int:
        return len(self.data.train)

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        c = self.cfg
        clean = self.data.train.events[idx]
        if c.transpose:
            clean = transpose_events(clean, rng.integers(-c.transpose, c.transpose + 1, len(idx)))
        rough, _ = corrupt(clean, Corruption.of(c), rng)
        keep = rng.random(len(idx)) < c.clean_share
        rough[keep] = clean[keep]
        t = lambda a: torch.as_tensor(a.astype(np.int64), device=self.dev)  # noqa: E731
        return t(rough), t(clean)

    def loss(self, batch, step: int):
        rough, clean = batch
        logits = self.runner(rough)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), clean.reshape(-1))
        acc = (logits.argmax(-1) == clean).float().mean()
        return loss, {"loss": loss.item(), "accuracy": acc.item()}

    def evaluate(self) -> dict[str, float]:
        clean = recon_metrics(self.model, self.valid_clean)
        rough = recon_metrics(self.model, self.valid_clean, self.valid_rough)
        return {**{k: v for k, v in clean.items() if k != "loss"}, "denoise_accuracy": rough["recon_accuracy"],
                "loss": rough["nll"]}


def _prepare(corpus: Corpus, cfg: AEConfig) -> tuple[AETask, dict]:
    data = melody_data(corpus, cfg)
    return AETask(cfg, data), window_counts(corpus, data)


def train_ae(config: str | AEConfig, run_dir: Path, corpus: Corpus | None = None,
             progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
             should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """Train (or resume) an autoencoder run in ``run_dir``; returns a summary with data counts and history."""
    return train_model(config, get_config, _prepare, run_dir, corpus, progress, max_steps, should_stop, **overrides)
