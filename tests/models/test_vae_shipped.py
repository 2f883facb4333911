"""The shipped VAE weights: they load without pickles and reconstruct held-out melodies well.

The fixture holds only test-split tunes of the full corpus (models/data/splits.py:held_out_sample),
so these windows were never trained on.
"""
import json

import numpy as np
import pytest

from latentroll.models.vae.metrics import reconstruction_metrics
from latentroll.models.vae.service import MelodyVAEService, default_model_dir
from latentroll.models.vae.train import melody_data

SHIPPED = default_model_dir()
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


def test_eval_json_matches_card(shipped):
    res = json.loads((SHIPPED / "eval.json").read_text())
    for key in ("tf_accuracy", "recon_accuracy", "kl", "interp_monotone", "oa", "style_fidelity",
                "decode64_ms", "interp16_ms"):
        assert key in res


def test_samples_are_melodies(shipped):
    tracks = shipped.sample(16, temperature=1.0, seed=0)
    counts = [len(t.notes) for t in tracks]
    assert np.mean(counts) >= 3, counts
