"""The melody GAN's model card: what the weights are, how they were made, what they measure."""
from __future__ import annotations

import json
from pathlib import Path

from latentroll.models.common.card import (
    command_lines,
    data_lines,
    history_table,
    metrics_table,
    save_card,
    training_lines,
    weights_mb,
)

TARGETS = {"oa_min": (">=", 0.7)}


def write_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    cfg = json.loads((folder / "config.json").read_text())
    gaps = evaluation.get("gan_gap", {})
    lines = [
        f"# Model card: melody GAN `{cfg['name']}` (Generate (GAN))",
        "",
        "A MidiNet-style conditional GAN (Yang et al. 2017): one 16-step bar at a time, conditioned on a style",
        "label and on the previous bar, chained for longer melodies. Per step the generator picks rest, hold, or the",
        f"onset of a pitch in {cfg['low_pitch']}–{cfg['high_pitch']}; the critic sees the two-plane piano roll",
        "(sounding pitch, onsets) of the bar and its predecessor.",
        "",
        "## Data",
        *data_lines(state.get("data", {}), "windows"),
        "The melody VAE's 2-bar windows: bar 2 is learned after bar 1, or bar 1 alone"
        f" ({cfg['prev_dropout']:.0%}); random transposition ±{cfg['transpose']} semitones.",
        "",
        "## Training",
        *training_lines(state, params, weights_mb(folder),
                        f"Generator {cfg['g_channels']} channels, critic {cfg['d_channels']}, z = {cfg['z_dim']};"
                        f" straight-through Gumbel-softmax (τ {cfg['gumbel_tau']}), one-sided label smoothing"
                        f" {cfg['label_smoothing']}, feature matching ×{cfg['feature_matching']}, {cfg['g_repeats']}"
                        f" generator steps per critic step, Adam lr {cfg['lr']} (β1 0.5), batch {cfg['batch_size']}."),
        "",
        *command_lines(commands),
        *history_table(state, [("valid gap", "valid_loss", ".3f"), ("eb", "valid_eb", ".3f"),
                               ("upc", "valid_upc", ".2f"), ("qn", "valid_qn", ".3f")]),
        "## Evaluation (`latentroll eval gan --json`)",
        "",
        *metrics_table(evaluation, TARGETS),
        "",
        "Goal: GAN within 10% of the data on eb, upc and qn: "
        + ", ".join(f"{k} {'met' if v <= 0.1 else 'NOT met'} (gap {v:.3f})" for k, v in gaps.items()) + ".",
        "The best checkpoint is the one whose samples are closest to the validation windows on these",
        "three metrics (GAN losses do not say which checkpoint is better).",
        "Definitions: see `models/gan/evaluate.py` and docs/models.md.",
        "",
        "## Limits",
        "- A 'bar' is 16 sixteenths (4/4); 3/4 tunes were learned in 16-step slices too.",
        "- Each bar sees only the one before it: long melodies wander rather than develop motifs.",
    ]
    return save_card(folder, lines, evaluation)
