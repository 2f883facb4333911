"""Shipping an autoencoder run: export the weights to resources/, evaluate, write the model card."""
from __future__ import annotations

from pathlib import Path

from latentroll.models.common.export import ship_run

from .card import write_card
from .config import AEConfig
from .evaluate import evaluate_cli
from .network import MelodyAE
from .service import default_model_dir


def ship_ae(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    return ship_run("ae", run_dir, checkpoint, Path(out_dir) if out_dir else default_model_dir(), commands,
                    config_cls=AEConfig, model_cls=MelodyAE, evaluate=lambda out: evaluate_cli(out, corpus),
                    write_card=write_card)
