"""Training the LSTM language model: chunks of training tunes, transposed, with style dropout."""
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
from latentroll.models.data.melody import transpose_events
from latentroll.models.data.sequences import SequenceData, sequence_data

from .config import LSTMConfig, get_config
from .metrics import lm_metrics
from .network import MelodyLSTM


class LSTMTask:
    def __init__(self, cfg: LSTMConfig, data: SequenceData, valid_tunes: int = 300):
        self.cfg = cfg
        self.data = data
        self.dev = device()
        self.model = MelodyLSTM(cfg).to(self.dev)
        self.runner = self.model
        pick = np.random.default_rng(cfg.seed).permutation(len(data.valid))[:valid_tunes]
        self.valid = data.valid.take(np.sort(pick))

    def num_examples(self) -> int:
        return len(self.data.train)

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        c = self.cfg
        part = self.data.train.take(idx)
        width = int(part.lengths.max())
        ev = part.events[:, :width]
        if c.transpose:
            ev = transpose_events(ev, rng.integers(-c.transpose, c.transpose + 1, len(idx)))
        style = part.styles.copy()
        style[rng.random(len(idx)) < c.style_dropout] = c.any_style
        t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.int64), device=self.dev)  # noqa: E731
        return t(ev), t(part.lengths), t(part.bars), t(style)

    def loss(self, batch, step: int):
        ev, lengths, bars, style = batch
        logits, _ = self.runner(self.model.with_start(ev), self.model.positions(bars, ev.shape[1]), style)
        valid = torch.arange(ev.shape[1], device=ev.device)[None] < lengths[:, None]
        ce = F.cross_entropy(logits.transpose(1, 2), ev, reduction="none")
        n = valid.sum()
        loss = (ce * valid).sum() / n
        acc = ((logits.argmax(-1) == ev) & valid).sum() / n
        return loss, {"loss": loss.item(), "accuracy": acc.item()}

    def evaluate(self) -> dict[str, float]:
        return lm_metrics(self.model, self.valid)


def lm_counts(corpus: Corpus, data: SequenceData) -> dict:
    return {"tunes": len(corpus.tunes), "by_style": corpus.by_style(),
            "chunks": {"train": len(data.train)},
            "steps": {"train": data.train.steps(), "valid": data.valid.steps(), "test": data.test.steps()},
            "tunes_split": {"train": int(len(np.unique(data.train.tunes))), "valid": len(data.valid),
                            "test": len(data.test)}}


def _prepare(corpus: Corpus, cfg: LSTMConfig) -> tuple[LSTMTask, dict]:
    data = sequence_data(corpus, cfg)
    return LSTMTask(cfg, data), lm_counts(corpus, data)


def train_lstm(config: str | LSTMConfig, run_dir: Path, corpus: Corpus | None = None,
               progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
               should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """Train (or resume) an LSTM run in ``run_dir``; returns a summary with data counts and history."""
    return train_model(config, get_config, _prepare, run_dir, corpus, progress, max_steps, should_stop, **overrides)
