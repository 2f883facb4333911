"""Training the repair network on whole-tune crops: rough melody in, the clean one out.

An example is a random crop of at most ``crop_steps`` steps in whole bars (or the whole tune if
shorter) from a bar line of a training tune, transposed, then corrupted the way ``corruption.py``
makes sketches. Short crops are padded with holds that the loss leaves out (packing the batch
instead cost four times the time on CPU).
Validation repairs whole validation tunes with 10% of their notes shifted, as ``eval ae`` does.
"""
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
from latentroll.models.data.melody import held_pitch, standalone, transpose_events
from latentroll.models.data.splits import split_tunes

from .config import RepairConfig, get_repair_config
from .corruption import Corruption, corrupt
from .evaluate import repair_scores
from .repair import tune_logprobs
from .repair_net import RepairNet, bar_positions

VALID_TUNES = 300
VALID_MARGINS = {"argmax": 0.0, "m2": 2.0, "m4": 4.0}
IGNORE = -100


def crop(events: np.ndarray, bar: int, bars: int, rng: np.random.Generator) -> np.ndarray:
    """Up to ``bars`` bars of a tune from a random bar line, standing alone."""
    n_bars = -(-len(events) // bar)
    if n_bars <= bars:
        return np.asarray(events, dtype=np.uint8)
    start = int(rng.integers(0, n_bars - bars + 1)) * bar
    return standalone(events[start: start + bars * bar], int(held_pitch(events[: start + 1])[-1]))


class RepairTask:
    def __init__(self, cfg: RepairConfig, train: list[tuple[np.ndarray, int]], valid: list[tuple[np.ndarray, int]]):
        self.cfg = cfg
        self.train = [(ev, bar) for ev, bar in train if len(ev) >= cfg.min_bars * bar]
        self.valid = valid
        self.dev = device()
        self.model = RepairNet(cfg).to(self.dev)
        self.runner = self.model

    def num_examples(self) -> int:
        return len(self.train) * self.cfg.crops_per_tune

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        c = self.cfg
        spec = Corruption.of(c)
        rows = []
        for i in idx:
            ev, bar = self.train[int(i) % len(self.train)]
            clean = crop(ev, bar, max(1, c.crop_steps // bar), rng)
            if c.transpose:
                clean = transpose_events(clean[None], rng.integers(-c.transpose, c.transpose + 1, 1))[0]
            rough = clean if rng.random() < c.clean_share else corrupt(clean[None], spec, rng)[0][0]
            rows.append((rough, clean, bar))
        length = max(len(r[0]) for r in rows)
        rough = np.zeros((len(rows), length), np.int64)
        clean = np.full((len(rows), length), IGNORE, np.int64)
        pos = np.zeros((len(rows), length), np.int64)
        for j, (r, cl, bar) in enumerate(rows):
            rough[j, :len(r)], clean[j, :len(cl)] = r, cl
            pos[j] = bar_positions(length, bar).numpy()
        t = lambda a: torch.as_tensor(a, device=self.dev)  # noqa: E731
        return t(rough), t(pos), t(clean)

    def loss(self, batch, step: int):
        rough, pos, clean = batch
        logits = self.runner(rough, pos)
        per_step = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), clean.reshape(-1), ignore_index=IGNORE,
                                   reduction="none").view(clean.shape)
        real = clean != IGNORE
        weight = real.float() + (self.cfg.fix_weight - 1.0) * ((rough != clean) & real).float()
        loss = (per_step * weight).sum() / weight.sum()
        acc = (logits.argmax(-1) == clean)[real].float().mean()
        return loss, {"loss": loss.item(), "accuracy": acc.item()}

    def evaluate(self) -> dict[str, float]:
        scores = repair_scores(self.model, self.valid, 0.1, VALID_MARGINS, seed=0)
        out = {}
        for k, s in scores.items():
            out[f"repair_{k}"] = s["repair_rate"]
            out[f"clean_change_{k}"] = s["clean_change_rate"]
        nll, steps = 0.0, 0
        for ev, bar in self.valid[:100]:
            logp = tune_logprobs(self.model, ev, bar)
            nll -= float(np.take_along_axis(logp, ev.astype(np.int64)[:, None], -1).sum())
            steps += len(ev)
        out["clean_nll"] = nll / max(1, steps)
        # the loss that picks "best": missed repairs plus clean notes changed, at the 2-nat margin
        out["loss"] = (1 - out["repair_m2"]) + 10 * out["clean_change_m2"]
        return out


def _prepare(corpus: Corpus, cfg: RepairConfig) -> tuple[RepairTask, dict]:
    train = split_tunes(corpus, "train")
    task = RepairTask(cfg, train, split_tunes(corpus, "valid", VALID_TUNES, seed=cfg.seed))
    counts = {"tunes": len(corpus.tunes), "by_style": corpus.by_style(),
              "tunes per split": {"train": len(train), f"train with ≥ {cfg.min_bars} bars": len(task.train),
                                  "valid (per-epoch check)": len(task.valid),
                                  "test": len(split_tunes(corpus, "test"))}}
    return task, counts


def train_repair(config: str | RepairConfig, run_dir: Path, corpus: Corpus | None = None,
                 progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
                 should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """Train (or resume) a repair-network run in ``run_dir``; returns a summary with data counts and history."""
    return train_model(config, get_repair_config, _prepare, run_dir, corpus, progress, max_steps, should_stop,
                       **overrides)
