"""Shipping a melody GAN run: export weights to resources/, evaluate, write the model card."""
from __future__ import annotations

from pathlib import Path

from latentroll.models.common.export import ship_run
from latentroll.models.registry import entry

from .card import write_card
from .config import GANConfig
from .evaluate import evaluate_cli
from .network import MelodyGAN


def ship_gan(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    return ship_run("gan", run_dir, checkpoint, Path(out_dir) if out_dir else entry("gan").model_dir(), commands,
                    config_cls=GANConfig, model_cls=MelodyGAN, evaluate=lambda out: evaluate_cli(out, corpus),
                    write_card=write_card)
