"""The repair network's model card: what the shipped weights are, how they were made, what they measure."""
from __future__ import annotations

import json
from pathlib import Path

from latentroll.models.autoencoder.card import TARGETS
from latentroll.models.common.card import (
    command_lines,
    data_lines,
    history_table,
    metrics_table,
    save_card,
    training_lines,
    weights_mb,
)
from latentroll.models.common.repair_margin import CALIBRATION_CLEAN_CHANGE


def write_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    cfg = json.loads((folder / "config.json").read_text())
    lines = [
        f"# Model card: melody repair network `{cfg['name']}` (\"Repair\")",
        "",
        "A denoising network over whole melodies, note by note. Each note's pitch, place in the bar, length and",
        "following rest are embedded"
        + (", together with what the rest of the tune says about it (the tune's pitch-class shares seen from"
           " the note, and votes from notes elsewhere in the tune with the same neighbours: a repeated phrase"
           " vouches for the pitch it had there)" if cfg.get("context_features") else "")
        + f"; a convolution (width {cfg['conv_kernel']}) gathers each note's neighbours and"
        f" {cfg['layers']} transformer layers ({cfg['dim']} wide, {cfg['heads']} heads) let every note read the whole"
        " tune. The output per note is how far its pitch is from the clean one: −2…+2 semitones.",
        f"Repair moves a note only when its likeliest other pitch beats keeping it by a margin ({cfg['repair_margin']}"
        f" nats at strength 0.5, calibrated on validation tunes so that ≤ {CALIBRATION_CLEAN_CHANGE:.1%} of their clean notes"
        " change). It never",
        "moves an onset or a length.",
        *(["A second opinion from the melody LSTM (`lstm_mel_lm`, shipped beside it): for each candidate fix the",
           "network rates within 4 nats of keeping the note, the LSTM reads two bars either side of the note as they are",
           f"and with the fix. The repair adds {cfg['lm_weight']} × the LSTM's log-likelihood gain to the network's",
           f"gain, and then applies its own margin ({cfg['lm_margin']} nats at strength 0.5, calibrated the same way).",
           "Without the LSTM the network repairs alone, at the margin above."]
          if cfg.get("lm_weight", 0) > 0 else []),
        "",
        "## Data",
        *data_lines(state.get("data", {}), "tunes per split"),
        f"Examples: every training tune once per epoch (runs of at most {cfg['max_notes']} notes from a bar line when"
        f" longer), random transposition ±{cfg['transpose']} semitones.",
        f"Corruption in training: per tune, a share of notes drawn from {cfg['shift_min']:.0%}–{cfg['shift_max']:.0%}"
        f" shifted ±1–2 semitones; {cfg['clean_share']:.0%} of tunes left clean. Every note is a target (offset 0"
        " for the untouched ones), so the probabilities stay honest and the margin means what it says.",
        "",
        "## Training",
        *training_lines(state, params, weights_mb(folder),
                        f"Transformer {cfg['layers']}×{cfg['dim']}, batch {cfg['batch_size']} tunes,"
                        f" Adam lr {cfg['lr']} ×{cfg['lr_decay']}/step."),
        "",
        *command_lines(commands),
        *history_table(state, [("valid repair (margin 0)", "valid_repair_m0", ".3f"),
                               ("valid clean change (margin 0)", "valid_clean_change_m0", ".4f"),
                               ("valid repair at ≤ 1.5% clean change", "valid_repair_at_1.5pct", ".3f")]),
        "## Evaluation on held-out test tunes (`latentroll eval repair --json`)",
        "",
        *metrics_table(evaluation, TARGETS),
        "",
        "Definitions: see `models/repair/evaluate.py`. code_repair_rate is the code autoencoder's repair on the",
        "same corrupted tunes; network_alone_* the repair network's without the LSTM's opinion; recon_accuracy and",
        "bits_per_bar are the code autoencoder's.",
        "",
        "## Limits",
        "- Monophonic: chords are reduced to their top voice; the repaired melody is quantized to 16ths.",
        "- Wrong pitches only: a note more than 2 semitones off, a misplaced onset or a missing note stays as it is",
        "  (Quantize handles timing).",
        "- A wrong note that fits the tune as well as the right one (another scale tone in a passage that never",
        "  comes back) often stays.",
    ]
    return save_card(folder, lines, evaluation)
