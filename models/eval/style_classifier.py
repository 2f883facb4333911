"""A style classifier over 2-bar event windows: the judge of ``style_fidelity``.

Trained on real training windows only (with the same transposition augmentation as the VAE, so
it cannot lean on absolute key), evaluated on held-out test tunes. A small dilated 1-D CNN.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from latentroll.models.common.distributed import device
from latentroll.models.common.trainer import LoopConfig, train
from latentroll.models.common.weights import load_json, load_tensors, save_json, save_tensors
from latentroll.models.data.melody import NUM_CLASSES, transpose_events
from latentroll.models.data.splits import WindowSet


@dataclass(frozen=True)
class ClassifierConfig:
    styles: tuple[str, ...]
    channels: int = 96
    token_dim: int = 32
    epochs: int = 6
    batch_size: int = 256
    lr: float = 2e-3
    transpose: int = 5
    seed: int = 0


CONFIGS: dict[str, ClassifierConfig] = {}


def _register() -> None:
    from latentroll.models.data.corpus import STYLE_NAMES

    CONFIGS["styles6"] = ClassifierConfig(styles=tuple(STYLE_NAMES))
    CONFIGS["tiny"] = ClassifierConfig(styles=tuple(STYLE_NAMES), channels=16, token_dim=8, epochs=1, batch_size=64)


_register()


class StyleNet(nn.Module):
    def __init__(self, cfg: ClassifierConfig):
        super().__init__()
        self.cfg = cfg
        c = cfg.channels
        self.token = nn.Embedding(NUM_CLASSES, cfg.token_dim)
        self.convs = nn.ModuleList([
            nn.Conv1d(cfg.token_dim, c, 3, padding=1),
            nn.Conv1d(c, c, 3, padding=2, dilation=2),
            nn.Conv1d(c, c, 3, padding=4, dilation=4),
            nn.Conv1d(c, c, 3, padding=8, dilation=8),
        ])
        self.head = nn.Linear(2 * c, len(cfg.styles))

    def forward(self, events: torch.Tensor) -> torch.Tensor:
        x = self.token(events).transpose(1, 2)
        for i, conv in enumerate(self.convs):
            y = F.gelu(conv(x))
            x = y if i == 0 else x + y
        return self.head(torch.cat([x.mean(-1), x.amax(-1)], dim=-1))


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


@torch.no_grad()
def predict(model: StyleNet, events: np.ndarray, batch: int = 1024) -> np.ndarray:
    model.eval()
    out = [model(torch.as_tensor(events[s: s + batch].astype(np.int64))).argmax(-1).numpy()
           for s in range(0, len(events), batch)]
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def balanced_accuracy(pred: np.ndarray, truth: np.ndarray, n: int) -> float:
    accs = [float((pred[truth == k] == k).mean()) for k in range(n) if (truth == k).any()]
    return float(np.mean(accs)) if accs else 0.0


def train_classifier(cfg: ClassifierConfig, train_set: WindowSet, valid_set: WindowSet, run_dir: Path,
                     progress=None, max_steps: int | None = None) -> StyleNet:
    task = _Task(cfg, train_set, valid_set)
    loop = LoopConfig(epochs=cfg.epochs, batch_size=cfg.batch_size, lr=cfg.lr, lr_decay=0.9995, seed=cfg.seed)
    train(task, loop, run_dir, progress=progress, max_steps=max_steps)
    return task.model


def save_classifier(model: StyleNet, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    save_tensors(model.state_dict(), folder / "model.safetensors")
    save_json(asdict(model.cfg), folder / "config.json")


def load_classifier(folder: Path) -> StyleNet:
    d = load_json(folder / "config.json")
    d["styles"] = tuple(d["styles"])
    model = StyleNet(ClassifierConfig(**d))
    model.load_state_dict(load_tensors(folder / "model.safetensors"))
    return model.eval()


def train_cli(config: str, run_dir: Path, corpus, progress=None, max_steps=None, **overrides) -> dict:
    """The registry's train entry: train on the shared melody windows, save into resources/."""
    import dataclasses

    from latentroll.models.vae.config import get_config
    from latentroll.models.vae.evaluate import shipped_classifier_dir
    from latentroll.models.vae.train import melody_data

    cfg = dataclasses.replace(CONFIGS[config], **overrides) if overrides else CONFIGS[config]
    data = melody_data(corpus, get_config("mel_2bar"))
    model = train_classifier(cfg, data.train, data.valid, Path(run_dir), progress, max_steps)
    pred = predict(model, data.test.events)
    out = shipped_classifier_dir()
    save_classifier(model, out)
    return {"config": config, "test_accuracy": float((pred == data.test.styles).mean()),
            "test_balanced_accuracy": balanced_accuracy(pred, data.test.styles, len(cfg.styles)),
            "saved": str(out)}
