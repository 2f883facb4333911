"""The shipped drum weights meet a floor on held-out clips: the committed fixture's test files
(GMD's test split, never trained on), through the services the app loads."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from latentroll.models.registry import MODELS

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "groove_small.npz"


def _shipped(key: str):
    from latentroll.models.common.protocol import model_folders
    from latentroll.models.registry import MAIN, resolve

    folder = model_folders(key)[MAIN]
    if not (folder / "model.safetensors").exists():
        pytest.skip(f"no shipped {key} weights")
    return resolve(MODELS[key].service).load(folder)


def _test_windows(bars: int):
    from latentroll.models.drums.data import DrumCorpus, drum_data

    return drum_data(DrumCorpus.load(FIXTURE), bars).test


def test_the_drum_vae_reconstructs_held_out_clips():
    from latentroll.models.drums.train import vae_metrics

    svc = _shipped("drums_vae")
    test = _test_windows(svc.cfg.bars)
    m = vae_metrics(svc.model, test.x, test.style, greedy_limit=len(test))
    empty = 1 - test.x[..., :9].mean()  # what predicting no hit at all scores
    assert m["tf_accuracy"] >= 0.92 and m["greedy_accuracy"] >= 0.9, m
    assert m["greedy_accuracy"] > empty + 0.03, (m, empty)


def test_groove_beats_no_change_and_drumify_beats_the_rule():
    from latentroll.models.drums.data import DrumCorpus, drum_data
    from latentroll.models.drums.evaluate import evaluate_drumify, evaluate_groove

    groove, drumify = _shipped("groove"), _shipped("drumify")
    data = drum_data(DrumCorpus.load(FIXTURE), groove.cfg.bars)
    g = evaluate_groove(groove, data, quick=True)
    base = g["groove_baselines"]
    assert g["groove_timing_mae"] < base["no_change_timing"] and g["groove_velocity_mae"] < base["no_change_velocity"]
    d = evaluate_drumify(drumify, data, quick=True)
    assert d["drumify_f1"] > d["drumify_f1_baseline"] + 0.05, d


def test_the_drum_lm_continues_better_than_chance():
    import torch

    from latentroll.models.drums.tools_net import TOKENS, hits_to_token
    from latentroll.models.drums.tools_train import tool_input

    svc = _shipped("drums_lm")
    test = _test_windows(svc.cfg.bars)
    with torch.no_grad():
        y = svc.model(torch.as_tensor(tool_input("lm", test.x)), torch.full((len(test),), svc.cfg.any_style))
    tok = hits_to_token(torch.as_tensor(test.x[..., :9]))
    acc = (y[..., :TOKENS].argmax(-1) == tok).float().mean().item()
    silent = float((tok == 0).float().mean())  # always predicting "no hit"
    assert acc > silent + 0.05, (acc, silent)
    assert np.isfinite(acc)
