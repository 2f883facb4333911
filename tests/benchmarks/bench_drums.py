"""The drum models' speed (issue 16's budgets): 8 × 4-bar Drum VAE clips (200 ms), grooving a
16-bar part (100 ms), drumifying it and continuing it by 8 bars, with 2 torch threads, on the
shipped weights (or those in LATENTROLL_<MODEL>_DIR).

Each figure is the median of 15 runs after a warm-up, printed with its budget and, as a peer in the
same run, the melody VAE writing as many bars (8 × 4-bar melodies: two 2-bar clips each), so a
slower machine shows up in both columns. Run with trainings paused:

    .venv/bin/python tests/benchmarks/bench_drums.py
"""
from __future__ import annotations

import torch

from latentroll.core.drum_kit import NUM_PIECES
from latentroll.models.drums.convert import STEPS_PER_BAR, DrumGrid, grid_to_track, quantized, track_to_grid
from latentroll.models.drums.service import DrumContinueService, DrumifyService, DrumVAEService, GrooveService
from latentroll.models.eval.timing import median_ms
from latentroll.models.vae.service import MelodyVAEService

REPEATS = 15


def main() -> int:
    torch.set_num_threads(2)
    vae, groove = DrumVAEService.load(), GrooveService.load()
    drumify, lm, melody = DrumifyService.load(), DrumContinueService.load(), MelodyVAEService.load()
    part = vae.sample(1, "funk", 1.0, 16, seed=1)[0]  # a 16-bar kit part
    hits = track_to_grid(part, 16 * STEPS_PER_BAR).stacked()[:, :NUM_PIECES]
    beat = grid_to_track(DrumGrid.from_stacked(quantized(hits)))  # the same hits, quantized: Groove's input
    rows = [("Drum VAE: 8 × 4 bars", lambda: vae.sample(8, None, 1.0, 4, 0), 200.0),
            ("Groove: 16 bars", lambda: groove.groove(beat), 100.0),
            ("Drumify: 16 bars", lambda: drumify.drumify(beat, 1, 1.0, None, 0), None),
            ("Continue drums: +8 bars", lambda: lm.continue_drums(part, 8, 1, 1.0, 0), None)]
    peer = median_ms(lambda: melody.generate(8, None, 1.0, 4, None, 0), REPEATS)
    print(f"{'task':28} {'ms':>8} {'budget':>8} {'÷ budget':>9} {'÷ peer':>7}")
    for name, fn, budget in rows:
        ms = median_ms(fn, REPEATS)
        b = f"{budget:8.0f} {ms / budget:9.2f}" if budget else f"{'-':>8} {'-':>9}"
        print(f"{name:28} {ms:8.1f} {b} {ms / peer:7.2f}")
    print(f"{'peer: melody VAE 8 × 4 bars':28} {peer:8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
