"""The autoencoder's model card: what the shipped weights are, how they were made, what they measure."""
from __future__ import annotations

import json
from pathlib import Path

from latentroll.models.common.card import (
    command_lines, data_lines, history_table, metrics_table, save_card, training_lines, weights_mb,
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
        "the Repair tool runs the whole-melody repair network `ae_mel_repair` instead when that is shipped",
        "(`repair_model` below; `code_repair_rate` is this model's own repair).",
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


def write_repair_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    cfg = json.loads((folder / "config.json").read_text())
    lines = [
        f"# Model card: melody repair network `{cfg['name']}` (\"Repair\")",
        "",
        "An overcomplete denoising autoencoder over whole melodies: each 16th step's event and place in the bar",
        f"go through a {cfg['layers']}-layer bidirectional LSTM ({cfg['hidden']} per direction); every step's",
        "hidden pair is its code and a linear layer decodes it into that step's clean event. There is no global",
        "bottleneck (the binary-code autoencoder `ae_mel_ae` is the one that compresses), so the whole tune,",
        "its key and its repeated phrases can vouch for each note. Repair keeps an event unless the network's",
        f"best one is more likely by a margin ({cfg['repair_margin']} nats at strength 0.5, calibrated on",
        "validation tunes so that ≤ 1.5% of their clean notes change).",
        "",
        "## Data",
        *data_lines(state.get("data", {}), "tunes per split"),
        f"Examples: random crops of the most whole bars within {cfg['crop_steps']} 16ths, from a bar line of"
        f" every training tune ({cfg['crops_per_tune']} per tune per epoch),"
        f" random transposition ±{cfg['transpose']} semitones.",
        f"Corruption in training: {cfg['shift_rate']:.0%} of notes shifted ±1–2 semitones, {cfg['jitter_rate']:.0%}"
        f" moved a 16th, {cfg['drop_rate']:.0%} dropped; {cfg['clean_share']:.0%} of crops left clean.",
        "",
        "## Training",
        *training_lines(state, params, weights_mb(folder),
                        f"BiLSTM {cfg['layers']}×{cfg['hidden']}×2, batch {cfg['batch_size']} crops,"
                        f" Adam lr {cfg['lr']} ×{cfg['lr_decay']}/step."),
        "",
        *command_lines(commands),
        *history_table(state, [("valid repair (2 nats)", "valid_repair_m2", ".3f"),
                               ("valid clean change (2 nats)", "valid_clean_change_m2", ".3f"),
                               ("valid repair (argmax)", "valid_repair_argmax", ".3f")]),
        "## Evaluation on held-out test tunes (`latentroll eval ae --json`)",
        "",
        *metrics_table(evaluation, TARGETS),
        "",
        "Definitions: see `models/autoencoder/evaluate.py`. code_repair_rate is the code autoencoder's repair on the",
        "same corrupted tunes; recon_accuracy and bits_per_bar are the code autoencoder's.",
        "",
        "## Limits",
        "- Monophonic: chords are reduced to their top voice; the repaired melody is quantized to 16ths.",
        "- A wrong note that fits the tune as well as the right one (another scale tone in a free passage) stays.",
    ]
    return save_card(folder, lines, evaluation)
