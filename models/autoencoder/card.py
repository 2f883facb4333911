"""The code autoencoder's model card: what the shipped weights are, how they were made, what they measure."""
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

TARGETS = {"repair_rate": (">=", 0.80), "clean_change_rate": ("<=", 0.02), "repair16_ms": ("<=", 200.0)}


def write_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    cfg = json.loads((folder / "config.json").read_text())
    bits_per_bar = cfg["code_bits"] * 16 / cfg["window"]
    lines = [
        f"# Model card: melody code autoencoder `{cfg['name']}` (compression)",
        "",
        "A deterministic denoising autoencoder over 2-bar melody windows: BiLSTM encoder, a binary code of",
        f"{cfg['code_bits']} bits ({bits_per_bar:g} bits per 4/4 bar), and a parallel BiLSTM decoder that gives",
        "every 16th step an event distribution. Its own repair keeps an event unless the decoder's best one is",
        f"more likely by a margin ({cfg['repair_margin']} nats at strength 0.5, calibrated on validation tunes);",
        "the Repair tool runs the note-level repair network `ae_mel_fix` instead when that is shipped",
        "(its own card; `code_repair_rate` there is this model's repair on the same tunes).",
        "",
        "## Data",
        *data_lines(state.get("data", {}), "windows"),
        f"Windows: {cfg['window']} steps from each bar line, random transposition ±{cfg['transpose']} semitones.",
        f"Corruption in training: {cfg['shift_rate']:.0%} of notes shifted ±1–2 semitones, {cfg['jitter_rate']:.0%}"
        f" moved a 16th, {cfg['drop_rate']:.0%} dropped; {cfg['clean_share']:.0%} of windows left clean.",
        "",
        "## Training",
        *training_lines(state, params, weights_mb(folder),
                        f"Encoder {cfg['enc_hidden']}×2, decoder {cfg['dec_layers']}×{cfg['dec_hidden']}×2,"
                        f" batch {cfg['batch_size']}, Adam lr {cfg['lr']} ×{cfg['lr_decay']}/step."),
        "",
        *command_lines(commands),
        *history_table(state, [("valid recon acc", "valid_recon_accuracy", ".3f"),
                               ("valid denoise acc", "valid_denoise_accuracy", ".3f"),
                               ("valid onset acc", "valid_onset_accuracy", ".3f")]),
        "## Evaluation on held-out test tunes (`latentroll eval ae --json`)",
        "",
        *metrics_table(evaluation, TARGETS),
        "",
        "Definitions: see `models/autoencoder/evaluate.py`. vae_recon_accuracy is the shipped VAE on the same windows.",
        "",
        "## Limits",
        "- Monophonic: chords are reduced to their top voice; the repaired melody is quantized to 16ths.",
        "- A wrong note that fits the tune (e.g. another scale tone) is often left alone: repair fixes what is unlikely.",
    ]
    return save_card(folder, lines, evaluation)
