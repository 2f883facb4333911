"""The chorale CNN's model card: what the weights are, how they were made, what they measure."""
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

# Goals from the issue: voice leading within 2× Bach's parallel rate, ≤ 1% notes out of range,
# and a likelihood better than the simple voice models.
TARGETS = {"out_of_range": ("<=", 0.01)}


def write_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    cfg = json.loads((folder / "config.json").read_text())
    targets = dict(TARGETS)
    if "bach_parallels_per_100" in evaluation:
        targets["parallels_per_100"] = ("<=", round(2 * evaluation["bach_parallels_per_100"], 3))
    if "baseline_nll" in evaluation:
        targets["nll"] = ("<=", round(evaluation["baseline_nll"], 3))
    lines = [
        f"# Model card: chorale CNN `{cfg['name']}` (Harmonize, Infill)",
        "",
        "A Coconet-style convolutional net (Huang et al. 2017) over a 4-voice × 16th-step piano roll, pitches"
        f" {cfg['low_pitch']}–{cfg['high_pitch']} plus a rest class per voice.",
        "Trained to fill in randomly hidden voice frames; sampled with annealed blocked Gibbs (mask probability"
        f" {cfg['gibbs_pmax']}→{cfg['gibbs_pmin']} over the first {cfg['gibbs_anneal']:.0%} of {cfg['gibbs_steps']} sweeps),"
        " then a voice-leading polish: while a parallel fifth or octave is left, one of its notes is redrawn whole"
        " from the pitches that make none (`models/coconet/constraint.py`; `voice_leading=False` gives the raw draws).",
        "The sampler runs an inference copy of the net with each BatchNorm folded into its conv, in channels_last"
        " (`ChoraleCNN.for_inference`: the same logits to 1e-5), all candidates in one batch; the schedule's"
        " sweeps were chosen on the validation chorales (`models/coconet/schedule_search.py`).",
        "",
        "## Data",
        *data_lines(state.get("data", {}), "chorales"),
        "Only the 4-voice Bach chorales of music21's corpus are used, split by chorale with the split every model",
        f"shares. Training: random {cfg['crop']}-step crops ({cfg['crops_per_chorale']} per chorale per epoch),"
        f" random transposition up to ±{cfg['transpose']} semitones kept inside the pitch range.",
        "",
        "## Training",
        *training_lines(state, params, weights_mb(folder),
                        f"{cfg['layers']} residual 3×3 conv layers of {cfg['channels']} channels, dilations"
                        f" {cfg['dilations']} in time and pitch, batch {cfg['batch_size']},"
                        f" Adam lr {cfg['lr']} ×{cfg['lr_decay']}/step."),
        "",
        *command_lines(commands),
        *history_table(state, [("valid masked NLL", "valid_loss", ".3f"), ("valid accuracy", "valid_accuracy", ".3f")]),
        "## Evaluation on held-out test chorales (`latentroll eval cnn --json`)",
        "",
        *metrics_table(evaluation, targets),
        "",
        "Definitions: see `models/coconet/evaluate.py` and docs/models.md. NLL is per 16th-step frame (4 voices),",
        "so it is not comparable with Coconet's 5.03 at quarter-note frames.",
        "",
        "## Limits",
        "- Like Coconet, the roll does not distinguish a held note from a repeated one: generated voices",
        "  tie repeated pitches into longer notes.",
        "- Learned from ~300 Bach chorales: expect hymn-like four-part writing, in any key (transposed in training).",
        "- Melodies are moved by octaves into the soprano register for the model and the result moved back.",
    ]
    return save_card(folder, lines, evaluation)
