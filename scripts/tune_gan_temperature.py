"""Choose what "temperature 1" means for the melody GAN, on the VALIDATION split.

A GAN's per-step softmax is not a calibrated likelihood: sampled as trained (raw temperature 1)
the shipped generator uses more pitch classes per bar and fewer long notes than the data. This
prints, for a grid of raw temperatures, the MuseGAN metrics of 2-bar 'any style' samples and
their relative gaps to validation windows, so `TEMPERATURE_SCALE` in models/gan/service.py can be
set before `latentroll eval gan` measures it once on test.

    python scripts/tune_gan_temperature.py [--model-dir DIR | --run-dir runs/gan_mel_bar [--checkpoint best]] [--samples 1000]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", help="a shipped model folder (default: the shipped GAN)")
    ap.add_argument("--run-dir", help="or a run folder (with --checkpoint best|last)")
    ap.add_argument("--checkpoint", choices=["best", "last"], default="best")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--temperatures", default="0.6,0.7,0.75,0.8,0.85,0.9,1.0")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)

    from latentroll.models.common.export import load_run_weights
    from latentroll.models.data.corpus import load_corpus
    from latentroll.models.data.splits import melody_data
    from latentroll.models.eval.musegan import musegan_metrics
    from latentroll.models.eval.yang_lerch import compare_sets
    from latentroll.models.gan.config import GANConfig
    from latentroll.models.gan.network import MelodyGAN
    from latentroll.models.gan.sampling import sample_melodies
    from latentroll.models.gan.service import MelodyGANService

    if a.run_dir:
        cfg = GANConfig.from_dict(json.loads((Path(a.run_dir) / "config.json").read_text()))
        model = load_run_weights(MelodyGAN(cfg), Path(a.run_dir) / a.checkpoint).eval()
    else:
        model = MelodyGANService.load(a.model_dir).model
    cfg = model.cfg
    data = melody_data(load_corpus(), cfg)
    rng = np.random.default_rng(1)
    valid = data.valid.events[rng.permutation(len(data.valid))[: a.samples]]
    ref = musegan_metrics(valid, cfg.bar)
    print(json.dumps({"valid": {k: round(float(v), 4) for k, v in ref.items()}}))
    for t in map(float, a.temperatures.split(",")):
        with torch.no_grad():
            ev = sample_melodies(model, a.samples, 2, None, t, torch.Generator().manual_seed(1))
        m = musegan_metrics(ev, cfg.bar)
        gaps = {k: round(abs(m[k] - ref[k]) / max(abs(ref[k]), 1e-2), 3) for k in ("eb", "upc", "qn")}
        oa = {k: round(v["oa"], 3) for k, v in compare_sets(valid[:200], ev[:200]).items()}
        print(json.dumps({"temperature": t, "gan": {k: round(float(v), 4) for k, v in m.items()},
                          "gap": gaps, "max_gap": max(gaps.values()), "oa_min": min(oa.values())}), flush=True)


if __name__ == "__main__":
    main()
