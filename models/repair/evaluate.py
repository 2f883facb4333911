"""``latentroll eval repair``: what the app's Repair runs, on held-out test tunes.

The figures of ``eval ae`` (models/autoencoder/evaluate.py, same definitions) for the repair
service: repair_rate, clean_change_rate and repair_curve are the repair network's
(``repair_model``), code_repair_rate / code_clean_change_rate the code autoencoder's on the same
corrupted tunes, recon_accuracy and bits_per_bar the code autoencoder's; and
- repair_lm_weight: the melody LSTM's weight in the repair (0 when the network repairs alone);
- network_alone_repair_rate / network_alone_clean_change_rate: the network without the LSTM's
  opinion, at its own calibrated margin (only when it repairs with that opinion).
"""
from __future__ import annotations

from pathlib import Path

import torch

from latentroll.models.autoencoder.evaluate import EvalConfig, eval_config, evaluate_ae, shipped_vae
from latentroll.models.common.repair_margin import margin_for, repair_scores
from latentroll.models.data.corpus import Corpus
from latentroll.models.data.splits import MelodyData, melody_data, split_tunes

from .network import NoteRepairNet
from .note_repair import uses_opinion, without_opinion
from .service import MelodyRepairService


@torch.no_grad()
def evaluate_repair(svc: MelodyRepairService, corpus: Corpus, data: MelodyData, vae=None,
                    cfg: EvalConfig = EvalConfig()) -> dict:
    out = evaluate_ae(svc, corpus, data, vae, cfg)
    fixer = svc.repairer
    with_opinion = isinstance(fixer, NoteRepairNet) and uses_opinion(fixer)
    out["repair_lm_weight"] = fixer.cfg.lm_weight if with_opinion else 0.0
    if with_opinion:  # the same network without the LSTM's opinion, for comparison
        tunes = split_tunes(corpus, "test", cfg.repair_tunes, cfg.seed)
        with without_opinion(fixer):
            alone = repair_scores(fixer, tunes, cfg.shift_rate, {0: margin_for(cfg.strength, fixer.cfg.repair_margin)},
                                  cfg.seed)[0]
        out["network_alone_repair_rate"] = alone["repair_rate"]
        out["network_alone_clean_change_rate"] = alone["clean_change_rate"]
    return out


def evaluate_cli(model_dir: Path | None, corpus: Corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry: the shipped code autoencoder with the given (or shipped)
    repair network."""
    svc = MelodyRepairService.load(model_dir)
    res = evaluate_repair(svc, corpus, melody_data(corpus, svc.cfg), shipped_vae(), eval_config(quick))
    res["model"] = svc.name
    return res
