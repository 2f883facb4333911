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
  segments of the 16-bar test phrases: this model adds no reconstruction of its own. A 16-bar phrase
  is coded as 8 latents of 256 (MusicVAE's hierarchical model: one of 512), so these are not
  comparable with a single-latent 16-bar decoder's.
- style_fidelity: share of 16-bar phrases written in style S (temperature 1) that the style
  classifier labels S, all styles pooled.
- The app reads a 16-bar phrase to interpolate, blend or transfer through the phrase model the
  route picks (``app/calls/phrases.py``: the 4-bar VAE, 4 segments); ``long_vae`` is that model:
  lm_midpoint_ratio: LSTM NLL per step of the midpoints of 16-bar interpolations between test
  phrases (``interpolate(bars=16)``, greedy) over that of the decoded ends; interp16_ms: median time
  of one 16-point interpolation between two 16-bar phrases. decode64_ms: median time to write 64
  16-bar phrases (plan and greedy decoding, 'any style').
- repetition_oa_chained: chained clips of ``long_vae`` (the 4-bar VAE when shipped, the issue's
  baseline); repetition_oa_chained_segments: chained clips of this model's own 2-bar VAE.
- sample16_ms: median wall time to write one 16-bar phrase ('any style', temperature 1).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from latentroll.models.data.tracks import events_to_track, track_events
from latentroll.models.eval.repetition import repetition_oa
from latentroll.models.eval.timing import median_ms
from latentroll.models.eval.yang_lerch import compare_sets
from latentroll.models.style_classifier.service import StyleClassifierService
from latentroll.models.vae.evaluate import chained_samples, shipped_chain_model, shipped_judge, shipped_lm_nll
from latentroll.models.vae.metrics import reconstruction_metrics
from latentroll.models.vae.phrases import BAR_STEPS
from latentroll.models.vae.service import MelodyVAEService

from .data import NEW, StructureData, structure_data
from .network import gaussian_nll
from .service import PhraseStructureService
from .train import phrase_losses, segment_encoder


@dataclass(frozen=True)
class EvalConfig:
    pieces: int = 200
    recon_segments: int = 4000
    timing_repeats: int = 5
    samples_per_style: int = 50
    interp_pairs: int = 50
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


def style_fidelity(svc: PhraseStructureService, judge: StyleClassifierService, per_style: int, bars: int,
                   seed: int) -> dict:
    """Share of phrases written in each style that ``judge`` labels that style (pooled and per style)."""
    labels = list(judge.cfg.styles)
    hits = {name: float((judge.classify(svc.generate_events(per_style, name, 1.0, bars, seed=seed + i).events)
                         == labels.index(name)).mean()) for i, name in enumerate(svc.cfg.styles) if name in labels}
    return {"style_fidelity": round(float(np.mean(list(hits.values()))), 4),
            "style_fidelity_per_style": {k: round(v, 4) for k, v in hits.items()}}


def long_phrase_figures(long_vae: MelodyVAEService, events: np.ndarray, bars: int, pairs: int,
                        lm_nll: Callable[[np.ndarray], np.ndarray] | None, repeats: int, seed: int) -> dict:
    """lm_midpoint_ratio and interp16_ms of ``bars``-bar phrases interpolated as the app does it
    (``long_vae.interpolate(bars=bars)``, segment by segment, greedy)."""
    rng = np.random.default_rng(seed)
    steps = bars * BAR_STEPS
    tracks = [events_to_track(e, f"phrase {i}") for i, e in enumerate(events)]
    idx = rng.integers(0, len(tracks), size=(pairs, 2))
    out = {}
    if lm_nll is not None:
        ends, mids = [], []
        for i, j in idx:
            a, mid, b = (track_events(t, 0, steps)[0] for t in long_vae.interpolate(tracks[i], tracks[j], 3, bars=bars))
            ends += [a, b]
            mids.append(mid)
        out["lm_midpoint_ratio"] = round(float(lm_nll(np.stack(mids)).mean() / lm_nll(np.stack(ends)).mean()), 4)
    a, b = tracks[idx[0, 0]], tracks[idx[0, 1]]
    out["interp16_ms"] = median_ms(lambda: long_vae.interpolate(a, b, 16, bars=bars), repeats)
    return out


def evaluate_structure(svc: PhraseStructureService, data: StructureData, cfg: EvalConfig = EvalConfig(),
                       judge: StyleClassifierService | None = None,
                       lm_nll: Callable[[np.ndarray], np.ndarray] | None = None,
                       long_vae: MelodyVAEService | None = None) -> dict:
    """Every figure of the card, measured on what the service writes; ``judge`` adds style
    fidelity, ``long_vae`` (the model the app interpolates 16-bar phrases with) the
    interpolation figures and the chained baseline."""
    rng = np.random.default_rng(cfg.seed)
    test = data.test
    bars = svc.max_bars
    out: dict = {"test_phrases": len(test), "test_tunes": int(len(np.unique(test.tunes))), "bars": bars,
                 "copy_share_test": round(float((test.labels > NEW).mean()), 4)}
    out.update(pointer_figures(svc, data))

    n = min(cfg.pieces, len(test))
    ref = test.events[rng.permutation(len(test))[:n]]
    ph = svc.generate_events(n, None, 1.0, bars, seed=cfg.seed)
    own = chained_samples(svc.vae, n, bars * BAR_STEPS, cfg.seed)
    chained = own if long_vae is None else chained_samples(long_vae, n, bars * BAR_STEPS, cfg.seed)
    out["copy_share_samples"] = round(float((ph.labels > NEW).mean()), 4)
    out["repetition_oa"] = round(repetition_oa(ref, ph.events)["oa"], 4)
    out["repetition_oa_chained"] = round(repetition_oa(ref, chained)["oa"], 4)
    out["repetition_oa_chained_segments"] = round(repetition_oa(ref, own)["oa"], 4)
    out["chained_model"] = (long_vae or svc.vae).name
    out["oa"] = _oa(ref, ph.events)
    out["oa_min"] = min(out["oa"].values())
    out["oa_min_chained"] = min(_oa(ref, chained).values())
    if judge is not None:
        out.update(style_fidelity(svc, judge, cfg.samples_per_style, bars, cfg.seed))
    if long_vae is not None:
        out.update(long_phrase_figures(long_vae, test.events, bars, cfg.interp_pairs, lm_nll, cfg.timing_repeats,
                                       cfg.seed))

    seg = test.segments.reshape(-1, test.segments.shape[-1])
    pick = np.sort(rng.permutation(len(seg))[: cfg.recon_segments])
    rec = reconstruction_metrics(svc.vae.model, seg[pick], greedy_limit=cfg.recon_segments)
    out["tf_accuracy"], out["recon_accuracy"] = rec["tf_accuracy"], rec["recon_accuracy"]
    out["sample16_ms"] = median_ms(lambda: svc.generate_events(1, None, 1.0, bars, seed=1), cfg.timing_repeats)
    out["decode64_ms"] = median_ms(lambda: svc.generate_events(64, None, 0.0, bars, seed=1), cfg.timing_repeats)
    out["torch_threads"] = torch.get_num_threads()
    out["new_latents"] = svc.new_latents
    return {k: (round(v, 4) if isinstance(v, float) and math.isfinite(v) else v) for k, v in out.items()}


def evaluate_cli(model_dir: Path | None, corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry: load the shipped (or given) model with its VAE, measure."""
    svc = PhraseStructureService.load(model_dir)
    data = structure_data(corpus, svc.cfg, segment_encoder(svc.vae.model), svc.whitening)  # the VAE it decodes with
    cfg = EvalConfig(pieces=40, recon_segments=300, timing_repeats=2, samples_per_style=8, interp_pairs=8) \
        if quick else EvalConfig()
    res = evaluate_structure(svc, data, cfg, shipped_judge(), shipped_lm_nll(), shipped_chain_model())
    res["model"] = svc.name
    return res
