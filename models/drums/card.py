"""The drum models' cards: what the weights are, the GMD attribution, how they were made, and
what they measure on the held-out test files."""
from __future__ import annotations

import json
from pathlib import Path

from latentroll.models.common.card import (
    command_lines,
    history_table,
    metrics_table,
    save_card,
    training_lines,
    weights_mb,
)

TARGETS = {
    "hit_tf_accuracy": (">=", 0.95), "hit_greedy_accuracy": (">=", 0.90), "oa_min": (">=", 0.8),
    "style_fidelity": (">=", 0.6), "generate8x4_ms": ("<=", 200.0), "groove16_ms": ("<=", 100.0),
    "groove_timing_reduction": (">=", 0.30), "groove_velocity_reduction": (">=", 0.30),
}

ATTRIBUTION = [
    "Trained on the Groove MIDI Dataset (GMD, CC BY 4.0), vendored in resources/datasets/groove/:",
    "Jon Gillick, Adam Roberts, Jesse Engel, Douglas Eck, David Bamman. \"Learning to Groove with Inverse",
    "Sequence Transformations.\" ICML 2019. https://magenta.tensorflow.org/datasets/groove",
]


def data_lines(data: dict) -> list[str]:
    return [
        *ATTRIBUTION,
        "",
        f"{data.get('listed', '?')} files listed; {data.get('files', '?')} in 4/4 kept, other meters skipped: "
        f"{data.get('skipped_meters', {})}; notes on keys of no kit piece dropped: {data.get('dropped_notes', '?')}.",
        f"Split by the dataset's own split column (files, never windows): train {data.get('train_files')} files / "
        f"{data.get('train_bars')} bars, validation {data.get('validation_files')} / {data.get('validation_bars')}, "
        f"test {data.get('test_files')} / {data.get('test_bars')}.",
        f"{data.get('bars')}-bar windows from every bar line (hop 1 bar, every bar with a hit): train "
        f"{data.get('train_windows')}, validation {data.get('validation_windows')}, test {data.get('test_windows')}.",
        "Files per style: " + ", ".join(f"{k} {v}" for k, v in data.get("by_style", {}).items()) + ".",
    ]


def _card(folder: Path, title: str, about: list[str], details: str, state: dict, evaluation: dict,
          commands: list[str], params: int, columns: list[tuple[str, str, str]], limits: list[str]) -> Path:
    lines = [
        f"# Model card: {title}", "", *about, "",
        "## Data", *data_lines(state.get("data", {})), "",
        "## Training", *training_lines(state, params, weights_mb(folder), details), "",
        *command_lines(commands),
        *history_table(state, columns),
        "## Evaluation on the GMD test files (`latentroll eval drums --json`)", "",
        *metrics_table(evaluation, TARGETS), "",
        "Definitions: see `models/drums/evaluate.py` and docs/models.md (Drums).", "",
        "## Limits", *[f"- {line}" for line in limits],
    ]
    return save_card(folder, lines, evaluation)


def write_vae_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    c = json.loads((folder / "config.json").read_text())
    return _card(
        folder, f"Drum VAE `{c['name']}`",
        ["A GrooVAE-like drum VAE: per 16th step and kit piece (9 pieces) a hit, a velocity and a micro-timing",
         "offset. BiLSTM encoder, LSTM decoder conditioned on z and a style label (an extra 'any style' label",
         "trained by label dropout). Sampling draws z from the full-covariance Gaussian of the training windows'",
         "latents (per style, or all windows for no style; shrunk 10% toward its diagonal); in a style, the most",
         "in-style of 16 draws by a latent style critic (softmax regression on z). Temperature 1 samples each hit",
         "at a raw temperature of 0.6, chosen on the validation split (OA of hits per bar)."],
        f"{c['bars']} bars, z = {c['z_dim']}, encoder {c['enc_hidden']}×2, decoder {c['dec_layers']}×{c['dec_hidden']}, "
        f"β max {c['beta_max']} (warm-up {c['beta_warmup_steps']} steps), free bits {c['free_bits']} nats, batch "
        f"{c['batch_size']}, Adam lr {c['lr']} ×{c['lr_decay']}/step, one torch thread.",
        state, evaluation, commands, params,
        [("valid tf acc", "valid_tf_accuracy", ".3f"), ("valid greedy acc", "valid_greedy_accuracy", ".3f"),
         ("valid vel MAE", "valid_velocity_mae", ".3f"), ("valid timing MAE", "valid_timing_mae", ".3f"),
         ("valid KL", "valid_kl", ".1f")],
        ["4/4 only; 4-bar clips (longer clips repeat the latent every 4 bars).",
         "A studio kit reduced to 9 pieces: cowbells, shakers and other percussion are not modelled.",
         "Trained on ten drummers' performances: expect rock, funk, jazz, latin and hip-hop idioms."])


TOOL_ABOUT = {
    "groove": ["Groove: a quantized drum pattern → the performed velocity and micro-timing of each of its hits",
               "(GrooVAE's humanize task as a BiLSTM regression). It never adds or removes a hit."],
    "drumify": ["Drumify: a one-voice rhythm (onsets and velocities: taps, a melody's onsets) → a nine-piece",
                "drum part that follows it (a BiLSTM; trained on each GMD window's own tapped rhythm)."],
    "lm": ["Continue (drums): a step-token LSTM language model as Drum RNN (each step's set of pieces is one",
           "of 512 tokens) with each piece's velocity and offset; continues a clip by 1-32 bars."],
}


def write_tool_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    c = json.loads((folder / "config.json").read_text())
    return _card(
        folder, f"{c['task']} `{c['name']}`", TOOL_ABOUT[c["task"]],
        f"{c['bars']}-bar windows, LSTM {c['layers']}×{c['hidden']}{' (bidirectional)' if c['task'] != 'lm' else ''}, "
        f"style embedding {c['style_dim']}, batch {c['batch_size']}, Adam lr {c['lr']} ×{c['lr_decay']}/step, "
        "one torch thread.",
        state, evaluation, commands, params,
        [("valid loss", "valid_loss", ".3f"), ("valid vel MAE", "valid_vel_mae", ".3f"),
         ("valid timing MAE", "valid_off_mae", ".3f"), ("valid accuracy", "valid_accuracy", ".3f")],
        ["4/4 only; longer parts are handled in windows of the model's length.",
         "A studio kit reduced to 9 pieces: other percussion keys are kept unchanged (Groove) or not written."])
