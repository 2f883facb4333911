"""Shipping a repair network run: calibrate its margins on validation tunes (alone, and with the
melody LSTM's opinion when that is shipped), export, evaluate, write the card."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from latentroll.models.common.export import load_run_weights, publish_model, ship_run
from latentroll.models.common.repair_margin import calibrate_margin, calibration_tunes
from latentroll.models.registry import entry

from .card import write_card
from .config import NoteRepairConfig
from .evaluate import evaluate_cli
from .network import NoteRepairNet
from .service import lm_opinion

LM_WEIGHT = 0.6  # the LSTM's say in repairs; chosen on validation tunes (docs/models.md, "Repair")


def export_calibrated(checkpoint: Path, cfg: NoteRepairConfig, out_dir: Path, corpus) -> Path:
    """Weights + config whose ``repair_margin`` is calibrated on validation tunes; when the melody
    LSTM is shipped, also ``lm_weight`` and its own ``lm_margin``."""
    model = load_run_weights(NoteRepairNet(cfg), checkpoint)
    tunes = calibration_tunes(corpus)
    cfg = dataclasses.replace(cfg, repair_margin=calibrate_margin(model, tunes))
    if (opinion := lm_opinion()) is not None:
        model.cfg, model.opinion = dataclasses.replace(cfg, lm_weight=LM_WEIGHT), opinion
        cfg = dataclasses.replace(model.cfg, lm_margin=calibrate_margin(model, tunes))
    model.cfg = cfg
    return publish_model(model, model.cfg, checkpoint, out_dir)


def ship_repair(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    out = Path(out_dir) if out_dir else entry("repair").model_dir()
    return ship_run("repair", run_dir, checkpoint, out, commands,
                    config_cls=NoteRepairConfig, model_cls=NoteRepairNet,
                    evaluate=lambda folder: evaluate_cli(folder, corpus),
                    write_card=write_card,
                    export=lambda ckpt, cfg, folder: export_calibrated(ckpt, cfg, folder, corpus))
