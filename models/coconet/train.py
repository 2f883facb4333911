"""Training the chorale CNN: random crops of Bach chorales, random masks, transposition.

Masks (per crop): mostly Coconet's orderless-NADE kind (hide a uniformly random number of voice
frames, chosen uniformly), plus some crops with whole voices hidden (what harmonizing asks) and
some with a span of time hidden in some voices (what infilling asks). The loss is the mean NLL
of the hidden frames. The chorales of each split come from ``data/chorales.py``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch

from latentroll.models.common.distributed import device
from latentroll.models.common.run import train_model
from latentroll.models.common.trainer import Progress
from latentroll.models.data.chorales import ChoraleData
from latentroll.models.data.corpus import Corpus

from .config import CoconetConfig, get_config
from .network import ChoraleCNN, masked_nll
from .roll import NUM_VOICES, beat_phase, chorale_rolls, transpose_range, transpose_roll


def sample_mask(rng: np.random.Generator, frames: int, cfg: CoconetConfig) -> np.ndarray:
    """(4, frames) bool, True = hidden."""
    hidden = np.zeros((NUM_VOICES, frames), dtype=bool)
    u = rng.random()
    if u < cfg.mask_whole_voices:
        hidden[rng.choice(NUM_VOICES, rng.integers(1, NUM_VOICES + 1), replace=False)] = True
    elif u < cfg.mask_whole_voices + cfg.mask_time_span:
        start = rng.integers(0, frames)
        length = rng.integers(1, frames - start + 1)
        voices = rng.choice(NUM_VOICES, rng.integers(1, NUM_VOICES + 1), replace=False)
        hidden[voices, start: start + length] = True
    else:
        n = rng.integers(1, hidden.size + 1)
        hidden.flat[rng.choice(hidden.size, n, replace=False)] = True
    return hidden


def random_crop(roll: np.ndarray, cfg: CoconetConfig, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """A random ``cfg.crop``-frame piece of ``roll`` (on or off a beat), and its start frame."""
    start = int(rng.integers(0, roll.shape[1] - cfg.crop + 1)) if roll.shape[1] > cfg.crop else 0
    piece = roll[:, start: start + cfg.crop]
    if piece.shape[1] < cfg.crop:  # a chorale shorter than the crop: pad with silence
        piece = np.pad(piece, ((0, 0), (0, cfg.crop - piece.shape[1])), constant_values=cfg.rest)
    return piece, start


def batch_tensors(rolls, hidden, phases, dev) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (torch.as_tensor(np.stack(rolls).astype(np.int64), device=dev),
            torch.as_tensor(np.stack(hidden), device=dev),
            torch.as_tensor(np.stack(phases).astype(np.int64), device=dev))


class CoconetTask:
    def __init__(self, cfg: CoconetConfig, data: ChoraleData, valid_crops: int = 4):
        if not data.train:
            raise ValueError("no 4-voice chorales in the training split")
        self.cfg = cfg
        self.data = data
        self.dev = device()
        self.model = ChoraleCNN(cfg).to(self.dev)
        self.runner = self.model
        rng = np.random.default_rng(cfg.seed)
        self.valid = self._fixed_batch(data.valid or data.train, valid_crops, rng)

    def _fixed_batch(self, rolls: list[np.ndarray], per_roll: int, rng: np.random.Generator):
        pieces, hidden, phases = [], [], []
        for roll in rolls:
            for _ in range(per_roll):
                piece, start = random_crop(roll, self.cfg, rng)
                pieces.append(piece)
                hidden.append(sample_mask(rng, self.cfg.crop, self.cfg))
                phases.append(beat_phase(self.cfg.crop, start))
        return batch_tensors(pieces, hidden, phases, self.dev)

    def num_examples(self) -> int:
        return len(self.data.train) * self.cfg.crops_per_chorale

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        c = self.cfg
        pieces, hidden, phases = [], [], []
        for i in idx:
            piece, start = random_crop(self.data.train[i % len(self.data.train)], c, rng)
            lo, hi = transpose_range(piece, c)
            shift = int(rng.integers(max(lo, -c.transpose), min(hi, c.transpose) + 1)) if c.transpose else 0
            pieces.append(transpose_roll(piece, shift, c))
            hidden.append(sample_mask(rng, c.crop, c))
            phases.append(beat_phase(c.crop, start))
        return batch_tensors(pieces, hidden, phases, self.dev)

    def loss(self, batch, step: int):
        roll, hidden, phase = batch
        logits = self.runner(roll, hidden, phase)
        loss = masked_nll(logits, roll, hidden).mean()
        hits = ((logits.argmax(-1) == roll) & hidden).sum() / hidden.sum().clamp(min=1)
        return loss, {"loss": loss.item(), "accuracy": hits.item()}

    def evaluate(self) -> dict[str, float]:
        roll, hidden, phase = self.valid
        nll, hits = [], []
        for s in range(0, len(roll), 64):
            r, h, p = roll[s: s + 64], hidden[s: s + 64], phase[s: s + 64]
            logits = self.model(r, h, p)
            nll.append(masked_nll(logits, r, h))
            hits.append((((logits.argmax(-1) == r) & h).sum((1, 2)) / h.sum((1, 2)).clamp(min=1)))
        return {"loss": float(torch.cat(nll).mean()), "accuracy": float(torch.cat(hits).mean())}


def _prepare(corpus: Corpus, cfg: CoconetConfig) -> tuple[CoconetTask, dict]:
    data = chorale_rolls(corpus, cfg)
    return CoconetTask(cfg, data), {"tunes": len(corpus.tunes), "by_style": corpus.by_style(),
                                    "chorales": data.counts()}


def train_coconet(config: str | CoconetConfig, run_dir: Path, corpus: Corpus | None = None,
                  progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
                  should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """Train (or resume) a chorale CNN run in ``run_dir``; returns a summary with data counts and history."""
    return train_model(config, get_config, _prepare, run_dir, corpus, progress, max_steps, should_stop, **overrides)
