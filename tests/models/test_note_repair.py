"""The note-level repair network: its converter, tiny training, the service repairing with it,
shipping, and the shipped weights on held-out tunes."""
import json

import numpy as np
import pytest
import torch

from latentroll.core.song import Track
from latentroll.models.autoencoder.config import get_config
from latentroll.models.autoencoder.evaluate import EvalConfig
from latentroll.models.autoencoder.network import MelodyAE
from latentroll.models.autoencoder.train import train_ae
from latentroll.models.common.export import load_run_weights, publish_model
from latentroll.models.common.protocol import model_folders
from latentroll.models.common.repair_margin import MARGINS, margin_for, repair_events, repair_scores
from latentroll.models.data.corruption import shift_notes
from latentroll.models.data.melody import (
    FIRST_PITCH_CLASS,
    NO_EVENT,
    NOTE_OFF,
    events_to_notes,
    notes_to_events,
    pitch_to_event,
)
from latentroll.models.data.splits import melody_data, split_tunes
from latentroll.models.registry import WEIGHTS_FILE, entry
from latentroll.models.repair.config import get_config as get_note_repair_config
from latentroll.models.repair.evaluate import evaluate_repair
from latentroll.models.repair.network import NoteRepairNet
from latentroll.models.repair.note_features import KEEP, NUM_CONTEXT_FEATURES, note_rows, offset_labels
from latentroll.models.repair.note_repair import (
    calibrated_margin,
    note_fixes,
    note_logprobs,
    uses_opinion,
    without_opinion,
)
from latentroll.models.repair.service import MelodyRepairService, lm_opinion
from latentroll.models.repair.train import IGNORE, NoteRepairTask, note_crop, train_note_repair

SHIPPED_REPAIR_FLOOR = 0.5  # the shipped repair restores 0.645 of the whole test split, the network alone 0.589 (its card)


def test_note_rows_read_onsets_lengths_and_rests():
    ev = np.array([30, 0, 0, NOTE_OFF, 32, 0, 33, 0, 0, 0, NOTE_OFF, 0, 0, 0, 40, 0], np.uint8)
    r = note_rows(ev, 8)
    assert r.onsets.tolist() == [0, 4, 6, 14]
    assert r.pitch.tolist() == [30, 32, 33, 40]
    assert r.position.tolist() == [0, 4, 6, 6]
    assert r.sound.tolist() == [3, 2, 4, 2]
    assert r.rest.tolist() == [1, 0, 4, 0]


def test_offset_labels_say_how_far_each_note_is_from_the_clean_one(scale_tune):
    clean = scale_tune(4)
    rough, moved = shift_notes(clean[None], 0.3, np.random.default_rng(0))
    rough, moved = rough[0], moved[0]
    rows = note_rows(rough, 16)
    lab = offset_labels(rough, clean, rows.onsets)
    assert (lab[~moved[rows.onsets]] == KEEP).all()
    assert (lab[moved[rows.onsets]] != KEEP).all() and moved.any()
    assert np.array_equal(rough[rows.onsets] + lab - KEEP, clean[rows.onsets])


def test_context_votes_come_from_repeated_phrases(scale_tune):
    """The scale run (4 bars up and down) comes back; a note moved in the first run gets a vote
    for its old pitch from the second, and the key shares are the tune's pitch-class shares."""
    ev = scale_tune(8)
    rough = ev.copy()
    rough[8] = pitch_to_event(65)          # E → F in the first run
    rows = note_rows(rough, 16)
    ctx = rows.context()
    assert ctx.shape == (len(rows.pitch), NUM_CONTEXT_FEATURES)
    i = int(np.nonzero(rows.onsets == 8)[0][0])
    votes = ctx[i, 12:17]                  # neighbours ±1 with rhythm: offsets −2…+2
    assert votes[1] > 0 and votes[1] == votes.max()   # the other bars' E is a semitone below
    assert np.isclose(ctx[:, :12].sum(1), 1.0).all()


