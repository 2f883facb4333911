"""Shipping a chorale CNN run: export weights to resources/, evaluate, write the model card."""
from __future__ import annotations

from pathlib import Path

from latentroll.models.common.export import ship_run
from latentroll.models.registry import entry

from .card import write_card
from .config import CoconetConfig
from .evaluate import evaluate_cli
from .network import ChoraleCNN


def ship_cnn(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    return ship_run("cnn", run_dir, checkpoint, Path(out_dir) if out_dir else entry("cnn").model_dir(), commands,
                    config_cls=CoconetConfig, model_cls=ChoraleCNN, evaluate=lambda out: evaluate_cli(out, corpus),
                    write_card=write_card)
