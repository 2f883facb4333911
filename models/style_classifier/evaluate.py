"""``latentroll eval classifier``: the style classifier's accuracy on held-out test windows.

- accuracy: share of test windows (2 bars from each bar line of the test tunes) labelled with
  their tune's style; balanced_accuracy: the mean of the per-style accuracies (the styles are
  not equally common).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from latentroll.models.data.corpus import Corpus
from latentroll.models.data.splits import WindowSet, melody_data

from .service import StyleClassifierService


def balanced_accuracy(pred: np.ndarray, truth: np.ndarray, n: int) -> float:
    accs = [float((pred[truth == k] == k).mean()) for k in range(n) if (truth == k).any()]
    return float(np.mean(accs)) if accs else 0.0


def evaluate_classifier(svc: StyleClassifierService, windows: WindowSet) -> dict:
    pred = svc.classify(windows.events)
    return {"test_windows": int(len(windows)), "accuracy": float((pred == windows.styles).mean()),
            "balanced_accuracy": balanced_accuracy(pred, windows.styles, len(svc.cfg.styles))}


def evaluate_cli(model_dir: Path | None, corpus: Corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry: load the shipped (or given) classifier, measure it."""
    svc = StyleClassifierService.load(model_dir)
    res = evaluate_classifier(svc, melody_data(corpus, svc.cfg).test)
    res["model"] = svc.name
    return res
