"""Training the style classifier on real training windows only, with the same transposition
augmentation as the VAE (so it cannot lean on absolute key); validated on the validation split."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.models.common.distributed import device
from latentroll.models.common.trainer import LoopConfig, train
from latentroll.models.common.weights import save_json, save_tensors
from latentroll.models.data.melody import transpose_events
from latentroll.models.data.splits import WindowSet, melody_data
from latentroll.models.registry import entry

from .config import CONFIGS, ClassifierConfig
from .evaluate import balanced_accuracy, evaluate_classifier
from .network import StyleNet, predict
from .service import StyleClassifierService


class _Task:
    def __init__(self, cfg: ClassifierConfig, train_set: WindowSet, valid_set: WindowSet):
        self.cfg, self.train_set, self.valid_set = cfg, train_set, valid_set
        self.dev = device()
        self.model = StyleNet(cfg).to(self.dev)
        self.runner = self.model
        counts = np.bincount(train_set.styles, minlength=len(cfg.styles)).astype(float)
        self.weights = torch.as_tensor(counts.sum() / np.maximum(counts, 1) / len(counts), dtype=torch.float32)

    def num_examples(self) -> int:
        return len(self.train_set)

    def batch(self, idx, rng):
        ev = transpose_events(self.train_set.events[idx], rng.integers(-self.cfg.transpose, self.cfg.transpose + 1, len(idx)))
        return torch.as_tensor(ev.astype(np.int64)), torch.as_tensor(self.train_set.styles[idx])

    def loss(self, batch, step):
        ev, y = batch
        logits = self.runner(ev)
        loss = F.cross_entropy(logits, y, weight=self.weights)
        return loss, {"loss": loss.item(), "accuracy": (logits.argmax(-1) == y).float().mean().item()}

    def evaluate(self):
        pred = predict(self.model, self.valid_set.events)
        return {"accuracy": float((pred == self.valid_set.styles).mean()),
                "balanced_accuracy": balanced_accuracy(pred, self.valid_set.styles, len(self.cfg.styles))}


def train_classifier(cfg: ClassifierConfig, train_set: WindowSet, valid_set: WindowSet, run_dir: Path,
                     progress=None, max_steps: int | None = None) -> StyleNet:
    task = _Task(cfg, train_set, valid_set)
    loop = LoopConfig(epochs=cfg.epochs, batch_size=cfg.batch_size, lr=cfg.lr, lr_decay=0.9995, seed=cfg.seed)
    train(task, loop, run_dir, progress=progress, max_steps=max_steps)
    return task.model


def save_classifier(model: StyleNet, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    save_tensors(model.state_dict(), folder / "model.safetensors")
    save_json(dataclasses.asdict(model.cfg), folder / "config.json")


def train_cli(config: str, run_dir: Path, corpus, progress=None, max_steps=None, out_dir: Path | None = None,
              **overrides) -> dict:
    """The registry's train entry: train on the shared melody windows, save into resources/
    (or ``out_dir``), report its test figures."""
    cfg = dataclasses.replace(CONFIGS[config], **overrides) if overrides else CONFIGS[config]
    data = melody_data(corpus, cfg)
    model = train_classifier(cfg, data.train, data.valid, Path(run_dir), progress, max_steps)
    out = Path(out_dir) if out_dir else entry("classifier").model_dir()
    save_classifier(model, out)
    test = evaluate_classifier(StyleClassifierService(model), data.test)
    return {"config": config, "test_accuracy": test["accuracy"], "test_balanced_accuracy": test["balanced_accuracy"],
            "saved": str(out)}
