"""The My style card: ``latentroll eval mystyle --card FILE`` writes the figures as markdown."""
from __future__ import annotations

from pathlib import Path

from latentroll.core.io.atomic import atomic_write_text

TARGET_GAIN = 0.1  # OA gain over "any style" (issue 15)
COLUMNS = ("oa_mystyle", "oa_any", "oa_corpus_style", "oa_gain", "latent_dist_mystyle", "latent_dist_any",
           "latent_dist_corpus_style", "latent_dist_real", "copy_rate_mystyle", "copy_rate_real", "fit_seconds")


def card_text(res: dict) -> str:
    cfg = res.get("config", {})
    lines = [
        "# My style: personalizing the melody VAE",
        "",
        f"Melody VAE `{res.get('model', '?')}`; method `{res['method']}` (models/mystyle/model.py). For each corpus "
        f"style, {cfg.get('user_tunes', '?')} test tunes play the user's melodies; samples "
        f"({cfg.get('samples', '?')} per method) are compared with up to {cfg.get('reference', '?')} windows of "
        "the style's other test tunes (`latentroll eval mystyle`; definitions in models/mystyle/evaluate.py).",
        "",
        "| style | " + " | ".join(COLUMNS) + " |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    for name, row in res["styles"].items():
        lines.append(f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c in COLUMNS) + " |")
    lines.append("| **mean** | " + " | ".join(f"**{res[c]:.3f}**" for c in COLUMNS) + " |")
    gain = res["oa_gain"]
    lines += ["", f"OA gain over \"any style\": {gain:.3f} (target ≥ {TARGET_GAIN}: "
                  f"{'met' if gain >= TARGET_GAIN else 'not met'}).", "", "Methods measured (means over styles):", "",
              "| method | oa | oa_gain | latent_dist | copy_rate |", "|---|---:|---:|---:|---:|"]
    for m, row in res["methods"].items():
        lines.append(f"| {m} | {row['oa']:.3f} | {row['oa_gain']:.3f} | {row['latent_dist']:.3f} | "
                     f"{row['copy_rate']:.3f} |")
    return "\n".join(lines) + "\n"


def write_card(res: dict, path: Path) -> Path:
    atomic_write_text(path, card_text(res))
    return path
