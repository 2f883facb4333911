"""One training loop for every model: seeded, resumable, checkpointed, logged, DDP-aware.

A model plugs in through a ``TrainTask`` (how to batch, the loss, the validation metrics); the
loop owns the epochs, the optimizer and learning-rate decay, gradient clipping, checkpoints (every
epoch and every few minutes), the per-epoch ``metrics.jsonl`` the app plots, and progress.

A task that needs several optimizers (a GAN: critic, then generator) also defines
``optimizer_specs()``; the loop then runs, for every batch, each spec's ``repeats`` updates in order,
asking ``task.loss(batch, step, phase=spec.name)`` for that phase's loss. One loop, either way.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np
import torch
from torch import nn

from .checkpoint import TrainState, load_checkpoint, save_checkpoint
from .distributed import Dist


@dataclass(frozen=True)
class LoopConfig:
    epochs: int
    batch_size: int
    lr: float = 1e-3
    lr_min: float = 1e-5
    lr_decay: float = 0.9999
    lr_restart_step: int = 0   # a warm restart: from this step the decay starts again from ``lr``
    grad_clip: float = 1.0
    seed: int = 0
    checkpoint_minutes: float = 10.0


@dataclass
class Progress:
    epoch: int
    epochs: int
    batch: int
    batches: int
    step: int
    metrics: dict[str, float]


@dataclass(frozen=True)
class OptimizerSpec:
    """One optimizer of a multi-optimizer task: its parameters, Adam settings and updates per batch."""

    name: str
    params: list[nn.Parameter]
    lr_scale: float = 1.0
    betas: tuple[float, float] = (0.9, 0.999)
    repeats: int = 1


class TrainTask(Protocol):
    model: nn.Module
    runner: nn.Module  # set by ``train``: what forward passes call

    def num_examples(self) -> int: ...

    def batch(self, idx: np.ndarray, rng: np.random.Generator) -> Any: ...

    def loss(self, batch: Any, step: int) -> tuple[torch.Tensor, dict[str, float]]: ...

    def evaluate(self) -> dict[str, float]: ...


def _lr_at(cfg: LoopConfig, step: int) -> float:
    since = step - cfg.lr_restart_step if step >= cfg.lr_restart_step else step
    return max(cfg.lr_min, cfg.lr * cfg.lr_decay ** since)


def _specs(task: TrainTask) -> list[OptimizerSpec]:
    if hasattr(task, "optimizer_specs"):
        return list(task.optimizer_specs())
    return [OptimizerSpec("", list(task.model.parameters()))]


def train(task: TrainTask, cfg: LoopConfig, run_dir: Path, *, dist: Dist = Dist(),
          progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
          should_stop: Callable[[], bool] | None = None, extra_json: dict | None = None) -> TrainState:
    """Train until ``cfg.epochs`` (or ``max_steps``) and return the final state.

    Forward passes go through ``task.runner``: the model itself, or its DistributedDataParallel
    wrapper under torchrun (which all-reduces gradients); checkpoints store ``task.model``.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg.seed + dist.rank)
    model = task.model
    task.runner = model
    multi = hasattr(task, "optimizer_specs")
    if dist.world > 1:
        from torch.nn.parallel import DistributedDataParallel

        # phases of a multi-optimizer task each use only part of the model
        task.runner = DistributedDataParallel(model, find_unused_parameters=multi)
    specs = _specs(task)
    opts = {s.name: torch.optim.Adam(s.params, lr=cfg.lr * s.lr_scale, betas=s.betas) for s in specs}
    opt = opts if multi else opts[""]
    state = load_checkpoint(run_dir / "last", model, opt) or TrainState()
    n = task.num_examples()
    per_rank = n // dist.world
    batches = max(1, per_rank // cfg.batch_size)
    last_save = time.monotonic()
    t_start = time.monotonic() - state.seconds
    metrics_file = run_dir / "metrics.jsonl"

    def checkpoint() -> None:
        state.seconds = time.monotonic() - t_start
        if dist.main:
            save_checkpoint(run_dir / "last", model, opt, state, extra_json)

    while state.epoch < cfg.epochs:
        rng = np.random.default_rng([cfg.seed, state.epoch])
        perm = rng.permutation(n)[dist.rank * per_rank: (dist.rank + 1) * per_rank]
        run = {}
        model.train()
        for b in range(state.batch, batches):
            idx = perm[b * cfg.batch_size: (b + 1) * cfg.batch_size]
            batch = task.batch(idx, np.random.default_rng([cfg.seed, state.epoch, b, dist.rank]))
            m: dict[str, float] = {}
            for spec in specs:
                o = opts[spec.name]
                for g in o.param_groups:
                    g["lr"] = _lr_at(cfg, state.step) * spec.lr_scale
                for _ in range(spec.repeats):
                    with torch.enable_grad():  # even if a service in this process turned autograd off
                        loss, pm = (task.loss(batch, state.step, phase=spec.name) if multi
                                    else task.loss(batch, state.step))
                    o.zero_grad(set_to_none=True)
                    loss.backward()
                    if cfg.grad_clip:
                        nn.utils.clip_grad_norm_(spec.params, cfg.grad_clip)
                    o.step()
                    m.update(pm)
            state.step += 1
            state.batch = b + 1
            for k, v in m.items():
                run[k] = run.get(k, 0.0) * 0.98 + v * 0.02 if k in run else v
            if progress and dist.main:
                progress(Progress(state.epoch, cfg.epochs, b + 1, batches, state.step, dict(run)))
            if time.monotonic() - last_save > cfg.checkpoint_minutes * 60:
                checkpoint()
                last_save = time.monotonic()
            if (max_steps is not None and state.step >= max_steps) or (should_stop and should_stop()):
                checkpoint()
                return state
        # Epoch done: validate, log, checkpoint.
        model.eval()
        with torch.no_grad():
            valid = task.evaluate() if dist.main else {}
        state.epoch += 1
        state.batch = 0
        state.seconds = time.monotonic() - t_start
        record = {"epoch": state.epoch, "step": state.step, "seconds": round(state.seconds, 1),
                  "lr": _lr_at(cfg, state.step), **{f"train_{k}": v for k, v in run.items()},
                  **{f"valid_{k}": v for k, v in valid.items()}}
        state.history.append(record)
        if dist.main:
            with open(metrics_file, "a") as fh:
                fh.write(json.dumps(record) + "\n")
            key = valid.get("loss")
            if key is not None and math.isfinite(key) and (state.best_valid is None or key < state.best_valid):
                state.best_valid = key
                save_checkpoint(run_dir / "best", model, opt, state, extra_json)
        checkpoint()
        last_save = time.monotonic()
    return state


def loop_config_from(cfg) -> LoopConfig:
    """Take the loop fields from any model config dataclass that has them."""
    fields = LoopConfig.__dataclass_fields__
    d = {k: getattr(cfg, k) for k in fields if hasattr(cfg, k)}
    return LoopConfig(**d)


__all__ = ["LoopConfig", "OptimizerSpec", "Progress", "TrainTask", "train", "loop_config_from"]
