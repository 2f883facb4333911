"""Model-card building blocks shared by every shipped model: data, commands, history, metrics.

Each model's ``card.py`` writes its own description and limits and assembles these sections;
``save_card`` writes model_card.md and eval.json beside the weights.
"""
from __future__ import annotations

import json
from pathlib import Path

from latentroll.core.io.atomic import atomic_write_text

Targets = dict[str, tuple[str, float]]  # metric → (">=" or "<=", target)


def met(targets: Targets, key: str, value: float) -> str:
    op, target = targets[key]
    ok = value >= target if op == ">=" else value <= target
    return f"{'met' if ok else 'NOT met'} (target {op} {target})"


def data_lines(data: dict, unit: str) -> list[str]:
    """The corpus and split counts a run recorded (``data`` of the checkpoint's state.json)."""
    return [
        "music21's bundled corpus, no downloads: "
        + ", ".join(f"{k} {v} tunes" for k, v in data.get("by_style", {}).items())
        + f"; {data.get('tunes', '?')} tunes in all.",
        f"Split by tune (seeded, stratified by style, shared by every model) 80/10/10: {unit} "
        + ", ".join(f"{k} {v}" for k, v in data.get(unit, {}).items()) + ".",
    ]


def training_lines(state: dict, params: int, size_mb: float, details: str) -> list[str]:
    st = state.get("state", {})
    return [
        f"{params:,} parameters, {size_mb:.1f} MB of safetensors. {details}",
        f"Trained {st.get('epoch', '?')} epochs / {st.get('step', '?')} steps in "
        f"{st.get('seconds', 0) / 3600:.2f} CPU hours (2 cores, no GPU).",
    ]


def command_lines(commands: list[str]) -> list[str]:
    return ["Commands:", "", *[f"    {c}" for c in commands], ""]


def history_table(state: dict, columns: list[tuple[str, str, str]]) -> list[str]:
    """Per-epoch validation rows; ``columns`` = (header, metrics.jsonl key, format)."""
    hist = state.get("state", {}).get("history", [])
    head = ["epoch", "step", "hours", *[c[0] for c in columns]]
    rows = [
        "| " + " | ".join([str(h["epoch"]), str(h["step"]), f"{h['seconds'] / 3600:.2f}",
                           *[format(h.get(key, 0.0), fmt) for _, key, fmt in columns]]) + " |"
        for h in hist
    ]
    return ["Per-epoch validation (metrics.jsonl of the run):", "",
            "| " + " | ".join(head) + " |", "|" + "---|" * len(head), *rows, ""]


def metrics_table(evaluation: dict, targets: Targets) -> list[str]:
    lines = ["| metric | value | target |", "|---|---|---|"]
    for k, v in evaluation.items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            lines.append(f"| {k} | {v:.4g} | {met(targets, k, v) if k in targets else ''} |")
        elif isinstance(v, dict):
            lines.append(f"| {k} | " + ", ".join(
                f"{kk} {vv:.3f}" if isinstance(vv, float) else f"{kk} {vv}" for kk, vv in v.items()) + " | |")
    return lines


def storage_lines(folder: Path) -> list[str]:
    """How the weights are stored: the figures above were measured on exactly these."""
    from .weights import storage_dtype

    dtype = storage_dtype(Path(folder) / "model.safetensors")
    return ["", "## Storage", f"Weights stored as {dtype} on disk ({weights_mb(folder):.1f} MB), "
            "upcast to float32 when loaded; the evaluation above ran on them."]


def save_card(folder: Path, lines: list[str], evaluation: dict) -> Path:
    path = Path(folder) / "model_card.md"
    atomic_write_text(path, "\n".join([*lines, *storage_lines(folder)]) + "\n")
    atomic_write_text(Path(folder) / "eval.json", json.dumps(evaluation, indent=2) + "\n")
    return path


def weights_mb(folder: Path) -> float:
    return (Path(folder) / "model.safetensors").stat().st_size / 1e6
