"""A tiny VAE trains on the committed fixture: its loss falls, and a killed run resumes."""
import json

import numpy as np

from latentroll.models.vae.config import get_config
from latentroll.models.vae.train import melody_data, train_vae


def test_fixture_split_is_by_tune(small_corpus):
    cfg = get_config("tiny")
    data = melody_data(small_corpus, cfg)
    from latentroll.models.data.splits import split_ids

    ids = split_ids(small_corpus)
    assert not set(ids["train"]) & set(ids["test"])
    assert not set(ids["train"]) & set(ids["valid"])
    assert len(data.train) > len(data.test) > 0
    # every style is in every split
    for part in (data.train, data.valid, data.test):
        assert set(np.unique(part.styles)) == set(range(len(cfg.styles)))


def test_tiny_training_loss_falls_and_resumes(small_corpus, tmp_path):
    cfg = get_config("tiny", epochs=3)
    losses = []
    summary = train_vae(cfg, tmp_path / "run", corpus=small_corpus,
                        progress=lambda p: losses.append(p.metrics["nll"]))
    assert summary["epochs"] == 3
    first, last = np.mean(losses[:5]), np.mean(losses[-5:])
    assert last < 0.8 * first, (first, last)
    lines = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == 3
    rec = json.loads(lines[-1])
    assert 0.0 <= rec["valid_tf_accuracy"] <= 1.0 and rec["valid_kl"] >= 0
    assert (tmp_path / "run" / "best" / "model.safetensors").exists()
    # resuming a finished run trains no more; asking for more epochs continues from the checkpoint
    again = train_vae(get_config("tiny", epochs=4), tmp_path / "run", corpus=small_corpus)
    assert again["epochs"] == 4 and again["steps"] > summary["steps"]


def test_stop_mid_epoch_then_resume_reaches_same_step_count(small_corpus, tmp_path):
    cfg = get_config("tiny", epochs=1)
    full = train_vae(cfg, tmp_path / "a", corpus=small_corpus)
    part = train_vae(cfg, tmp_path / "b", corpus=small_corpus, max_steps=3)
    assert part["steps"] == 3 and part["epochs"] == 0
    rest = train_vae(cfg, tmp_path / "b", corpus=small_corpus)
    assert rest["steps"] == full["steps"] and rest["epochs"] == 1
