"""Choosing the Gibbs schedule (sweeps, pmax, pmin, anneal) on the VALIDATION chorales.

Each candidate schedule harmonizes the soprano of every validation chorale (same seeds for every
schedule) with the raw sampler (no voice-leading polish, so the schedule is judged on what it
draws) and is scored by:
- ``pll``: the net's pseudo-log-likelihood of the drawn alto, tenor and bass, nats per voice
  frame: log p(frame | everything else), with every ``PLL_STRIDE``-th frame of one voice hidden
  per pass (a few passes per chorale instead of one per frame; the same estimate for every
  schedule, so it ranks them); Bach's own voices score ``bach_pll`` the same way;
- the raw parallels per 100 beats, crossings and out-of-range share (voiceleading.py).

``python -m latentroll.models.coconet.schedule_search [--chorales N]`` prints one JSON line per
schedule.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict

import numpy as np
import torch
from torch.nn import functional as F

from .gibbs import Schedule
from .network import ChoraleCNN
from .roll import NUM_VOICES, beat_phase
from .service import DEFAULT_TEMPERATURE, ChoraleService
from .voiceleading import summarize

PLL_STRIDE = 8
SCHEDULES = (
    Schedule(64, 0.9, 0.1, 0.7),   # the one shipped before issue 19
    Schedule(32, 0.9, 0.1, 0.7),
    Schedule(24, 0.9, 0.1, 0.7),
    Schedule(16, 0.9, 0.1, 0.7),
    Schedule(24, 0.7, 0.1, 0.5),
    Schedule(16, 0.7, 0.1, 0.5),
    Schedule(24, 0.9, 0.05, 0.5),
)


@torch.no_grad()
def pseudo_ll(net: ChoraleCNN, roll: np.ndarray, free: np.ndarray, stride: int = PLL_STRIDE) -> float:
    """Mean log-probability (nats) of the ``free`` frames of ``roll`` (4, T), each given the rest
    (every ``stride``-th frame of one voice hidden at once)."""
    masks = []
    for v in range(NUM_VOICES):
        for o in range(stride):
            m = np.zeros_like(free)
            m[v, o::stride] = free[v, o::stride]
            if m.any():
                masks.append(m)
    x = torch.as_tensor(roll.astype(np.int64))
    phase = torch.as_tensor(beat_phase(roll.shape[1]))
    total, count = 0.0, 0
    for s in range(0, len(masks), 8):
        hidden = torch.as_tensor(np.stack(masks[s: s + 8]))
        b = len(hidden)
        logp = F.log_softmax(net(x.expand(b, -1, -1), hidden, phase.expand(b, -1)), -1)
        got = logp.gather(-1, x.expand(b, -1, -1).unsqueeze(-1)).squeeze(-1)
        total += float(got[hidden].sum())
        count += int(hidden.sum())
    return total / max(count, 1)


def score(svc: ChoraleService, rolls: list[np.ndarray], schedule: Schedule, seed: int = 0) -> dict:
    """One schedule on ``rolls``: PLL, raw voice-leading rates and seconds per 128 frames."""
    cfg, made, plls, frames = svc.cfg, [], [], 0
    t0 = time.perf_counter()
    for i, roll in enumerate(rolls):
        free = np.zeros_like(roll, dtype=bool)
        free[1:] = True
        start = roll.copy()
        start[1:] = cfg.rest
        svc.schedule = schedule
        made.append(svc.sample_roll(start, free, DEFAULT_TEMPERATURE, 1, seed + i, None, None,
                                    voice_leading=False)[0])
        frames += roll.shape[1]
    secs = time.perf_counter() - t0
    for roll, out in zip(rolls, made):
        free = np.zeros_like(roll, dtype=bool)
        free[1:] = True
        plls.append(pseudo_ll(svc.sampler_net, out, free))
    grids = [np.where(m == cfg.rest, -1, m + cfg.low_pitch) for m in made]
    return {**asdict(schedule), "pll": float(np.mean(plls)), **summarize(grids, voices=(1, 2, 3)),
            "s_per_128_frames": 128 * secs / frames}


def main() -> None:
    import argparse

    from latentroll.models.data.corpus import load_corpus

    from .roll import chorale_rolls

    ap = argparse.ArgumentParser()
    ap.add_argument("--chorales", type=int, default=0, help="the first N validation chorales (0: all)")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    svc = ChoraleService.load(None)
    data = chorale_rolls(load_corpus(), svc.cfg)
    rolls = data.valid[: a.chorales or None]
    free = [np.pad(np.ones((3, r.shape[1]), bool), ((1, 0), (0, 0))) for r in rolls]
    bach = float(np.mean([pseudo_ll(svc.sampler_net, r, f) for r, f in zip(rolls, free)]))
    grids = [np.where(r == svc.cfg.rest, -1, r + svc.cfg.low_pitch) for r in rolls]
    print(json.dumps({"bach_pll": bach, **{f"bach_{k}": v for k, v in summarize(grids, voices=(1, 2, 3)).items()},
                      "valid_chorales": len(rolls)}), flush=True)
    for schedule in SCHEDULES:
        print(json.dumps(score(svc, rolls, schedule)), flush=True)


if __name__ == "__main__":
    main()
