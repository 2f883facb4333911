"""The style classifier package: tiny training, its service and evaluation, the shipped judge."""
import subprocess
import sys

import numpy as np
import pytest

from latentroll.models.data.splits import melody_data
from latentroll.models.registry import entry
from latentroll.models.style_classifier.config import CONFIGS
from latentroll.models.style_classifier.evaluate import balanced_accuracy, evaluate_classifier, evaluate_cli
from latentroll.models.style_classifier.service import StyleClassifierService
from latentroll.models.style_classifier.train import train_cli


def test_balanced_accuracy_weights_each_style_equally():
    pred, truth = np.array([0, 0, 1, 1, 1]), np.array([0, 1, 1, 1, 1])
    assert balanced_accuracy(pred, truth, 2) == pytest.approx((1.0 + 0.75) / 2)
    assert balanced_accuracy(pred, truth, 3) == pytest.approx((1.0 + 0.75) / 2)  # a style with no windows is skipped


def test_tiny_classifier_trains_saves_and_measures_what_the_service_says(small_corpus, tmp_path):
    res = train_cli("tiny", tmp_path / "run", small_corpus, max_steps=10, out_dir=tmp_path / "model")
    svc = StyleClassifierService.load(tmp_path / "model")
    assert svc.cfg == CONFIGS["tiny"]  # the config round-trips through config.json
    test = melody_data(small_corpus, svc.cfg).test
    pred = svc.classify(test.events)
    assert pred.shape == (len(test),) and set(np.unique(pred)) <= set(range(len(svc.cfg.styles)))
    figures = evaluate_cli(tmp_path / "model", small_corpus)
    assert figures["accuracy"] == pytest.approx(float((pred == test.styles).mean()))
    assert figures["accuracy"] == pytest.approx(res["test_accuracy"])
    assert figures["test_windows"] == len(test) and res["saved"] == str(tmp_path / "model")


def test_the_classifier_trains_without_the_vae():
    """The judge of the VAE's style fidelity does not import the VAE (no eval ↔ vae cycle)."""
    code = ("import sys, latentroll.models.style_classifier.train, latentroll.models.style_classifier.evaluate; "
            "print(sorted(m for m in sys.modules if m.startswith('latentroll.models.vae')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.skipif(not (entry("classifier").model_dir() / "model.safetensors").exists(), reason="no shipped style classifier")
def test_shipped_classifier_labels_held_out_windows(small_corpus):
    """The fixture's tunes come from the full corpus's test split: 0.74 here, 0.63 on the whole split."""
    svc = StyleClassifierService.load()
    res = evaluate_classifier(svc, melody_data(small_corpus, svc.cfg).test)
    assert res["accuracy"] >= 0.6 and res["balanced_accuracy"] >= 0.6, res
