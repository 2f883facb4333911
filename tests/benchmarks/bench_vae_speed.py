"""The melody VAE's speed targets alone: decode64_ms (greedy decode of 64 latents, goal ≤ 50) and
interp16_ms (encode 2 clips + decode a 16-step path, goal ≤ 20), median of N runs, on the shipped
inference model (int8 weights, the compiled loop when built), with peers run in the same process,
interleaved: the same int8 weights stepped by the Python loop (session 5), the float32 Python
loop, and ``nn.LSTM`` called once per step in float32 (how decoding ran before session 5).
Ratios peer/shipped are printed, and whether the compiled loop ran.

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


class LSTMStepLoop:
    """The VAE decoded by ``nn.LSTM`` one step at a time (the peer)."""

    def __init__(self, model):
        self.m, self.cfg = model, model.cfg

    def encode(self, events):
        return self.m.encode(events)

    def decode(self, z, style, steps):
        import torch

        m = self.m
        cond, hx = m._cond(z, style)
        tok = torch.full((len(z),), m.start_token, dtype=torch.long)
        out = []
        for _ in range(steps):
            y, hx = m.decoder(torch.cat([m.token(tok), cond], dim=-1).unsqueeze(1), hx)
            tok = m.head(y[:, 0]).argmax(-1)
            out.append(tok)
        return torch.stack(out, 1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    import numpy as np
    import torch

    from latentroll.models.data.corpus import Corpus
    from latentroll.models.vae import native_loop
    from latentroll.models.vae.evaluate import speed_metrics
    from latentroll.models.vae.service import MelodyVAEService
    from latentroll.models.vae.step_decoder import StepDecoder
    from latentroll.models.vae.train import melody_data

    torch.set_num_threads(a.threads)
    fixture = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"
    shipped = MelodyVAEService.load()
    two = melody_data(Corpus.load(fixture), shipped.cfg).test.events[:2]
    python_int8 = MelodyVAEService.load().model
    python_int8.step_decoder = StepDecoder(python_int8, int8=True, native=False)
    models = {"shipped": shipped.model, "int8 Python loop": python_int8,
              "float32 Python loop": MelodyVAEService.load(int8=False).model,
              "nn.LSTM float32": LSTMStepLoop(MelodyVAEService.load(int8=False).model)}
    runs: dict[str, list[dict[str, float]]] = {k: [] for k in models}
    for _ in range(a.rounds):  # interleaved, so a slow spell of a shared machine hits all alike
        for name, model in models.items():
            runs[name].append(speed_metrics(model, two, max(1, a.repeats // a.rounds), shipped.interpolation_path))
    res = {name: {k: round(float(np.median([r[k] for r in rs])), 1) for k in rs[0]} for name, rs in runs.items()}
    fast = res["shipped"]
    out = {"threads": a.threads, "load_average_1min": round(os.getloadavg()[0], 2),
           "compiled_loop": shipped.model.step_decoder.native, "why": native_loop.load().why, **res,
           "ratio_to_shipped": {name: {k: round(v / fast[k], 2) for k, v in r.items()}
                                for name, r in res.items() if name != "shipped"}}
    print(json.dumps(out, indent=2))
    return 0 if np.isfinite(list(fast.values())).all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
