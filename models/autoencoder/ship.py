"""Shipping an autoencoder run: calibrate repair on validation tunes, export, evaluate, write the card."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from latentroll.models.common.export import load_run_weights, publish_model, ship_run
from latentroll.models.data.splits import split_tunes

from .card import write_card, write_repair_card
from .config import AEConfig, NoteRepairConfig
from .evaluate import calibrate_margin, evaluate_cli
from .network import MelodyAE
from .note_repair_net import NoteRepairNet
from .service import default_model_dir, default_repair_dir, lm_opinion

CALIBRATION_TUNES = 400
LM_WEIGHT = 0.6  # the LSTM's say in repairs; chosen on validation tunes (docs/models.md, "Repair")


def export_calibrated(checkpoint: Path, cfg: AEConfig | NoteRepairConfig, out_dir: Path, corpus,
                      model_cls=MelodyAE) -> Path:
    """Weights + config whose ``repair_margin`` is calibrated on validation tunes; a repair
    network, when the melody LSTM is shipped, also gets ``lm_weight`` and its own ``lm_margin``."""
    model = load_run_weights(model_cls(cfg), checkpoint)
    tunes = split_tunes(corpus, "valid", CALIBRATION_TUNES)
    cfg = dataclasses.replace(cfg, repair_margin=calibrate_margin(model, tunes))
    if isinstance(model, NoteRepairNet) and (opinion := lm_opinion()) is not None:
        model.cfg, model.opinion = dataclasses.replace(cfg, lm_weight=LM_WEIGHT), opinion
        cfg = dataclasses.replace(model.cfg, lm_margin=calibrate_margin(model, tunes))
    model.cfg = cfg
    return publish_model(model, model.cfg, checkpoint, out_dir)


def ship_ae(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    return ship_run("ae", run_dir, checkpoint, Path(out_dir) if out_dir else default_model_dir(), commands,
                    config_cls=AEConfig, model_cls=MelodyAE, evaluate=lambda out: evaluate_cli(out, corpus),
                    write_card=write_card,
                    export=lambda ckpt, cfg, out: export_calibrated(ckpt, cfg, out, corpus))


def ship_repair(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    out = Path(out_dir) if out_dir else default_repair_dir()
    return ship_run("repair", run_dir, checkpoint, out, commands,
                    config_cls=NoteRepairConfig, model_cls=NoteRepairNet,
                    evaluate=lambda folder: evaluate_cli(None, corpus, repair_dir=folder),
                    write_card=write_repair_card,
                    export=lambda ckpt, cfg, folder: export_calibrated(ckpt, cfg, folder, corpus, NoteRepairNet))
