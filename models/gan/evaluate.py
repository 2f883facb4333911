"""``latentroll eval gan``: the melody GAN's figures against held-out test windows (and the VAE).

Definitions (also in docs/models.md):
- Samples: ``samples`` 2-bar melodies with the 'any style' label at the service's temperature 1
  (raw softmax temperature ``TEMPERATURE_SCALE``; bar 2 conditioned on bar 1), for the GAN; as
  many 'any style' samples (latents drawn as the VAE service draws them, temperature 1) for the
  shipped VAE, if its weights are there (else its entries are null); ``samples`` test windows
  for data.
- eb, upc, qn: MuseGAN's empty-bar share, used pitch classes per non-empty bar and qualified-note
  share (≥ 3 steps), each as {data, gan, vae} (``models/eval/musegan.py``); ``gan_gap``: the GAN's
  relative distance from the data on each (goal ≤ 0.1).
- oa / oa_min: Yang–Lerch overlapping area per feature, GAN samples vs test windows.
- copies: GAN samples identical, step for step, to a training window (``copies_share`` of all);
  ``bar_copies_share``: share of generated bars identical to a bar of a training window.
- generate64_ms: median wall time to generate 64 2-bar melodies on this machine's CPU threads.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from latentroll.models.data.splits import MelodyData, melody_data
from latentroll.models.eval.musegan import musegan_metrics
from latentroll.models.eval.timing import median_ms
from latentroll.models.eval.yang_lerch import compare_sets

from .sampling import sample_melodies
from .service import TEMPERATURE_SCALE, MelodyGANService


@dataclass(frozen=True)
class EvalConfig:
    samples: int = 1000
    oa_pieces: int = 200
    timing_repeats: int = 5
    seed: int = 0


def vae_samples(n: int, window: int, seed: int) -> np.ndarray | None:
    """'Any style' samples of the shipped VAE, drawn as its service draws them; None when its
    weights are not shipped."""
    from latentroll.models.registry import entry
    from latentroll.models.vae.service import MelodyVAEService

    if not (entry("vae").model_dir() / "model.safetensors").exists():
        return None
    svc = MelodyVAEService.load()
    if svc.cfg.window != window:
        return None
    z = svc.prior_latents(n, None, np.random.default_rng(seed))  # as its "any style" generate draws
    return svc.decode_events(z, temperature=1.0, seed=seed)


def _rows(a: np.ndarray) -> set[bytes]:
    return {r.tobytes() for r in np.ascontiguousarray(a, dtype=np.uint8)}


@torch.no_grad()
def evaluate_gan(svc: MelodyGANService, data: MelodyData, cfg: EvalConfig = EvalConfig(),
                 vae: np.ndarray | None = None) -> dict:
    """Every figure of the card for the service's GAN; ``vae`` holds the shipped VAE's samples
    for the comparison column (``vae_samples``)."""
    model = svc.model
    model.eval()
    rng = np.random.default_rng(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    bar = model.cfg.bar
    test = data.test.events[rng.permutation(len(data.test))[: cfg.samples]]
    gan = sample_melodies(model, cfg.samples, 2, None, TEMPERATURE_SCALE, gen)  # what temperature 1 means
    sets = {"data": musegan_metrics(test, bar), "gan": musegan_metrics(gan, bar),
            "vae": musegan_metrics(vae, bar) if vae is not None else None}
    out: dict = {"samples": cfg.samples, "test_windows": int(len(data.test))}
    for k in ("eb", "upc", "qn"):
        out[k] = {name: (m[k] if m is not None else None) for name, m in sets.items()}
    out["gan_gap"] = {k: abs(sets["gan"][k] - sets["data"][k]) / max(abs(sets["data"][k]), 1e-2)
                      for k in ("eb", "upc", "qn")}
    oa = compare_sets(test[: cfg.oa_pieces], gan[: cfg.oa_pieces])
    out["oa"] = {k: round(v["oa"], 4) for k, v in oa.items()}
    out["oa_min"] = min(out["oa"].values())
    train = data.train.events
    seen = _rows(train)
    out["copies"] = sum(r.tobytes() in seen for r in gan.astype(np.uint8))
    out["copies_share"] = out["copies"] / len(gan)
    train_bars = _rows(np.concatenate([train[:, :bar], train[:, bar: 2 * bar]]))
    gan_bars = np.concatenate([gan[:, :bar], gan[:, bar: 2 * bar]]).astype(np.uint8)
    out["bar_copies_share"] = float(np.mean([r.tobytes() in train_bars for r in gan_bars]))
    out["generate64_ms"] = median_ms(lambda: sample_melodies(model, 64, 2, None, TEMPERATURE_SCALE, gen),
                                     cfg.timing_repeats)
    out["temperature_scale"] = TEMPERATURE_SCALE
    out["torch_threads"] = torch.get_num_threads()
    return out


def evaluate_cli(model_dir: Path | None, corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry: load the shipped (or given) GAN and measure it."""
    svc = MelodyGANService.load(model_dir)
    cfg = EvalConfig(samples=200, oa_pieces=60, timing_repeats=1) if quick else EvalConfig()
    res = evaluate_gan(svc, melody_data(corpus, svc.cfg), cfg,
                       vae=vae_samples(cfg.samples, svc.cfg.window, cfg.seed))
    res["model"] = svc.name
    return res
