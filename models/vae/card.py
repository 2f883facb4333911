"""The model card: what the shipped weights are, how they were made, and what they measure."""
from __future__ import annotations

import json
from pathlib import Path

from latentroll.core.io.atomic import atomic_write_text

TARGETS = {
    "tf_accuracy": (">=", 0.95), "recon_accuracy": (">=", 0.90), "oa_min": (">=", 0.8),
    "style_fidelity": (">=", 0.70), "decode64_ms": ("<=", 50.0), "interp16_ms": ("<=", 20.0),
}


def _met(key: str, value: float) -> str:
    op, target = TARGETS[key]
    ok = value >= target if op == ">=" else value <= target
    return f"{'met' if ok else 'NOT met'} (target {op} {target})"


def write_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    cfg = json.loads((folder / "config.json").read_text())
    data = state.get("data", {})
    st = state.get("state", {})
    size_mb = (folder / "model.safetensors").stat().st_size / 1e6
    hist = st.get("history", [])
    lines = [
        f"# Model card: melody VAE `{cfg['name']}`",
        "",
        "A MusicVAE-style 2-bar melody VAE: BiLSTM encoder, 2-layer LSTM decoder conditioned on z and a style",
        "label (with an extra 'any style' label trained by label dropout). 16th-note steps, 90 event classes.",
        "",
        "## Data",
        "music21's bundled corpus, no downloads: " + ", ".join(f"{k} {v} tunes" for k, v in data.get("by_style", {}).items())
        + f"; {data.get('tunes', '?')} tunes in all.",
        "Split by tune (seeded, stratified by style) 80/10/10: windows "
        + ", ".join(f"{k} {v}" for k, v in data.get("windows", {}).items()) + ".",
        f"Windows: {cfg['window']} steps from each bar line, random transposition ±{cfg['transpose']} semitones in training.",
        "",
        "## Training",
        f"{params:,} parameters, {size_mb:.1f} MB of float32 safetensors. z = {cfg['z_dim']}, encoder {cfg['enc_hidden']}×2,"
        f" decoder {cfg['dec_layers']}×{cfg['dec_hidden']}, β max {cfg['beta_max']} (warm-up {cfg['beta_warmup_steps']} steps),"
        f" free bits {cfg['free_bits']} nats, batch {cfg['batch_size']}, Adam lr {cfg['lr']} ×{cfg['lr_decay']}/step.",
        f"Trained {st.get('epoch', '?')} epochs / {st.get('step', '?')} steps in {st.get('seconds', 0) / 3600:.2f} CPU hours"
        " (2 cores, no GPU).",
        "",
        "Commands:",
        "",
        *[f"    {c}" for c in commands],
        "",
        "Per-epoch validation (metrics.jsonl of the run):",
        "",
        "| epoch | step | hours | valid tf acc | valid greedy acc | valid KL |",
        "|---|---|---|---|---|---|",
        *[f"| {h['epoch']} | {h['step']} | {h['seconds'] / 3600:.2f} | {h.get('valid_tf_accuracy', 0):.3f} | "
          f"{h.get('valid_recon_accuracy', 0):.3f} | {h.get('valid_kl', 0):.1f} |" for h in hist],
        "",
        "## Evaluation on held-out test tunes (`latentroll eval vae --json`)",
        "",
        "| metric | value | target |",
        "|---|---|---|",
    ]
    for k, v in evaluation.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            lines.append(f"| {k} | {v:.4g} | {_met(k, v) if k in TARGETS else ''} |")
        elif isinstance(v, dict):
            lines.append(f"| {k} | " + ", ".join(f"{kk} {vv:.3f}" for kk, vv in v.items()) + " | |")
    lines += [
        "",
        "Definitions: see `models/vae/evaluate.py` and docs/models.md.",
        "",
        "## Limits",
        "- 2 bars at a time; longer melodies are handled as chained 2-bar segments.",
        "- Trained only on European/Chinese folk tunes and chorale melodies: expect those idioms.",
    ]
    path = folder / "model_card.md"
    atomic_write_text(path, "\n".join(lines) + "\n")
    atomic_write_text(folder / "eval.json", json.dumps(evaluation, indent=2) + "\n")
    return path
