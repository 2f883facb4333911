"""``latentroll eval lstm``: the LSTM against an n-gram baseline on the held-out test tunes.

Definitions (also in the model card):
- nll / accuracy: mean next-event negative log-likelihood (nats per 16th step) and top-1
  accuracy of the LSTM over every step of every whole test tune (the tune's own style label);
  nll_any_style: the same with the "any style" label (what the app uses when no style is set).
- baseline_nll / baseline_accuracy: the same for an order-3 Markov chain over events with
  interpolated absolute-discounting backoff (``ngram.py``), fitted on the whole training tunes
  of the same split, its discount chosen on the validation tunes.
- nll_reduction: 1 - nll / baseline_nll (target ≥ 0.15).
- nll_per_style / baseline_nll_per_style: both models' nll on each style's test tunes.
- continue_ms: median wall time to continue a 2-bar clip by 8 bars in 4 variations.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from latentroll.core.song import Track
from latentroll.models.data.corpus import Corpus
from latentroll.models.data.melody import events_to_notes
from latentroll.models.data.sequences import SequenceData, sequence_data
from latentroll.models.eval.timing import median_ms

from .metrics import lm_metrics
from .ngram import fit_baseline
from .service import MelodyLSTMService


@dataclass(frozen=True)
class EvalConfig:
    test_tunes: int | None = None    # None: all
    valid_tunes: int = 300           # for choosing the n-gram discount
    timing_repeats: int = 10
    seed: int = 0


def _subset(seqs, limit: int | None, seed: int):
    if limit is None or limit >= len(seqs):
        return seqs
    return seqs.take(np.sort(np.random.default_rng(seed).permutation(len(seqs))[:limit]))


@torch.no_grad()
def evaluate_lstm(svc: MelodyLSTMService, data: SequenceData, cfg: EvalConfig = EvalConfig()) -> dict:
    """Every figure of the card; ``data`` from ``sequence_data(..., whole_train=True)``."""
    model = svc.model
    test = _subset(data.test, cfg.test_tunes, cfg.seed)
    out: dict = {"test_tunes": len(test), "test_steps": test.steps()}
    out.update({k: v for k, v in lm_metrics(model, test).items() if k != "loss"})
    out["nll_any_style"] = lm_metrics(model, test, style_label=model.cfg.any_style)["nll"]

    ngram = fit_baseline(data.train.rows(), _subset(data.valid, cfg.valid_tunes, cfg.seed).rows())
    base = ngram.score(test.rows())
    out["baseline_nll"] = base["nll"]
    out["baseline_accuracy"] = base["accuracy"]
    out["baseline_discount"] = ngram.discount
    out["nll_reduction"] = 1.0 - out["nll"] / base["nll"]

    per_style, base_per_style = {}, {}
    for s, name in enumerate(model.cfg.styles):
        part = test.take(np.flatnonzero(test.styles == s))
        if len(part):
            per_style[name] = round(lm_metrics(model, part)["nll"], 4)
            base_per_style[name] = round(ngram.score(part.rows())["nll"], 4)
    out["nll_per_style"] = per_style
    out["baseline_nll_per_style"] = base_per_style

    first = test.rows()[0][:32]
    clip = Track(name="clip", notes=events_to_notes(first))
    if len(clip.notes):
        out["continue_ms"] = median_ms(lambda: svc.continue_melody(clip, bars=8, variations=4, seed=0),
                                       cfg.timing_repeats)
    out["torch_threads"] = torch.get_num_threads()
    return out


def evaluate_cli(model_dir: Path | None, corpus: Corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry: load the shipped (or given) model, measure it."""
    svc = MelodyLSTMService.load(model_dir)
    cfg = EvalConfig(test_tunes=120, valid_tunes=60, timing_repeats=3) if quick else EvalConfig()
    res = evaluate_lstm(svc, sequence_data(corpus, svc.cfg, whole_train=True), cfg)
    res["model"] = svc.name
    return res
