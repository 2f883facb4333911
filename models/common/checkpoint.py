"""Resumable training checkpoints: a folder with model + optimizer safetensors and a JSON state.

A task with one optimizer stores it as ``optimizer.safetensors``; a task with several (a GAN's
generator and critic) stores each as ``optimizer_<name>.safetensors``.

Written atomically (each file temp+rename, state.json last), so a run killed mid-save resumes from
the previous complete checkpoint.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from .weights import load_json, load_optimizer, load_tensors, save_json, save_optimizer, save_tensors


@dataclass
class TrainState:
    epoch: int = 0            # epochs fully done
    batch: int = 0            # batches done inside the current epoch
    step: int = 0             # optimizer steps in all
    seconds: float = 0.0      # training wall time so far
    best_valid: float | None = None
    history: list[dict] = field(default_factory=list)


Optimizers = torch.optim.Optimizer | dict[str, torch.optim.Optimizer]


def _named(opt: Optimizers | None) -> dict[str, torch.optim.Optimizer]:
    if opt is None:
        return {}
    return opt if isinstance(opt, dict) else {"": opt}


def optimizer_file(name: str) -> str:
    return f"optimizer_{name}.safetensors" if name else "optimizer.safetensors"


def save_checkpoint(folder: Path, model: torch.nn.Module, opt: Optimizers, state: TrainState,
                    extra_json: dict | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    save_tensors(model.state_dict(), folder / "model.safetensors")
    for name, o in _named(opt).items():
        save_optimizer(o, folder / optimizer_file(name))
    save_json({"state": asdict(state), **(extra_json or {})}, folder / "state.json")


def load_checkpoint(folder: Path, model: torch.nn.Module, opt: Optimizers | None) -> TrainState | None:
    if not (folder / "state.json").exists():
        return None
    model.load_state_dict(load_tensors(folder / "model.safetensors"))
    for name, o in _named(opt).items():
        load_optimizer(o, folder / optimizer_file(name))
    return TrainState(**load_json(folder / "state.json")["state"])
