"""The whole-melody repair network: crops, tiny training, the service repairing with it, shipping."""
import json

import numpy as np
import pytest
import torch

from latentroll.core.song import Track
from latentroll.models.autoencoder.config import get_config, get_repair_config
from latentroll.models.autoencoder.evaluate import MARGINS, EvalConfig, evaluate_ae, repair_scores
from latentroll.models.autoencoder.network import MelodyAE
from latentroll.models.autoencoder.repair import margin_for, repair_events, tune_logprobs
from latentroll.models.autoencoder.repair_net import RepairNet, bar_positions
from latentroll.models.autoencoder.repair_train import crop, train_repair
from latentroll.models.autoencoder.service import MelodyAEService, default_repair_dir
from latentroll.models.autoencoder.train import train_ae
from latentroll.models.common.export import load_run_weights, publish_model
from latentroll.models.data.melody import (
    FIRST_PITCH_CLASS, NO_EVENT, events_to_notes, notes_to_events, pitch_to_event,
)
from latentroll.models.data.splits import melody_data, split_tunes




def test_crop_starts_on_a_bar_line_and_stands_alone(scale_tune):
    ev = np.zeros(16 * 10, np.uint8)
    ev[0] = pitch_to_event(60)              # one note held for 10 bars
    rng = np.random.default_rng(0)
    for _ in range(20):
        c = crop(ev, 16, 3, rng)
        assert len(c) == 48 and c[0] == pitch_to_event(60) and (c[1:] == NO_EVENT).all()
    short = scale_tune(2)
    assert np.array_equal(crop(short, 16, 3, rng), short)


def test_network_reads_any_length_and_the_loss_skips_padding(scale_tune, small_corpus):
    from latentroll.models.autoencoder.repair_train import IGNORE, RepairTask

    cfg = get_repair_config("tiny")
    net = RepairNet(cfg).eval()
    for bars in (1, 3, 9):
        ev = torch.as_tensor(scale_tune(bars).astype(np.int64))
        with torch.no_grad():
            assert net(ev[None], bar_positions(len(ev), 16)[None]).shape == (1, 16 * bars, cfg.num_classes)
    task = RepairTask(cfg, split_tunes(small_corpus, "train"), [])
    rough, pos, clean = task.batch(np.arange(16), np.random.default_rng(0))
    lengths = (clean != IGNORE).sum(1)
    assert rough.shape == clean.shape == pos.shape and lengths.max() == rough.shape[1] and lengths.min() < lengths.max()
    assert all((clean[i, n:] == IGNORE).all() and (clean[i, :n] != IGNORE).all() for i, n in enumerate(lengths))
    assert ((rough != clean) & (clean != IGNORE)).any()  # some crops were corrupted


@pytest.fixture(scope="module")
def repair_svc(small_corpus, tmp_path_factory):
    base = tmp_path_factory.mktemp("repair")
    ae_cfg = get_config("tiny", epochs=1)
    train_ae(ae_cfg, base / "ae_run", corpus=small_corpus, max_steps=3)
    publish_model(load_run_weights(MelodyAE(ae_cfg), base / "ae_run" / "last"), ae_cfg, base / "ae_run" / "last",
                  base / "ae")
    cfg = get_repair_config("tiny", epochs=3)
    losses = []
    summary = train_repair(cfg, base / "run", corpus=small_corpus, progress=lambda p: losses.append(p.metrics["loss"]))
    publish_model(load_run_weights(RepairNet(cfg), base / "run" / "last"), cfg, base / "run" / "last", base / "net")
    return summary, losses, MelodyAEService.load(base / "ae", base / "net"), base


def test_tiny_training_loss_falls(repair_svc):
    summary, losses, _, _ = repair_svc
    assert summary["epochs"] == 3
    assert np.mean(losses[-3:]) < 0.7 * np.mean(losses[:3]), (losses[:3], losses[-3:])
    h = summary["history"][-1]
    assert 0 <= h["valid_repair_argmax"] <= 1 and 0 <= h["valid_clean_change_m2"] <= 1
    assert h["valid_clean_nll"] < summary["history"][0]["valid_clean_nll"]


