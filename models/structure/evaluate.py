"""``latentroll eval structure`` (also ``eval vae --model mel_16bar``): the card's figures on the
held-out test phrases.

Definitions:
- repetition_oa: OA of the bar-to-bar self-similarity matrices (``models/eval/repetition.py``) of
  'any style' phrases the service writes (temperature 1) against test phrases; repetition_oa_chained:
  the same for as many 2-bar VAE clips chained by its ``generate`` (the app's way before this
  model: ``models/vae/evaluate.chained_samples``), same count and seed. Higher is closer to the data.
- oa / oa_min (and oa_min_chained): Yang-Lerch OA per pitch/rhythm feature of the same phrases.
- copy_share_samples / copy_share_test: share of segments that repeat an earlier one.
- pointer_accuracy: teacher-forced new/copy-j prediction (argmax) on test segments after the first;
  pointer_accuracy_always_new: the same for a model that never predicts a repeat; pointer_nll
  (nats per segment) and z_nll (per latent dimension, standardized; z_nll_marginal: the training
  latents' own Gaussian) on test.
- tf_accuracy / recon_accuracy: the 2-bar VAE's own figures (``models/vae/metrics.py``) on the
  segments of the 16-bar test phrases: this model adds no reconstruction of its own.
- sample16_ms: median wall time to write one 16-bar phrase ('any style', temperature 1).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from latentroll.models.eval.repetition import repetition_oa
from latentroll.models.eval.timing import median_ms
from latentroll.models.eval.yang_lerch import compare_sets
from latentroll.models.vae.evaluate import chained_samples
from latentroll.models.vae.metrics import reconstruction_metrics
from latentroll.models.vae.phrases import BAR_STEPS

from .data import NEW, StructureData, structure_data
from .network import gaussian_nll
from .service import PhraseStructureService
from .train import phrase_losses, segment_encoder


@dataclass(frozen=True)
class EvalConfig:
    pieces: int = 200
    recon_segments: int = 4000
    timing_repeats: int = 5
    seed: int = 0


def _oa(ref: np.ndarray, gen: np.ndarray) -> dict[str, float]:
    return {k: round(v["oa"], 4) for k, v in compare_sets(ref, gen).items()}


@torch.no_grad()
def pointer_figures(svc: PhraseStructureService, data: StructureData) -> dict:
    """Teacher-forced pointer and latent figures on the test phrases."""
    test, net = data.test, svc.model
    z = torch.as_tensor(test.latents)
    labels = torch.as_tensor(test.labels)
    style = torch.as_tensor(test.styles)
    m = phrase_losses(net, z, labels, style)
    new = test.labels == NEW
    zs = net.standardize(z)
    marginal = gaussian_nll(zs, torch.zeros(()), torch.zeros(()))[torch.as_tensor(new)].mean()
    return {"pointer_accuracy": round(float(m["pointer_accuracy"]), 4),
            "pointer_accuracy_always_new": round(float(new[:, 1:].mean()), 4),
            "pointer_nll": round(float(m["pointer"]), 4),
            "z_nll": round(float(m["z_nll"]), 4), "z_nll_marginal": round(float(marginal), 4)}


def evaluate_structure(svc: PhraseStructureService, data: StructureData, cfg: EvalConfig = EvalConfig()) -> dict:
    """Every figure of the card, measured on what the service writes."""
    rng = np.random.default_rng(cfg.seed)
    test = data.test
    bars = svc.max_bars
    out: dict = {"test_phrases": len(test), "test_tunes": int(len(np.unique(test.tunes))), "bars": bars,
                 "copy_share_test": round(float((test.labels > NEW).mean()), 4)}
    out.update(pointer_figures(svc, data))

    n = min(cfg.pieces, len(test))
    ref = test.events[rng.permutation(len(test))[:n]]
    ph = svc.generate_events(n, None, 1.0, bars, seed=cfg.seed)
    chained = chained_samples(svc.vae, n, bars * BAR_STEPS, cfg.seed)
    out["copy_share_samples"] = round(float((ph.labels > NEW).mean()), 4)
    out["repetition_oa"] = round(repetition_oa(ref, ph.events)["oa"], 4)
    out["repetition_oa_chained"] = round(repetition_oa(ref, chained)["oa"], 4)
    out["oa"] = _oa(ref, ph.events)
    out["oa_min"] = min(out["oa"].values())
    out["oa_min_chained"] = min(_oa(ref, chained).values())

    seg = test.segments.reshape(-1, test.segments.shape[-1])
    pick = np.sort(rng.permutation(len(seg))[: cfg.recon_segments])
    rec = reconstruction_metrics(svc.vae.model, seg[pick], greedy_limit=cfg.recon_segments)
    out["tf_accuracy"], out["recon_accuracy"] = rec["tf_accuracy"], rec["recon_accuracy"]
    out["sample16_ms"] = median_ms(lambda: svc.generate_events(1, None, 1.0, bars, seed=1), cfg.timing_repeats)
    out["torch_threads"] = torch.get_num_threads()
    out["new_latents"] = svc.new_latents
    return {k: (round(v, 4) if isinstance(v, float) and math.isfinite(v) else v) for k, v in out.items()}


def evaluate_cli(model_dir: Path | None, corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry: load the shipped (or given) model with its VAE, measure."""
    svc = PhraseStructureService.load(model_dir)
    data = structure_data(corpus, svc.cfg, segment_encoder(svc.vae.model))  # the VAE the service decodes with
    cfg = EvalConfig(pieces=40, recon_segments=300, timing_repeats=2) if quick else EvalConfig()
    res = evaluate_structure(svc, data, cfg)
    res["model"] = svc.name
    return res
