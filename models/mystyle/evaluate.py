"""``latentroll eval mystyle``: does a My style fitted on a few tunes sample more like them?

For each corpus style S in turn, K test tunes of S (the shared split's test part: the VAE never
saw them) play "the user's melodies"; a My style is fitted on their windows. Samples of that My
style, of the base model's "any style" and of the corpus style S itself (each drawn and decoded
as the service draws and decodes them, temperature 1) are compared with the windows of the
OTHER test tunes of S (never fitted on):

- oa_*: Yang–Lerch overlapping area (``models/eval/yang_lerch.py``; the VAE card's five
  features), the mean over the features; oa_gain = oa_mystyle − oa_any (target ≥ 0.1).
- latent_dist_*: mean Euclidean distance from each drawn latent to its nearest held-out latent;
  latent_dist_real: the same for the fitted tunes' own latents (what real tunes of S score: lower
  is not better below it, draws near the centre of a style sit near everything).
- copy_rate_mystyle: share of My style samples identical to a window fitted on; copy_rate_real:
  the same for the held-out tunes' windows (stock phrases that real tunes of S share).
- fit_seconds: encoding the K tunes' windows and fitting, on this machine's torch threads.

Every method of ``model.METHODS`` is measured (``methods``); the ``*_mystyle`` keys are the
shipped default (``DEFAULT_METHOD``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from latentroll.models.data.splits import build_windows, split_ids
from latentroll.models.eval.yang_lerch import compare_sets
from latentroll.models.vae.export import encode_windows

from .model import DEFAULT_METHOD, METHODS


@dataclass(frozen=True)
class MyStyleEvalConfig:
    user_tunes: int = 20      # K: the tunes fitted on ("the user's melodies")
    samples: int = 200        # clips sampled per method and style
    reference: int = 200      # held-out windows compared against (at most)
    styles: tuple[str, ...] | None = None  # default: every corpus style
    seed: int = 0


def mean_oa(reference: np.ndarray, samples: np.ndarray) -> tuple[float, dict[str, float]]:
    per = {k: v["oa"] for k, v in compare_sets(reference, samples).items()}
    return float(np.mean(list(per.values()))), per


def nearest_distance(z: np.ndarray, bank: np.ndarray) -> float:
    d2 = (z ** 2).sum(1)[:, None] + (bank ** 2).sum(1)[None] - 2 * z @ bank.T
    return float(np.sqrt(np.maximum(d2.min(1), 0)).mean())


def copy_rate(samples: np.ndarray, fitted: np.ndarray) -> float:
    """Share of sampled clips identical to one of the fitted windows (a copy, not a new phrase)."""
    seen = {bytes(w) for w in np.asarray(fitted, np.uint8)}
    return float(np.mean([bytes(s) in seen for s in np.asarray(samples, np.uint8)]))


def evaluate_style(svc, corpus, style: str, cfg: MyStyleEvalConfig = MyStyleEvalConfig()) -> dict:
    """The figures for corpus style ``style`` (see the module docstring)."""
    rng = np.random.default_rng(cfg.seed)
    test = set(split_ids(corpus)["test"])
    tunes = sorted((t for t in corpus.tunes if t.style == style and t.tune_id in test), key=lambda t: t.tune_id)
    tunes = [tunes[i] for i in rng.permutation(len(tunes))]
    names = list(svc.cfg.styles)
    k = min(cfg.user_tunes, len(tunes) // 2)  # a small corpus (the test fixture) keeps half held out
    user = build_windows(tunes[:k], names, _spec(svc))
    held = build_windows(tunes[k:], names, _spec(svc))
    if len(user) == 0 or len(held) == 0:
        raise ValueError(f"style {style}: too few test tunes with notes ({len(tunes)})")
    ref = held.events[rng.permutation(len(held))[: cfg.reference]]
    held_z = encode_windows(svc.model, held.events)
    user_z = encode_windows(svc.model, user.events)

    def decoded(z: np.ndarray, label: str | None) -> np.ndarray:
        return svc.decode_in_style(z, label, 1.0, None, int(rng.integers(2 ** 31)))

    out: dict = {"user_tunes": k, "held_out_tunes": len(tunes) - k,
                 "user_windows": int(len(user)), "methods": {}}
    for method in METHODS:
        t0 = time.perf_counter()
        model = svc.fit_my_style(encode_windows(svc.model, user.events), user.events, method)
        fit_s = time.perf_counter() - t0
        z = model.sample(cfg.samples, rng)  # what the service draws and decodes for a user's style
        ev = svc.decode_my_style(z, model, 1.0, None, int(rng.integers(2 ** 31)))
        oa, per = mean_oa(ref, ev)
        out["methods"][method] = {"oa": round(oa, 4), "oa_per_feature": {k: round(v, 4) for k, v in per.items()},
                                  "latent_dist": round(nearest_distance(z, held_z), 4),
                                  "copy_rate": round(copy_rate(ev, user.events), 4),
                                  "fit_seconds": round(fit_s, 4), "base_style": model.base_style}
    for key, label in (("any", None), ("corpus_style", style)):
        z = svc.prior_latents(cfg.samples, label, rng)
        oa, per = mean_oa(ref, decoded(z, label))
        out[f"oa_{key}"] = round(oa, 4)
        out[f"oa_{key}_per_feature"] = {k: round(v, 4) for k, v in per.items()}
        out[f"latent_dist_{key}"] = round(nearest_distance(z, held_z), 4)
    out["latent_dist_real"] = round(nearest_distance(user_z, held_z), 4)
    out["copy_rate_real"] = round(copy_rate(held.events, user.events), 4)
    mine = out["methods"][DEFAULT_METHOD]
    out.update(oa_mystyle=mine["oa"], latent_dist_mystyle=mine["latent_dist"], fit_seconds=mine["fit_seconds"],
               copy_rate_mystyle=mine["copy_rate"],
               base_style=mine["base_style"], oa_gain=round(mine["oa"] - out["oa_any"], 4))
    return out


def _spec(svc):
    from latentroll.models.data.melody import WindowSpec

    return WindowSpec(length=svc.cfg.window)


def evaluate_my_style(svc, corpus, cfg: MyStyleEvalConfig = MyStyleEvalConfig(), progress=None) -> dict:
    """Every style's figures (``styles``) and their means (the top-level keys)."""
    styles = list(cfg.styles or svc.cfg.styles)
    per = {}
    for i, s in enumerate(styles):
        per[s] = evaluate_style(svc, corpus, s, cfg)
        if progress is not None:
            progress(i + 1, len(styles))
    keys = ("oa_mystyle", "oa_any", "oa_corpus_style", "oa_gain", "latent_dist_mystyle", "latent_dist_any",
            "latent_dist_corpus_style", "latent_dist_real", "copy_rate_mystyle", "copy_rate_real", "fit_seconds")
    out: dict = {k: round(float(np.mean([per[s][k] for s in styles])), 4) for k in keys}
    out["fit_seconds_max"] = max(per[s]["fit_seconds"] for s in styles)
    out["method"] = DEFAULT_METHOD
    out["methods"] = {m: {"oa": round(float(np.mean([per[s]["methods"][m]["oa"] for s in styles])), 4),
                          "oa_gain": round(float(np.mean([per[s]["methods"][m]["oa"] - per[s]["oa_any"]
                                                          for s in styles])), 4),
                          "latent_dist": round(float(np.mean([per[s]["methods"][m]["latent_dist"]
                                                              for s in styles])), 4),
                          "copy_rate": round(float(np.mean([per[s]["methods"][m]["copy_rate"]
                                                            for s in styles])), 4)}
                      for m in METHODS}
    out["config"] = {"user_tunes": cfg.user_tunes, "samples": cfg.samples, "reference": cfg.reference,
                     "seed": cfg.seed}
    out["styles"] = per
    return out


def evaluate_cli(model_dir: Path | None, corpus, quick: bool = False) -> dict:
    """Load the shipped (or given) melody VAE and measure (``quick``: 3 styles, fewer samples)."""
    from latentroll.models.vae.service import MelodyVAEService

    svc = MelodyVAEService.load(model_dir)
    cfg = MyStyleEvalConfig(samples=60, reference=80, styles=tuple(svc.cfg.styles[:3])) if quick \
        else MyStyleEvalConfig()
    res = evaluate_my_style(svc, corpus, cfg)
    res["model"] = svc.name
    return res
