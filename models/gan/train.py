"""Training the melody GAN: bars from the shared 2-bar windows, two optimizers in the shared loop.

Each training example is a 2-bar window of the melody pipeline (same split, same windows as the
VAE), transposed at random: its second bar is the target with the first as the previous bar, or,
for ``prev_dropout`` of the examples, its first bar is the target standing alone. Per batch the
critic takes one Adam step, then the generator ``g_repeats`` (MidiNet's schedule); the critic
uses one-sided label smoothing and the generator adds feature matching.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch

from latentroll.models.common.distributed import device
from latentroll.models.common.run import train_model
from latentroll.models.common.trainer import OptimizerSpec, Progress
from latentroll.models.data.corpus import Corpus
from latentroll.models.data.melody import random_transpose
from latentroll.models.data.splits import MelodyData, melody_data, window_counts
from latentroll.models.eval.musegan import musegan_metrics, relative_gap

from .config import GANConfig, get_config
from .network import MelodyGAN
from .roll import events_to_steps
from .sampling import sample_melodies

BETAS = (0.5, 0.999)


class GANTask:
    def __init__(self, cfg: GANConfig, data: MelodyData, valid_samples: int = 256):
        self.cfg = cfg
        self.data = data
        self.dev = device()
        self.model = MelodyGAN(cfg).to(self.dev)
        self.runner = self.model
        rng = np.random.default_rng(cfg.seed)
        pick = rng.permutation(len(data.valid))[:2048]
        self.valid_metrics = musegan_metrics(data.valid.events[pick], cfg.bar)
        self.valid_samples = valid_samples

    def optimizer_specs(self) -> list[OptimizerSpec]:
        return [OptimizerSpec("critic", list(self.model.critic.parameters()), betas=BETAS),
                OptimizerSpec("generator", list(self.model.generator.parameters()), betas=BETAS,
                              repeats=self.cfg.g_repeats)]

    def num_examples(self) -> int:
        return len(self.data.train)

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        c = self.cfg
        steps = events_to_steps(random_transpose(self.data.train.events[idx], c.transpose, rng), c)
        has_prev = rng.random(len(idx)) >= c.prev_dropout
        bar = np.where(has_prev[:, None], steps[:, c.bar: 2 * c.bar], steps[:, : c.bar])
        style = c.drop_styles(self.data.train.styles[idx], c.style_dropout, rng)
        t = lambda a: torch.as_tensor(a, device=self.dev)  # noqa: E731
        return t(bar.astype(np.int64)), t(steps[:, : c.bar].astype(np.int64)), t(has_prev), t(style)

    def loss(self, batch, step: int, phase: str):
        loss, stats = self.runner(phase, *batch)
        return loss, {k: float(v) for k, v in stats.items()}

    def evaluate(self) -> dict[str, float]:
        """MuseGAN metrics of 2-bar samples (any style) and their mean relative gap to the validation
        windows' — the 'loss' that picks the best checkpoint (GAN losses do not say which is better)."""
        gen = torch.Generator().manual_seed(self.cfg.seed)
        ev = sample_melodies(self.model, self.valid_samples, 2, None, 1.0, gen)
        m = musegan_metrics(ev, self.cfg.bar)
        return {"loss": relative_gap(m, self.valid_metrics), **m}


def _prepare(corpus: Corpus, cfg: GANConfig) -> tuple[GANTask, dict]:
    data = melody_data(corpus, cfg)
    return GANTask(cfg, data), window_counts(corpus, data)


def train_gan(config: str | GANConfig, run_dir: Path, corpus: Corpus | None = None,
              progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
              should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """Train (or resume) a melody GAN run in ``run_dir``; returns a summary with data counts and history."""
    return train_model(config, get_config, _prepare, run_dir, corpus, progress, max_steps, should_stop, **overrides)
