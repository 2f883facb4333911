"""Shipping an autoencoder run: calibrate its repair margin on validation tunes, export, evaluate, write the card."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from latentroll.models.common.export import load_run_weights, publish_model, ship_run
from latentroll.models.common.repair_margin import calibrate_margin, calibration_tunes
from latentroll.models.registry import entry

from .card import write_card
from .config import AEConfig
from .evaluate import evaluate_cli
from .network import MelodyAE


def export_calibrated(checkpoint: Path, cfg: AEConfig, out_dir: Path, corpus) -> Path:
    """Weights + config whose ``repair_margin`` is calibrated on validation tunes."""
    model = load_run_weights(MelodyAE(cfg), checkpoint)
    model.cfg = dataclasses.replace(cfg, repair_margin=calibrate_margin(model, calibration_tunes(corpus)))
    return publish_model(model, model.cfg, checkpoint, out_dir)


def ship_ae(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    return ship_run("ae", run_dir, checkpoint, Path(out_dir) if out_dir else entry("ae").model_dir(), commands,
                    config_cls=AEConfig, model_cls=MelodyAE, evaluate=lambda out: evaluate_cli(out, corpus),
                    write_card=write_card,
                    export=lambda ckpt, cfg, out: export_calibrated(ckpt, cfg, out, corpus))
