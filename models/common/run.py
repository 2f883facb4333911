"""A training run around the shared loop: config.json in the run folder, the loop, a summary.

Every model's ``train_<model>`` entry point calls ``train_model`` with a function that builds its
task and data counts from the corpus (or builds them itself and calls ``run_training``), so run
folders look the same for all models (config.json, metrics.jsonl, last/, best/).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import torch

from latentroll.models.data.corpus import load_corpus

from .distributed import Dist, init_distributed, shutdown
from .trainer import Progress, TrainTask, loop_config_from, train


def run_training(cfg, task: TrainTask, run_dir: Path, counts: dict, *, dist: Dist = Dist(),
                 progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
                 should_stop: Callable[[], bool] | None = None) -> dict:
    """Train (or resume) ``task`` under ``cfg``'s loop fields; returns the run summary."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(cfg.to_json())
    try:
        state = train(task, loop_config_from(cfg), run_dir, dist=dist, progress=progress, max_steps=max_steps,
                      should_stop=should_stop, extra_json={"config": cfg.name, "data": counts})
    finally:
        shutdown(dist)
    return {"config": cfg.name, "data": counts, "steps": state.step, "epochs": state.epoch,
            "seconds": state.seconds, "history": state.history,
            "params": sum(p.numel() for p in task.model.parameters())}


def train_model(config, get_config: Callable, prepare: Callable[[object, object], tuple[TrainTask, dict]],
                run_dir: Path, corpus=None, progress: Callable[[Progress], None] | None = None,
                max_steps: int | None = None, should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """The registry's train contract for one model: resolve the named config (with ``overrides``),
    seed, load the corpus if not given, ``prepare(corpus, cfg) -> (task, counts)``, run."""
    cfg = get_config(config, **overrides) if isinstance(config, str) else config
    dist = init_distributed()
    torch.manual_seed(cfg.seed)
    task, counts = prepare(corpus if corpus is not None else load_corpus(), cfg)
    return run_training(cfg, task, run_dir, counts, dist=dist, progress=progress, max_steps=max_steps,
                        should_stop=should_stop)