def test_note_crop_keeps_whole_bars_and_at_most_the_asked_notes(scale_tune):
    ev = scale_tune(20)                    # 80 notes
    rng = np.random.default_rng(0)
    for _ in range(10):
        c = note_crop(ev, 16, 30, rng)
        assert len(c) % 16 == 0 and 0 < (c >= FIRST_PITCH_CLASS).sum() <= 30
    assert np.array_equal(note_crop(ev, 16, 500, rng), ev)


def test_network_reads_any_length_and_the_loss_skips_padding(small_corpus):
    cfg = get_note_repair_config("tiny", context_features=True)
    task = NoteRepairTask(cfg, split_tunes(small_corpus, "train"), [])
    feats, context, pad, labels = task.batch(np.arange(8), np.random.default_rng(0))
    assert feats.shape[1:] == labels.shape == pad.shape and context.shape == (*labels.shape, NUM_CONTEXT_FEATURES)
    assert ((labels == IGNORE) == pad).all() and pad.any() and not pad.all(1).any()
    assert ((labels != KEEP) & ~pad).any()  # some notes were moved
    with torch.no_grad():
        assert task.model(*feats, context, pad=pad).shape == (*labels.shape, 5)


@pytest.fixture(scope="module")
def repair_svc(small_corpus, tmp_path_factory):
    base = tmp_path_factory.mktemp("repair")
    ae_cfg = get_config("tiny", epochs=1)
    train_ae(ae_cfg, base / "ae_run", corpus=small_corpus, max_steps=3)
    publish_model(load_run_weights(MelodyAE(ae_cfg), base / "ae_run" / "last"), ae_cfg, base / "ae_run" / "last",
                  base / "ae")
    cfg = get_note_repair_config("tiny", epochs=3, context_features=True)
    losses = []
    summary = train_note_repair(cfg, base / "run", corpus=small_corpus,
                                progress=lambda p: losses.append(p.metrics["loss"]))
    publish_model(load_run_weights(NoteRepairNet(cfg), base / "run" / "last"), cfg, base / "run" / "last",
                  base / "net")
    return summary, losses, MelodyRepairService.load({"ae": base / "ae", "model": base / "net"}), base


def test_tiny_training_loss_falls(repair_svc):
    summary, losses, _, _ = repair_svc
    assert summary["epochs"] == 3
    assert np.mean(losses[-3:]) < 0.7 * np.mean(losses[:3]), (losses[:3], losses[-3:])
    h = summary["history"][-1]
    assert 0 <= h["valid_repair_at_1.5pct"] <= 1 and 0 <= h["valid_clean_change_m0"] <= 1


def test_service_moves_only_pitches_and_strength_sets_how_many(repair_svc, scale_tune):
    svc = repair_svc[2]
    assert isinstance(svc.repairer, NoteRepairNet)
    ev = scale_tune(4)
    melody = Track(name="m", notes=events_to_notes(ev))
    same = svc.repair(melody, strength=0.0)
    assert np.array_equal(same.notes["pitch"], melody.notes["pitch"])
    rows, logp = note_logprobs(svc.repair_net, ev, 16)
    assert logp.shape == (len(rows.pitch), 5) and np.allclose(np.exp(logp).sum(1), 1, atol=1e-5)
    changed = []
    for s in (0.25, 0.5, 0.75, 1.0):
        out = repair_events(svc.repairer, ev, 16, s)
        assert np.array_equal(out == NO_EVENT, ev == NO_EVENT)            # the rhythm stays
        assert (np.abs(out.astype(int) - ev.astype(int)) <= 2).all()       # pitches move ≤ 2 semitones
        changed.append(int((out != ev).sum()))
    assert changed == sorted(changed)


def test_evaluate_names_the_repairing_network_and_the_code_autoencoders_figures(repair_svc, small_corpus):
    svc = repair_svc[2]
    res = evaluate_repair(svc, small_corpus, melody_data(small_corpus, svc.cfg), None,
                      EvalConfig(recon_windows=50, repair_tunes=10, timing_repeats=1))
    assert res["repair_model"] == "tiny"
    for k in ("repair_rate", "clean_change_rate", "code_repair_rate", "code_clean_change_rate", "bits_per_bar"):
        assert 0 <= res[k] <= (64 if k == "bits_per_bar" else 1), k


