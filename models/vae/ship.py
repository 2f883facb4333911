"""Shipping a VAE run: export weights + latent stats to resources/, evaluate, write the model card."""
from __future__ import annotations

from pathlib import Path

from latentroll.models.common.export import ship_run
from latentroll.models.registry import entry

from .card import write_card
from .config import VAEConfig
from .evaluate import evaluate_cli
from .export import export_model
from .network import MelodyVAE
from .train import melody_data


def ship_vae(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    return ship_run("vae", run_dir, checkpoint, Path(out_dir) if out_dir else entry("vae").model_dir(), commands,
                    config_cls=VAEConfig, model_cls=MelodyVAE, evaluate=lambda out: evaluate_cli(out, corpus),
                    write_card=write_card,
                    export=lambda ckpt, cfg, out: export_model(ckpt, cfg, melody_data(corpus, cfg), out))