def test_service_repairs_with_the_network_when_it_is_there(repair_svc, scale_tune):
    svc = repair_svc[2]
    assert isinstance(svc.repairer, RepairNet)
    ev = scale_tune(4)
    melody = Track(name="m", notes=events_to_notes(ev))
    same = svc.repair(melody, strength=0.0)
    assert np.array_equal(same.notes["pitch"], melody.notes["pitch"])
    plain = svc.repair(melody, strength=1.0)   # the plain decoding: each step's best event
    got = notes_to_events(plain.notes["start"], plain.notes["duration"], plain.notes["pitch"], len(ev))
    want = tune_logprobs(svc.repair_net, ev, 16).argmax(-1)
    assert np.array_equal(got[want != NO_EVENT], want[want != NO_EVENT])
    assert np.array_equal(repair_events(svc.repairer, ev, 16, 0.0), ev)


def test_evaluate_names_the_repairing_network_and_the_code_autoencoders_figures(repair_svc, small_corpus):
    svc = repair_svc[2]
    res = evaluate_ae(svc, small_corpus, melody_data(small_corpus, svc.cfg), None,
                      EvalConfig(recon_windows=50, repair_tunes=10, timing_repeats=1))
    assert res["repair_model"] == "tiny"
    for k in ("repair_rate", "clean_change_rate", "code_repair_rate", "code_clean_change_rate", "bits_per_bar"):
        assert 0 <= res[k] <= (64 if k == "bits_per_bar" else 1), k


def test_ship_repair_calibrates_and_writes_its_card(repair_svc, small_corpus, tmp_path, monkeypatch):
    from latentroll.models.autoencoder.ship import ship_repair

    base = repair_svc[3]
    monkeypatch.setenv("LATENTROLL_AE_DIR", str(base / "ae"))
    res = ship_repair(base / "run", "last", tmp_path / "model", small_corpus, [])
    cfg = json.loads((tmp_path / "model" / "config.json").read_text())
    assert cfg["repair_margin"] in MARGINS
    card = (tmp_path / "model" / "model_card.md").read_text()
    assert "repair network" in card and "latentroll train repair" in card and "repair_rate" in card
    assert res["repair_model"] == "tiny"


# ---- the shipped weights ------------------------------------------------------------------
shipped = pytest.mark.skipif(not (default_repair_dir() / "model.safetensors").exists(),
                             reason="no shipped repair network (train and ship it: docs/training.md)")


@shipped
def test_shipped_repair_restores_wrong_notes_of_held_out_tunes(small_corpus):
    """The fixture's tunes all come from the full corpus's test split (held out from training).
    A regression guard at the shipped level (0.28 here, 0.287 on the whole test split; the
    issue's goal of 0.80 is not reached) and 3x what the code autoencoder restores."""
    svc = MelodyAEService.load()
    assert (default_repair_dir() / "model.safetensors").stat().st_size < 20e6
    tunes = split_tunes(small_corpus, "train") + split_tunes(small_corpus, "valid") + split_tunes(small_corpus, "test")
    res = repair_scores(svc.repairer, tunes, 0.1, {"s": margin_for(0.5, svc.repairer.cfg.repair_margin)}, seed=0)["s"]
    assert res["corrupted_notes"] > 1000
    assert res["repair_rate"] >= 0.22, res
    assert res["clean_change_rate"] <= 0.02, res
    code = repair_scores(svc.model, tunes, 0.1, {"s": margin_for(0.5, svc.cfg.repair_margin)}, seed=0)["s"]
    assert res["repair_rate"] >= 2.5 * code["repair_rate"], (res, code)


@shipped
def test_shipped_repair_fixes_a_wrong_note_in_a_plain_tune(scale_tune):
    svc = MelodyAEService.load()
    ev = scale_tune(4)
    rough = ev.copy()
    rough[8] = pitch_to_event(63)  # E → Eb in a C major scale run
    fixed = svc.repair(Track(name="m", notes=events_to_notes(rough)))
    out = notes_to_events(fixed.notes["start"], fixed.notes["duration"], fixed.notes["pitch"], len(ev))
    assert out[8] == ev[8]
    assert (out != ev).sum() <= 2