def test_ship_repair_calibrates_and_writes_its_card(repair_svc, small_corpus, tmp_path, monkeypatch):
    import dataclasses

    import latentroll.models.repair.service as repair_service
    import latentroll.models.repair.ship as repair_ship
    from latentroll.models.repair.ship import ship_repair

    base = repair_svc[3]
    monkeypatch.setenv("LATENTROLL_AE_DIR", str(base / "ae"))
    shipped_opinion = repair_service.lm_opinion

    def quick_opinion(lstm_dir=None):  # the tiny network doubts every note: let the LSTM read one bar, not five
        o = shipped_opinion(lstm_dir)
        return None if o is None else dataclasses.replace(o, context_bars=0)

    monkeypatch.setattr(repair_service, "lm_opinion", quick_opinion)
    monkeypatch.setattr(repair_ship, "lm_opinion", quick_opinion)
    res = ship_repair(base / "run", "last", tmp_path / "model", small_corpus, [])
    cfg = json.loads((tmp_path / "model" / "config.json").read_text())
    assert cfg["repair_margin"] in MARGINS and cfg["context_features"] is True
    if lm_opinion() is not None:  # the melody LSTM is shipped: the network gets its opinion and a margin for it
        from latentroll.models.repair.ship import LM_WEIGHT

        assert cfg["lm_weight"] == LM_WEIGHT and cfg["lm_margin"] in MARGINS
        assert res["repair_lm_weight"] == LM_WEIGHT and 0 <= res["network_alone_repair_rate"] <= 1
    card = (tmp_path / "model" / "model_card.md").read_text()
    assert "repair network" in card and "latentroll train repair" in card and "repair_rate" in card
    assert res["repair_model"] == "tiny"


class FixedOpinion:
    """A stand-in second opinion with set gains (the arithmetic of combining, not the LSTM)."""

    def __init__(self, gains):
        self.g = gains

    def gains(self, events, bar, rows, net_gains):
        return self.g(len(rows.pitch))


def test_the_opinion_is_weighted_into_the_networks_gain_and_has_its_own_margin(repair_svc, scale_tune):
    import dataclasses

    net = repair_svc[2].repair_net
    ev = scale_tune(2)
    rows, logp = note_logprobs(net, ev, 16)
    alone = note_fixes(net, ev, 16, {"m": 0.0})["m"]
    cfg = net.cfg
    try:
        net.cfg = dataclasses.replace(cfg, lm_weight=0.5, lm_margin=7.0)

        def push_note_3_up_a_tone(n):
            g = np.full((n, 5), -np.inf)
            g[:, KEEP] = 0.0
            g[3, 4] = 40.0  # the network's gain + 0.5 × 40 clears any sane margin
            return g

        net.opinion = FixedOpinion(push_note_3_up_a_tone)
        assert uses_opinion(net) and calibrated_margin(net) == 7.0
        out = note_fixes(net, ev, 16, {"m": 0.0})["m"]
        changed = np.flatnonzero(out != ev)
        assert list(changed) == [rows.onsets[3]] and out[rows.onsets[3]] == ev[rows.onsets[3]] + 2
        with without_opinion(net):  # candidates the opinion does not ask about are never taken
            assert calibrated_margin(net) == cfg.repair_margin
            assert np.array_equal(note_fixes(net, ev, 16, {"m": 0.0})["m"], alone)
        assert net.opinion is not None
    finally:
        net.cfg, net.opinion = cfg, None


lstm_shipped = pytest.mark.skipif(not (model_folders("repair")["lstm"] / WEIGHTS_FILE).exists(),
                                  reason="no shipped melody LSTM")


@lstm_shipped
def test_the_lstm_prefers_the_pitch_that_restores_a_scale(scale_tune):
    ev = scale_tune(4)
    rough = ev.copy()
    rough[8] = pitch_to_event(63)  # E → Eb in a C major scale run
    rows = note_rows(rough, 16)
    asked = np.zeros((len(rows.pitch), 5))
    asked[:, 0] = -10.0  # the network finds −2 unlikely everywhere: not asked about
    gains = lm_opinion().gains(rough, 16, rows, asked)
    i = int(np.flatnonzero(rows.onsets == 8)[0])
    assert (gains[:, KEEP] == 0).all() and np.isneginf(gains[:, 0]).all()
    assert gains[i].argmax() == KEEP + 1 and gains[i, KEEP + 1] > 1.0  # Eb → E: the scale reads far likelier
    others = np.delete(np.arange(len(rows.pitch)), i)
    assert (gains[others].max(1) <= gains[i, KEEP + 1]).all()


