"""The LSTM's model card: what the shipped weights are, how they were made, what they measure."""
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

TARGETS = {"nll_reduction": (">=", 0.15), "continue_ms": ("<=", 1000.0)}


def write_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    cfg = json.loads((folder / "config.json").read_text())
    lines = [
        f"# Model card: melody LSTM `{cfg['name']}` (\"Continue\")",
        "",
        "A style-conditioned LSTM language model over melody events (the job of Magenta's Melody RNN):",
        "16th-note steps, 90 event classes (hold, note-off, 88 note-ons), with the position in the bar and a",
        "style label (plus an 'any style' label trained by label dropout) as inputs at every step.",
        "",
        "## Data",
        *data_lines(state.get("data", {}), "steps"),
        f"Training sequences: chunks of {cfg['chunk']} steps from a bar line every ~{cfg['chunk_hop']} steps of each"
        f" training tune, random transposition ±{cfg['transpose']} semitones, style label dropped for"
        f" {cfg['style_dropout']:.0%} of chunks. Validation and test tunes are scored whole.",
        "",
        "## Training",
        *training_lines(state, params, weights_mb(folder),
                        f"{cfg['layers']}×{cfg['hidden']} LSTM, dropout {cfg['dropout']}, batch {cfg['batch_size']},"
                        f" Adam lr {cfg['lr']} ×{cfg['lr_decay']}/step (floor {cfg['lr_min']})."),
        "",
        *command_lines(commands),
        *history_table(state, [("valid NLL (nats/step)", "valid_nll", ".4f"),
                               ("valid accuracy", "valid_accuracy", ".4f")]),
        "## Evaluation on held-out test tunes (`latentroll eval lstm --json`)",
        "",
        *metrics_table(evaluation, TARGETS),
        "",
        "Definitions: see `models/lstm/evaluate.py`. The baseline is an order-3 Markov chain with",
        "interpolated absolute-discounting backoff fitted on the same training tunes (`models/lstm/ngram.py`).",
        "",
        "## Limits",
        "- Monophonic: chords are reduced to their top voice; timing is quantized to 16ths.",
        "- Continuations start on the bar line after the input; they do not extend the input's last note.",
        "- Trained only on European/Chinese folk tunes and chorale melodies: expect those idioms.",
    ]
    return save_card(folder, lines, evaluation)
