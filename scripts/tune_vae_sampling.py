"""Choose the VAE's sampling defaults (latent spread, style candidates) on the VALIDATION split.

The test split stays untouched: this prints OA (min over the Yang–Lerch features) and style
fidelity for a grid of (spread, temperature, candidates) against validation windows, drawing
latents exactly as the service does, so the chosen defaults (constants in models/vae/service.py)
are fixed before `latentroll eval vae` measures them once on test.

    python scripts/tune_vae_sampling.py [--pieces 400] [--per-style 100]
"""
from __future__ import annotations

import argparse
import itertools
import json

import numpy as np
import torch


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pieces", type=int, default=400)
    ap.add_argument("--per-style", type=int, default=100)
    ap.add_argument("--spreads", default="0.5,0.7,0.85,1.0")
    ap.add_argument("--temperatures", default="0.6,0.8,1.0")
    ap.add_argument("--candidates", default="1,32,128", help="STYLE_CANDIDATES values (needs a shipped critic)")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    from latentroll.models.data.corpus import load_corpus
    from latentroll.models.eval.yang_lerch import compare_sets
    from latentroll.models.style_classifier.service import StyleClassifierService
    from latentroll.models.vae import service as vae_service
    from latentroll.models.vae.service import MelodyVAEService
    from latentroll.models.vae.train import melody_data

    svc = MelodyVAEService.load()
    data = melody_data(load_corpus(), svc.cfg)
    valid = data.valid
    judge = StyleClassifierService.load()
    model = svc.model
    styles = svc.cfg.styles
    grid = itertools.product(map(float, a.spreads.split(",")), map(float, a.temperatures.split(",")),
                             map(int, a.candidates.split(",")))
    for spread, temp, cands in grid:
        vae_service.SAMPLE_SPREAD, vae_service.STYLE_CANDIDATES = spread, cands  # what the service reads
        rng = np.random.default_rng(0)
        gen = torch.Generator().manual_seed(0)
        zs = torch.as_tensor(svc.prior_latents(a.pieces, None, rng))
        any_style = torch.full((a.pieces,), svc.cfg.any_style, dtype=torch.long)
        samples = model.decode(zs, any_style, svc.cfg.window, temperature=temp, generator=gen).numpy()
        ref = valid.events[rng.permutation(len(valid))[: a.pieces]]
        oa = {k: round(v["oa"], 3) for k, v in compare_sets(ref, samples).items()}
        hits = 0
        for s, name in enumerate(styles):
            zz = torch.as_tensor(svc.prior_latents(a.per_style, name, rng))
            st = torch.full((a.per_style,), s, dtype=torch.long)
            ev = model.decode(zz, st, svc.cfg.window, temperature=temp, generator=gen).numpy()
            hits += int((judge.classify(ev) == s).sum())
        print(json.dumps({"spread": spread, "temperature": temp, "style_candidates": cands,
                          "oa_min": min(oa.values()), "oa": oa,
                          "style_fidelity": round(hits / (a.per_style * len(styles)), 3)}), flush=True)

if __name__ == "__main__":
    main()
