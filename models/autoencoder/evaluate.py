"""``latentroll eval ae``: the code autoencoder's reconstruction, repair and code size on held-out test tunes.

Definitions (also in the model card):
- recon_accuracy: share of 16th steps whose event the autoencoder reproduces (clean window in,
  per-step argmax out) over held-out test windows (2 bars from each bar line, as for the VAE);
  onset_accuracy: the same over the steps that hold an event (note-on or note-off).
- vae_recon_accuracy: the shipped VAE's greedy reconstruction accuracy (z = μ) on the same
  windows, when VAE weights are shipped.
- repair_rate: whole test tunes get 10% of their notes (each note-on independently, seeded)
  shifted ±1 or ±2 semitones; the share of those notes whose original pitch is back at their
  onset after ``repair`` at strength 0.5, run by the network the service repairs with
  (``repair_model``: the code autoencoder here; the note-level repair network in ``eval repair``,
  models/repair/evaluate.py).
- code_repair_rate / code_clean_change_rate: the same for the code autoencoder, when another
  network is the one repairing (to show what the bottleneck costs).
- clean_change_rate: the share of the other (clean) notes whose steps (onset to the next event)
  are not all left as they were.
- repair_curve: both rates at other strengths (higher changes more). Strength 0.5's margin is
  calibrated at ship time on the validation tunes (``calibrate_margin``: the most repair that
  changes ≤ ``CALIBRATION_CLEAN_CHANGE`` of their clean notes), never on test tunes.
- bits_per_bar: code bits per 4/4 bar (the code is binary, so this is its exact size).
- repair16_ms: median wall time to repair a 16-bar melody.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from latentroll.core.song import Track
from latentroll.models.common.repair_margin import margin_for, repair_scores
from latentroll.models.data.corpus import Corpus
from latentroll.models.data.melody import events_to_notes
from latentroll.models.data.splits import MelodyData, melody_data, split_tunes
from latentroll.models.eval.timing import median_ms

from .service import MelodyAEService
from .train import recon_metrics


@dataclass(frozen=True)
class EvalConfig:
    recon_windows: int = 4000
    repair_tunes: int | None = None   # None: every test tune
    shift_rate: float = 0.1
    strength: float = 0.5
    curve: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)
    timing_repeats: int = 10
    seed: int = 0


@torch.no_grad()
def evaluate_ae(svc: MelodyAEService, corpus: Corpus, data: MelodyData, vae=None,
                cfg: EvalConfig = EvalConfig()) -> dict:
    model = svc.model
    rng = np.random.default_rng(cfg.seed)
    test = data.test
    windows = test.events[np.sort(rng.permutation(len(test))[: cfg.recon_windows])]
    out: dict = {"test_windows": int(len(windows))}
    rec = recon_metrics(model, windows)
    out["recon_accuracy"] = rec["recon_accuracy"]
    out["onset_accuracy"] = rec["onset_accuracy"]
    if vae is not None:
        from latentroll.models.vae.metrics import reconstruction_metrics

        out["vae_recon_accuracy"] = reconstruction_metrics(vae, windows)["recon_accuracy"]

    tunes = split_tunes(corpus, "test", cfg.repair_tunes, cfg.seed)
    strengths = sorted(set(cfg.curve) | {cfg.strength})
    fixer = svc.repairer
    scores = repair_scores(fixer, tunes, cfg.shift_rate,
                           {s: margin_for(s, fixer.calibrated_margin()) for s in strengths}, cfg.seed)
    out["repair_model"] = fixer.cfg.name
    if fixer is not model:
        code = repair_scores(model, tunes, cfg.shift_rate, {0: margin_for(cfg.strength, model.cfg.repair_margin)},
                             cfg.seed)[0]
        out["code_repair_rate"] = code["repair_rate"]
        out["code_clean_change_rate"] = code["clean_change_rate"]
    out["repair_tunes"] = len(tunes)
    out["corrupted_notes"] = scores[cfg.strength]["corrupted_notes"]
    out["repair_rate"] = scores[cfg.strength]["repair_rate"]
    out["clean_change_rate"] = scores[cfg.strength]["clean_change_rate"]
    out["repair_curve"] = {f"s{s:g}": f"{v['repair_rate']:.3f}/{v['clean_change_rate']:.3f}" for s, v in scores.items()}
    out["bits_per_bar"] = model.cfg.bits_per_bar

    longest = max(tunes, key=lambda t: len(t[0]))[0][:256]
    melody = Track(name="melody", notes=events_to_notes(longest))
    out["repair16_ms"] = median_ms(lambda: svc.repair(melody), cfg.timing_repeats)
    out["torch_threads"] = torch.get_num_threads()
    return out


def shipped_vae():
    """The shipped VAE's network for the comparison row, or None when no VAE is shipped."""
    from latentroll.models.registry import entry
    from latentroll.models.vae.service import MelodyVAEService

    if not (entry("vae").model_dir() / "model.safetensors").exists():
        return None
    return MelodyVAEService.load().model


def evaluate_cli(model_dir: Path | None, corpus: Corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry: load the shipped (or given) model, measure it."""
    svc = MelodyAEService.load(model_dir)
    res = evaluate_ae(svc, corpus, melody_data(corpus, svc.cfg), shipped_vae(), eval_config(quick))
    res["model"] = svc.name
    return res


def eval_config(quick: bool) -> EvalConfig:
    """The figures' sample sizes: ``--quick`` for a smoke check, else the card's."""
    return EvalConfig(recon_windows=400, repair_tunes=60, timing_repeats=3) if quick else EvalConfig()
