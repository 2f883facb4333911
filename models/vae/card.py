"""The model card: what the shipped weights are, how they were made, and what they measure."""
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

TARGETS = {
    "tf_accuracy": (">=", 0.95), "recon_accuracy": (">=", 0.90), "oa_min": (">=", 0.8),
    "style_fidelity": (">=", 0.70), "decode64_ms": ("<=", 50.0), "interp16_ms": ("<=", 20.0),
    "lm_midpoint_ratio": ("<=", 1.2),
}


def write_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    cfg = json.loads((folder / "config.json").read_text())
    lines = [
        f"# Model card: melody VAE `{cfg['name']}`",
        "",
        "A MusicVAE-style 2-bar melody VAE: BiLSTM encoder, 2-layer LSTM decoder conditioned on z and a style",
        "label (with an extra 'any style' label trained by label dropout). 16th-note steps, 90 event classes.",
        "",
        "## Data",
        *data_lines(state.get("data", {}), "windows"),
        f"Windows: {cfg['window']} steps from each bar line, random transposition ±{cfg['transpose']} semitones in training.",
        "",
        "## Training",
        *training_lines(state, params, weights_mb(folder),
                        f"z = {cfg['z_dim']}, encoder {cfg['enc_hidden']}×2, decoder {cfg['dec_layers']}×{cfg['dec_hidden']},"
                        f" β max {cfg['beta_max']} (warm-up {cfg['beta_warmup_steps']} steps), free bits {cfg['free_bits']}"
                        f" nats, batch {cfg['batch_size']}, Adam lr {cfg['lr']} ×{cfg['lr_decay']}/step."),
        "",
        *command_lines(commands),
        *history_table(state, [("valid tf acc", "valid_tf_accuracy", ".3f"),
                               ("valid greedy acc", "valid_recon_accuracy", ".3f"), ("valid KL", "valid_kl", ".1f")]),
        "## Evaluation on held-out test tunes (`latentroll eval vae --json`)",
        "",
        *metrics_table(evaluation, TARGETS),
        "",
        "Definitions: see `models/vae/evaluate.py` and docs/models.md.",
        "",
        "## Limits",
        "- 2 bars at a time; longer melodies are handled as chained 2-bar segments.",
        "- Trained only on European/Chinese folk tunes and chorale melodies: expect those idioms.",
    ]
    return save_card(folder, lines, evaluation)
