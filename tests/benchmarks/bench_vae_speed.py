"""The melody VAE's speed targets alone: decode64_ms (greedy decode of 64 latents, goal ≤ 50) and
interp16_ms (encode 2 clips + decode a 16-step path, goal ≤ 20), median of N runs, on the shipped
int8 inference model, with the float32 network beside it as the peer (ratio printed).

`latentroll eval vae` reports the same two figures (models/vae/evaluate.py ``speed_metrics``), but
on a machine busy training other models they measure the load; this runs in seconds, so it can
be run when the machine is quiet.

Run: ``.venv/bin/python tests/benchmarks/bench_vae_speed.py [--threads 2] [--repeats 30]``
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=30)
    a = ap.parse_args()
    import numpy as np
    import torch

    from latentroll.models.data.corpus import Corpus
    from latentroll.models.vae.evaluate import speed_metrics
    from latentroll.models.vae.service import MelodyVAEService
    from latentroll.models.vae.train import melody_data

    torch.set_num_threads(a.threads)
    fixture = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"
    quantized = MelodyVAEService.load()
    two = melody_data(Corpus.load(fixture), quantized.cfg).test.events[:2]
    fast = speed_metrics(quantized.model, two, a.repeats, quantized.interpolation_path)
    full = speed_metrics(MelodyVAEService.load(quantize=False).model, two, a.repeats, quantized.interpolation_path)
    out = {"threads": a.threads, "load_average_1min": round(os.getloadavg()[0], 2),
           "int8": fast, "float32": full,
           "speedup": {k: round(full[k] / fast[k], 2) for k in fast}}
    print(json.dumps(out, indent=2))
    return 0 if np.isfinite(list(fast.values())).all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
