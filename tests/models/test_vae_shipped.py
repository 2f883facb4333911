"""The shipped VAE weights: they load without pickles and reconstruct held-out melodies well.

The fixture holds only test-split tunes of the full corpus (models/data/splits.py:held_out_sample),
so these windows were never trained on.
"""
import json
import math

import numpy as np
import pytest

from latentroll.models.registry import entry
from latentroll.models.vae.metrics import reconstruction_metrics
from latentroll.models.vae.service import MelodyVAEService
from latentroll.models.vae.train import melody_data

SHIPPED = entry("vae").model_dir()
pytestmark = pytest.mark.skipif(not (SHIPPED / "model.safetensors").exists(), reason="no shipped VAE weights")


@pytest.fixture(scope="module")
def shipped():
    return MelodyVAEService.load(SHIPPED)


def test_shipped_folder_is_complete_and_small():
    names = {p.name for p in SHIPPED.iterdir()}
    assert {"model.safetensors", "config.json", "latent_stats.safetensors", "model_card.md"} <= names
    assert not any(n.endswith((".pt", ".pth", ".pkl", ".ckpt")) for n in names)
    assert (SHIPPED / "model.safetensors").stat().st_size < 20_000_000
    card = (SHIPPED / "model_card.md").read_text()
    assert "latentroll train vae" in card and "tf_accuracy" in card


def test_reconstructs_held_out_windows(shipped, small_corpus):
    data = melody_data(small_corpus, shipped.cfg)
    events = np.concatenate([data.train.events, data.valid.events, data.test.events])
    rng = np.random.default_rng(0)
    pick = events[rng.permutation(len(events))[:100]]
    m = reconstruction_metrics(shipped.model, pick)
    assert m["tf_accuracy"] > 0.85, m
    assert m["recon_accuracy"] > 0.75, m


def card_figures(card: str) -> dict[str, float | dict[str, float]]:
    """The evaluation table of a model card: metric -> value (or name -> value for the rows
    that list several, such as ``oa``)."""
    section = card.split("## Evaluation", 1)[1].split("\n## ", 1)[0]
    out: dict[str, float | dict[str, float]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or cells[0] == "metric" or set(cells[0]) <= {"-"}:
            continue
        try:
            out[cells[0]] = float(cells[1])
        except ValueError:
            out[cells[0]] = {k: float(v) for k, v in (pair.rsplit(" ", 1) for pair in cells[1].split(", "))}
    return out


def card_mismatches(card: str, evaluation: dict) -> list[str]:
    """Figures the card shows that differ from ``evaluation`` beyond the card's rounding
    (4 significant digits for metrics, 3 decimals for the listed parts)."""
    out = []
    for key, shown in card_figures(card).items():
        measured = evaluation.get(key)
        if isinstance(shown, dict):
            if not isinstance(measured, dict) or shown.keys() != measured.keys() or any(
                    not math.isclose(v, measured[k], abs_tol=5e-4) for k, v in shown.items()):
                out.append(f"{key}: card {shown}, eval.json {measured}")
        elif not isinstance(measured, (int, float)) or not math.isclose(shown, measured, rel_tol=5e-4):
            out.append(f"{key}: card {shown}, eval.json {measured}")
    return out


def test_eval_json_matches_card():
    res = json.loads((SHIPPED / "eval.json").read_text())
    card = (SHIPPED / "model_card.md").read_text()
    shown = card_figures(card)
    for key in ("tf_accuracy", "recon_accuracy", "kl", "interp_monotone", "oa", "style_fidelity",
                "decode64_ms", "interp16_ms"):
        assert key in res and key in shown
    assert card_mismatches(card, res) == []
    changed = dict(res, recon_accuracy=res["recon_accuracy"] - 0.01, oa=dict(res["oa"], ioi=0.5))
    assert [m.split(":")[0] for m in card_mismatches(card, changed)] == ["recon_accuracy", "oa"]


def test_samples_are_melodies(shipped):
    tracks = shipped.sample(16, temperature=1.0, seed=0)
    counts = [len(t.notes) for t in tracks]
    assert np.mean(counts) >= 3, counts
