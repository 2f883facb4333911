"""The drum models' tiny configs learn on the committed GMD fixture (a few files per split):
through their registry entries, the loss falls, and a run resumes where it stopped."""
from __future__ import annotations

import pytest

from latentroll.models.registry import MODELS, resolve

DRUM_MODELS = ["drums_vae", "groove", "drumify", "drums_lm"]


@pytest.fixture(scope="module")
def drum_fixture():
    from pathlib import Path

    from latentroll.models.drums.data import DrumCorpus

    return DrumCorpus.load(Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "groove_small.npz")


def test_the_fixture_holds_every_split(drum_fixture):
    s = drum_fixture.summary()
    assert s["train_files"] and s["validation_files"] and s["test_files"]


@pytest.mark.parametrize("key", DRUM_MODELS)
def test_a_tiny_drum_model_learns_on_the_fixture(key, drum_fixture, tmp_path):
    seen = []
    summary = resolve(MODELS[key].train)("tiny", tmp_path / "run", corpus=drum_fixture, progress=seen.append,
                                         epochs=4)
    assert summary["data"]["train_files"] == drum_fixture.summary()["train_files"]
    first, last = seen[0].metrics["loss"], seen[-1].metrics["loss"]  # running means
    assert last < 0.95 * first, (first, last)
    # resumable: a second call on the same run folder trains no further steps
    again = resolve(MODELS[key].train)("tiny", tmp_path / "run", corpus=drum_fixture, epochs=4)
    assert again["steps"] == summary["steps"]