def test_strength_maps_to_margins_around_the_calibrated_one():
    assert margin_for(0.0, 1.0) == np.inf
    assert margin_for(0.5, 1.0) == 1.0
    assert margin_for(1.0, 1.0) < margin_for(0.75, 1.0) < 1.0 < margin_for(0.25, 1.0)


# ---- the shipped weights ------------------------------------------------------------------
shipped = pytest.mark.skipif(not (entry("repair").model_dir() / "model.safetensors").exists(),
                             reason="no shipped repair network (train and ship it: docs/training.md)")


def _held_out_fixture_tunes(small_corpus):
    """The fixture's tunes all come from the full corpus's test split (held out from training)."""
    return split_tunes(small_corpus, "train") + split_tunes(small_corpus, "valid") + split_tunes(small_corpus, "test")


@shipped
def test_shipped_repair_network_restores_wrong_notes_of_held_out_tunes(small_corpus):
    """The network alone, on every fixture tune: a regression guard a little under the shipped
    level (see the model card), and well above what the code autoencoder restores."""
    svc = MelodyRepairService.load()
    assert (entry("repair").model_dir() / "model.safetensors").stat().st_size < 20e6
    tunes = _held_out_fixture_tunes(small_corpus)
    with without_opinion(svc.repairer) as net:
        res = repair_scores(net, tunes, 0.1, {"s": margin_for(0.5, calibrated_margin(net))}, seed=0)["s"]
    assert res["corrupted_notes"] > 1000
    assert res["repair_rate"] >= SHIPPED_REPAIR_FLOOR, res
    assert res["clean_change_rate"] <= 0.02, res
    code = repair_scores(svc.model, tunes, 0.1, {"s": margin_for(0.5, svc.cfg.repair_margin)}, seed=0)["s"]
    assert res["repair_rate"] >= 2.5 * code["repair_rate"], (res, code)


@shipped
@lstm_shipped
def test_shipped_repair_with_the_lstms_opinion_restores_more_at_no_more_clean_change(small_corpus):
    """What the service runs: the network with the LSTM's opinion (60 tunes: the LSTM makes it
    slower), against the network alone on the same corrupted tunes, at the alone margin that
    changes at least as many clean notes (the two are calibrated separately, so their shipped
    operating points differ)."""
    svc = MelodyRepairService.load()
    fixer = svc.repairer
    assert uses_opinion(fixer)
    tunes = _held_out_fixture_tunes(small_corpus)[:60]
    both = repair_scores(fixer, tunes, 0.1, {"s": margin_for(0.5, calibrated_margin(fixer))}, seed=0)["s"]
    with without_opinion(fixer) as net:
        grid = np.arange(-2.0, 0.51, 0.125)  # one pass of the network scores every margin: a fine grid is free
        alone = repair_scores(net, tunes, 0.1, {m: m for m in grid}, seed=0)
    assert both["repair_rate"] >= SHIPPED_REPAIR_FLOOR and both["clean_change_rate"] <= 0.02, both
    as_loose = [a for a in alone.values() if a["clean_change_rate"] >= both["clean_change_rate"]]
    assert as_loose, (both, alone)
    peer = min(as_loose, key=lambda a: a["clean_change_rate"])
    assert both["repair_rate"] > peer["repair_rate"], (both, peer)


@shipped
def test_shipped_repair_fixes_a_wrong_note_in_a_plain_tune(scale_tune):
    svc = MelodyRepairService.load()
    ev = scale_tune(4)
    rough = ev.copy()
    rough[8] = pitch_to_event(63)  # E → Eb in a C major scale run
    fixed = svc.repair(Track(name="m", notes=events_to_notes(rough)))
    out = notes_to_events(fixed.notes["start"], fixed.notes["duration"], fixed.notes["pitch"], len(ev))
    assert out[8] == ev[8]
    assert (out != ev).sum() <= 2
