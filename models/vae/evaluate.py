"""``latentroll eval vae``: every figure the model card reports, on the held-out test split.

Definitions (also in docs/models.md):
- tf_accuracy / recon_accuracy: share of 16th steps whose event is reproduced, teacher-forced /
  greedily decoded from z = μ with the 'any style' label, over test windows.
- kl: mean KL(q(z|x) || N(0, I)) in nats per window.
- interp_monotone: share of A→B latent paths (11 points, greedy decode, the path the service
  interpolates along: slerp with its inner points pulled ``INTERP_PULL`` toward corpus latents)
  along which the Hamming distance to A's decoding never drops by more than one step from one
  point to the next.
- oa: Yang–Lerch overlapping area per feature, "any style" samples (temperature 1, latents drawn as
  the service draws them) vs test windows.
- style_fidelity: share of samples asked in style S that the style classifier labels S (all styles
  pooled, equal samples per style), sampled as the service samples at temperature 1 (style
  Gaussian, latent critic, best of ``STYLE_DECODINGS`` decodings); classifier_accuracy: its
  accuracy on real test windows.
- lm_midpoint_ratio: mean NLL per step, under the shipped LSTM language model ('any style'), of
  the greedy decodings of the interpolation paths' midpoints (as above) divided by that of the
  decoded endpoints, over the interpolation pairs (goal ≤ 1.2: a midpoint is about as plausible
  as its ends); lm_midpoint_ratio_mixing: the same for naive data-space mixing (each 16th step
  taken from A or B at random) against the original windows. Only when LSTM weights are shipped.
- repetition_oa (models of 8 bars or more): OA of the bar-to-bar self-similarity matrices
  (``models/eval/repetition.py``) of 'any style' samples against test phrases; repetition_oa_chained:
  the same for phrases of as many bars chained by a shorter shipped model (its ``generate``), the
  baseline a structure model must beat.
- decode64_ms / interp16_ms: median wall time to decode 64 latents / to encode 2 clips and decode a
  16-step interpolation, on this machine's CPU threads.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from latentroll.models.data.tracks import track_events
from latentroll.models.eval.repetition import repetition_oa
from latentroll.models.eval.timing import median_ms
from latentroll.models.eval.yang_lerch import compare_sets
from latentroll.models.style_classifier.evaluate import balanced_accuracy
from latentroll.models.style_classifier.service import StyleClassifierService

from . import latent as lat
from .export import encode_windows
from .metrics import reconstruction_metrics
from .network import MelodyVAE
from .service import MelodyVAEService
from .train import MelodyData


@dataclass(frozen=True)
class EvalConfig:
    recon_windows: int = 4000
    interp_pairs: int = 200
    oa_pieces: int = 200
    samples_per_style: int = 100
    timing_repeats: int = 15
    seed: int = 0


PathFn = Callable[[np.ndarray, np.ndarray, int], np.ndarray]


def slerp_path(a: np.ndarray, b: np.ndarray, points: int) -> np.ndarray:
    """The plain slerp path (a model shipped without corpus latents interpolates this way)."""
    return lat.path(a, b, points, "slerp")


def hamming_monotone(model: MelodyVAE, za: np.ndarray, zb: np.ndarray, points: int = 11,
                     path: PathFn = slerp_path) -> np.ndarray:
    """For each pair, whether the distance to A never drops by more than one step along the path."""
    ok = []
    style = torch.full((points,), model.cfg.any_style, dtype=torch.long)
    for a, b in zip(za, zb):
        z = torch.as_tensor(path(a, b, points), dtype=torch.float32)
        dec = model.decode(z, style, model.cfg.window).numpy()
        d = (dec != dec[0]).sum(1)
        ok.append(bool((np.diff(d) >= -1).all()))
    return np.array(ok)


@torch.no_grad()
def lm_midpoint_ratios(model: MelodyVAE, lm_nll: Callable[[np.ndarray], np.ndarray], a: np.ndarray, b: np.ndarray,
                       za: np.ndarray, zb: np.ndarray, seed: int = 0, path: PathFn = slerp_path) -> dict[str, float]:
    """Midpoint-to-endpoint NLL ratios under a language model: the latent path vs data-space mixing.

    ``lm_nll(events (n, steps)) -> (n,)`` mean NLL per step; a/b windows and za/zb their latents.
    """
    style = torch.full((len(a),), model.cfg.any_style, dtype=torch.long)
    mid = np.stack([path(x, y, 3)[1] for x, y in zip(za, zb)]).astype(np.float32)
    dec = [model.decode(torch.as_tensor(z, dtype=torch.float32), style, model.cfg.window).numpy()
           for z in (za, zb, mid)]
    ends = (lm_nll(dec[0]) + lm_nll(dec[1])) / 2
    take_a = np.random.default_rng(seed).random(a.shape) < 0.5
    mixed = np.where(take_a, a, b)
    return {"lm_midpoint_ratio": float(lm_nll(dec[2]).mean() / ends.mean()),
            "lm_midpoint_ratio_mixing": float(lm_nll(mixed).mean() / ((lm_nll(a) + lm_nll(b)) / 2).mean())}


@torch.no_grad()
def evaluate_vae(svc: MelodyVAEService, data: MelodyData, judge: StyleClassifierService | None,
                 cfg: EvalConfig = EvalConfig(), lm_nll: Callable[[np.ndarray], np.ndarray] | None = None,
                 chained: MelodyVAEService | None = None) -> dict:
    """Every figure of the card, measured the way the service works: it samples clips in a style
    (temperature 1), draws latents in no particular style and interpolates (interp_monotone, the
    LM midpoint ratio and interp16_ms follow its path). ``judge`` labels styles (style_fidelity);
    ``lm_nll`` (events → NLL per step) adds the LM midpoint ratios."""
    model = svc.model
    path = svc.interpolation_path
    model.eval()
    rng = np.random.default_rng(cfg.seed)
    test = data.test
    pick = np.sort(rng.permutation(len(test))[: cfg.recon_windows])
    out: dict = {"test_windows": int(len(pick)), "test_tunes": int(len(np.unique(test.tunes)))}
    out.update({k: v for k, v in reconstruction_metrics(model, test.events[pick]).items() if k != "loss"})

    # interpolation smoothness between random test windows of different tunes
    pairs = rng.integers(0, len(test), size=(cfg.interp_pairs, 2))
    z = encode_windows(model, test.events[pairs.ravel()]).reshape(cfg.interp_pairs, 2, -1)
    out["interp_monotone"] = float(hamming_monotone(model, z[:, 0], z[:, 1], path=path).mean())
    if lm_nll is not None:
        out.update(lm_midpoint_ratios(model, lm_nll, test.events[pairs[:, 0]], test.events[pairs[:, 1]],
                                      z[:, 0], z[:, 1], cfg.seed, path))

    # new material (what "generate, any style" draws) vs test set
    zs = torch.as_tensor(svc.prior_latents(cfg.oa_pieces, None, rng), dtype=torch.float32)
    gen = torch.Generator().manual_seed(cfg.seed)
    any_style = torch.full((cfg.oa_pieces,), model.cfg.any_style, dtype=torch.long)
    samples = model.decode(zs, any_style, model.cfg.window, temperature=1.0, generator=gen).numpy()
    ref = test.events[rng.permutation(len(test))[: cfg.oa_pieces]]
    oa = compare_sets(ref, samples)
    out["oa"] = {k: round(v["oa"], 4) for k, v in oa.items()}
    out["oa_kl"] = {k: round(v["kl"], 4) for k, v in oa.items()}
    out["oa_min"] = min(out["oa"].values())
    if model.cfg.window >= REPETITION_MIN_STEPS:
        out["repetition_oa"] = round(repetition_oa(ref, samples)["oa"], 4)
        if chained is not None:
            out["repetition_oa_chained"] = round(repetition_oa(ref, chained_samples(
                chained, len(samples), model.cfg.window, cfg.seed))["oa"], 4)

    if judge is not None:
        n_styles = len(model.cfg.styles)
        real_pred = judge.classify(test.events)
        out["classifier_accuracy"] = float((real_pred == test.styles).mean())
        out["classifier_balanced_accuracy"] = balanced_accuracy(real_pred, test.styles, n_styles)
        per_style = {}
        hits = 0
        for s, name in enumerate(model.cfg.styles):
            # what the service does for "sample in style S"
            ev = svc.sample_events(cfg.samples_per_style, name, 1.0, None, rng, int(rng.integers(2 ** 31)))
            h = int((judge.classify(ev) == s).sum())
            per_style[name] = h / cfg.samples_per_style
            hits += h
        out["style_fidelity"] = hits / (cfg.samples_per_style * n_styles)
        out["style_fidelity_per_style"] = per_style

    out.update(speed_metrics(model, test.events[:2], cfg.timing_repeats, path))
    out["torch_threads"] = torch.get_num_threads()
    out["compiled_loop"] = bool(model.step_decoder is not None and model.step_decoder.native)  # see native_loop.py
    return out


REPETITION_MIN_STEPS = 8 * 16  # phrase structure is measured on models of 8 bars or more


def chained_samples(short: MelodyVAEService, n: int, steps: int, seed: int = 0) -> np.ndarray:
    """(n, steps) phrases written by a shorter model chaining its clips (its ``generate``, any
    style, temperature 1): what a structure model is compared with."""
    tracks = short.generate(n, bars=steps // 16, temperature=1.0, seed=seed)
    return np.stack([track_events(t, 0, steps)[0] if len(t.notes) else np.ones(steps, np.uint8) for t in tracks])


def speed_metrics(model: MelodyVAE, two_windows: np.ndarray, repeats: int = 15,
                  path: PathFn = slerp_path) -> dict[str, float]:
    """decode64_ms: median time to greedily decode 64 latents; interp16_ms: to encode 2 windows
    and decode the 16-step path between them (also run alone by tests/benchmarks/bench_vae_speed.py)."""
    z64 = torch.randn(64, model.cfg.z_dim)
    st64 = torch.full((64,), model.cfg.any_style, dtype=torch.long)
    two = torch.as_tensor(np.asarray(two_windows).astype(np.int64))
    st16 = torch.full((16,), model.cfg.any_style, dtype=torch.long)

    def interp16():
        mu, _ = model.encode(two)
        zz = torch.as_tensor(path(mu[0].numpy(), mu[1].numpy(), 16), dtype=torch.float32)
        model.decode(zz, st16, model.cfg.window)

    with torch.no_grad():
        return {"decode64_ms": median_ms(lambda: model.decode(z64, st64, model.cfg.window), repeats),
                "interp16_ms": median_ms(interp16, repeats)}


def shipped_judge() -> StyleClassifierService | None:
    """The shipped style classifier, or None when it is not shipped."""
    from latentroll.models.registry import entry

    if not (entry("classifier").model_dir() / "model.safetensors").exists():
        return None
    return StyleClassifierService.load()


def shipped_lm_nll() -> Callable[[np.ndarray], np.ndarray] | None:
    """The shipped LSTM's per-step NLL of event windows, or None when no LSTM is shipped."""
    from latentroll.models.lstm.service import MelodyLSTMService
    from latentroll.models.registry import entry

    if not (entry("lstm").model_dir() / "model.safetensors").exists():
        return None
    return MelodyLSTMService.load().score


def shipped_chain_model() -> MelodyVAEService | None:
    """The longest shipped shorter melody VAE to chain (the 4-bar one once shipped, else the 2-bar)."""
    from latentroll.models.registry import entry

    for folder in (entry("vae_4bar").model_dir(), entry("vae").model_dir()):
        if (folder / "model.safetensors").exists():
            return MelodyVAEService.load(folder)
    return None


def evaluate_cli(model_dir: Path | None, corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry: load the shipped (or given) model and its judge, measure."""
    from .train import melody_data

    svc = MelodyVAEService.load(model_dir)
    data = melody_data(corpus, svc.cfg)
    cfg = EvalConfig(recon_windows=300, interp_pairs=20, oa_pieces=60, samples_per_style=20, timing_repeats=3) \
        if quick else EvalConfig()
    chained = shipped_chain_model() if svc.cfg.window >= REPETITION_MIN_STEPS else None
    res = evaluate_vae(svc, data, shipped_judge(), cfg, shipped_lm_nll(), chained)
    res["model"] = svc.name
    return res
