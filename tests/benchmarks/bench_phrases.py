"""Phrases of 4, 8 and 16 bars (issue 18), timed as the app runs them: each request goes through
the model ``app/calls`` routes it to (the 4-bar VAE, or the structure model for Generate at 8-16
bars), with the 2-bar VAE chaining its clips (the app's way before) as the peer in the same run,
interleaved. Medians in ms and the ratio routed / 2-bar chained.

- interpolate: 5 clips between two test phrases of that length (encode, path, greedy decode).
- generate: 8 melodies of that length, 'any style', temperature 1.

Run: ``.venv/bin/python tests/benchmarks/bench_phrases.py [--threads 2] [--repeats 9]``
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=9)
    a = ap.parse_args()
    import torch

    from latentroll.app.calls.generate import generate_model
    from latentroll.app.calls.phrases import route_phrase
    from latentroll.models.common.protocol import model_folders
    from latentroll.models.data.corpus import Corpus
    from latentroll.models.data.splits import tune_events
    from latentroll.models.data.tracks import events_to_track
    from latentroll.models.eval.timing import median_ms
    from latentroll.models.registry import entry, resolve

    torch.set_num_threads(a.threads)
    services = {}

    def service(key: str):
        if key not in services:
            services[key] = resolve(entry(key).service).load(model_folders(key))
        return services[key]

    tunes = [t for t in Corpus.load(FIXTURE).tunes if t.meter == (4, 4)]
    out: dict = {"threads": a.threads, "load_average_1min": round(os.getloadavg()[0], 2)}
    for bars in (4, 8, 16):
        long = [e for e in (tune_events(t) for t in tunes) if len(e) >= bars * 16][:2]
        a_clip, b_clip = (events_to_track(e[: bars * 16], "clip") for e in long)
        route = route_phrase({"A": bars, "B": bars})
        gen_key = generate_model("vae", bars)
        row = {"interpolate_model": route.model, "generate_model": gen_key}
        for name, key, fn in (
                ("interpolate", route.model, lambda s: s.interpolate(a_clip, b_clip, 5, bars=bars)),
                ("interpolate_2bar_chained", "vae", lambda s: s.interpolate(a_clip, b_clip, 5, bars=bars)),
                ("generate", gen_key, lambda s: s.generate(8, None, 1.0, bars, seed=1)),
                ("generate_2bar_chained", "vae", lambda s: s.generate(8, None, 1.0, bars, seed=1))):
            svc = service(key)
            row[f"{name}_ms"] = round(median_ms(lambda: fn(svc), a.repeats), 1)
        row["interpolate_ratio_to_2bar"] = round(row["interpolate_ms"] / row["interpolate_2bar_chained_ms"], 2)
        row["generate_ratio_to_2bar"] = round(row["generate_ms"] / row["generate_2bar_chained_ms"], 2)
        out[f"{bars}_bars"] = row
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
