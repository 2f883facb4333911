"""Shipping a VAE run: export weights + latent stats to resources/, evaluate, write the model card."""
from __future__ import annotations

import json
from pathlib import Path

from latentroll.models.common.export import ship_run
from latentroll.models.registry import entry, shipped_model_dir

from .card import write_card
from .conductor import build_vae
from .config import VAEConfig
from .evaluate import evaluate_cli
from .export import export_model
from .train import melody_data


def default_folder(run_dir: Path) -> Path:
    """Where a run ships without ``--out``: the app's 2-bar VAE folder for a 2-bar run; a longer
    run never replaces it, it goes to resources/models/vae_mel_<bars>bar (issue 18)."""
    window = json.loads((Path(run_dir) / "config.json").read_text()).get("window", 32)
    return entry("vae").model_dir() if window == 32 else shipped_model_dir(f"vae_mel_{window // 16}bar")


def ship_vae(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    return ship_run("vae", run_dir, checkpoint, Path(out_dir) if out_dir else default_folder(run_dir), commands,
                    config_cls=VAEConfig, model_cls=build_vae, evaluate=lambda out: evaluate_cli(out, corpus),
                    write_card=write_card,
                    export=lambda ckpt, cfg, out: export_model(ckpt, cfg, melody_data(corpus, cfg), out))
