"""Harmonize and Infill speed (issue 19): the sampler as it ships now against the one before, in
one run, interleaved, on the same melody and the same piece.

- before: the network as trained (BatchNorm, contiguous layout), 64 Gibbs sweeps, one model call
  per candidate (what the app's job functions did), infill seeing two bars either side;
- now: the shipped service: BatchNorm folded + channels_last (``ChoraleCNN.for_inference``), the
  config's schedule, all candidates in one batch (one net pass per sweep), infill seeing the
  region plus the net's receptive field.

Cases: harmonize 8 bars (the soprano of the first test chorale) with 1 and 3 candidates; infill
2 bars (bars 3-4, all four voices) of that chorale with 3 candidates. Voice-leading polish on (the
app's default). Median of ``--rounds`` seconds per case; per-candidate figures and ratios.
Targets: harmonize ≤ 2.0 s per candidate and 3 candidates ≤ 4 s; infill ≤ 1.0 s per candidate.

Run: ``.venv/bin/python tests/benchmarks/bench_harmonize.py [--threads 2] [--rounds 5]``
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    import torch

    torch.set_num_threads(a.threads)
    from latentroll.core.song import PPQ, Track
    from latentroll.models.coconet.gibbs import Schedule
    from latentroll.models.coconet.roll import NUM_VOICES, chorale_rolls, frames_to_notes
    from latentroll.models.coconet.service import ChoraleService
    from latentroll.models.data.corpus import load_corpus
    from latentroll.models.data.melody import STEP_TICKS

    class Before(ChoraleService):
        """The sampler as it was before issue 19 (same weights)."""

        def __init__(self, model, name=None):
            super().__init__(model, name)
            self.sampler_net = self.model
            self.schedule = Schedule(64, 0.9, 0.1, 0.7)

        def infill_window(self, start, end, song_end):
            context = 32 * STEP_TICKS
            return max(0, start - context) // PPQ * PPQ, max(end, min(song_end, end + context))

    now = ChoraleService.load()
    before = Before(now.model)
    data = chorale_rolls(load_corpus(), now.cfg)
    roll = data.test[0]
    melody = Track(name="Soprano", notes=frames_to_notes(roll[0, :128], now.cfg))
    voices = [Track(name=f"v{v}", notes=frames_to_notes(roll[v], now.cfg)) for v in range(NUM_VOICES)]
    bar = 4 * PPQ
    one_call = {  # how the job functions called the service before: one call per candidate
        "harmonize": lambda svc, k: [svc.harmonize(melody, candidates=1, seed=i) for i in range(k)],
        "infill": lambda svc, k: [svc.infill(voices, 2 * bar, 4 * bar, candidates=1, seed=i) for i in range(k)],
    }
    batched = {
        "harmonize": lambda svc, k: svc.harmonize(melody, candidates=k, seed=0),
        "infill": lambda svc, k: svc.infill(voices, 2 * bar, 4 * bar, candidates=k, seed=0),
    }
    cases = [("harmonize", 1), ("harmonize", 3), ("infill", 3)]
    times: dict[tuple, list[float]] = {}
    for tool, k in cases:  # warm up both
        one_call[tool](before, 1)
        batched[tool](now, 1)
    for _ in range(a.rounds):
        for tool, k in cases:
            for who, svc, run in (("before", before, one_call[tool]), ("now", now, batched[tool])):
                t0 = time.perf_counter()
                run(svc, k)
                times.setdefault((tool, k, who), []).append(time.perf_counter() - t0)
    print(f"threads {a.threads}, rounds {a.rounds}, sweeps before 64 / now {now.schedule.steps}; "
          f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"{'case':<16}{'before s':>10}{'now s':>9}{'now/cand':>10}{'ratio':>8}")
    out = {}
    for tool, k in cases:
        b = statistics.median(times[(tool, k, "before")])
        n = statistics.median(times[(tool, k, "now")])
        name = f"{tool} ×{k}"
        print(f"{name:<16}{b:>10.2f}{n:>9.2f}{n / k:>10.2f}{b / n:>7.1f}×")
        out[f"{tool}_{k}"] = {"before_s": round(b, 3), "now_s": round(n, 3), "ratio": round(b / n, 2)}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
