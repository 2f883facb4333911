"""The melody LSTM: chunked data, the n-gram baseline, tiny training, the Continue service, evaluation."""
import numpy as np
import pytest

from latentroll.core.song import NOTE_DTYPE, PPQ, Track
from latentroll.core.theory import Scale
from latentroll.models.common.errors import MelodyError
from latentroll.models.common.export import load_run_weights, publish_model
from latentroll.models.data.melody import (
    FIRST_PITCH_CLASS,
    NO_EVENT,
    NOTE_OFF,
    events_to_notes,
    pitch_to_event,
)
from latentroll.models.data.sequences import sequence_data, tune_chunks
from latentroll.models.lstm.config import get_config
from latentroll.models.lstm.evaluate import EvalConfig, evaluate_lstm
from latentroll.models.lstm.network import MelodyLSTM
from latentroll.models.lstm.ngram import NGramLM, fit_baseline
from latentroll.models.lstm.service import MelodyLSTMService
from latentroll.models.lstm.train import train_lstm
from latentroll.models.registry import entry

BAR = 4 * PPQ


# ---- data ---------------------------------------------------------------------------------
def test_chunks_start_on_bar_lines_and_reach_the_end():
    c4, e4 = pitch_to_event(60), pitch_to_event(64)
    ev = np.zeros(100, np.uint8)
    ev[0::8] = c4
    ev[4::8] = e4
    chunks = tune_chunks(ev, bar=16, length=40, hop=30)
    # hop 30 rounds to 2 bars = 32 steps: starts 0, 32, 64 (64 + 40 >= 100: the last)
    assert [len(c) for c in chunks] == [40, 40, 36]
    assert np.array_equal(chunks[1], ev[32:72]) and np.array_equal(chunks[2], ev[64:])


def test_a_chunk_starting_mid_note_re_strikes_it():
    g4 = pitch_to_event(67)
    ev = np.zeros(48, np.uint8)
    ev[0], ev[8], ev[12], ev[40] = g4, NOTE_OFF, g4, NOTE_OFF  # the second G sounds from step 12 to 40
    chunks = tune_chunks(ev, bar=16, length=16, hop=16, min_onsets=0)
    assert chunks[1][0] == g4 and chunks[1][1] == NO_EVENT  # re-struck at 16, then held
    assert chunks[2][0] == g4  # still held at 32 (note-off at 40)


def test_sequence_data_uses_the_shared_split(small_corpus):
    from latentroll.models.data.splits import split_ids, window_hop

    cfg = get_config("tiny")
    data = sequence_data(small_corpus, cfg)
    ids = split_ids(small_corpus)
    assert len(data.valid) == len(ids["valid"]) and len(data.test) == len(ids["test"])
    assert (data.train.lengths <= cfg.chunk).all() and (data.train.lengths > 0).all()
    # whole held-out tunes, real steps = each tune's event count
    assert data.test.steps() == sum(len(r) for r in data.test.rows())
    train_tunes = [t for t in small_corpus.tunes if t.tune_id in set(ids["train"])]
    assert list(data.train.bars) == [window_hop(train_tunes[i].meter) for i in data.train.tunes]


# ---- n-gram baseline ----------------------------------------------------------------------
def test_ngram_probabilities_by_hand():
    # bigram (order 1) on 0 1 0 1 0 2, discount 0.5, vocab 3
    lm = NGramLM(order=1, vocab=3, discount=0.5).fit([np.array([0, 1, 0, 1, 0, 2])])
    uni = (np.array([3, 2, 1]) + 1) / (6 + 3)
    p = lm.sequence_probs(np.array([0, 1, 0]))
    # position 0: context = start, seen once (followed by 0): 1 type
    assert np.allclose(p[0], np.maximum(np.array([1, 0, 0]) - 0.5, 0) / 1 + 0.5 * 1 / 1 * uni)
    # position 1: context 0 seen 3 times (→1, →1, →2): 2 types
    assert np.allclose(p[1], np.maximum(np.array([0, 2, 1]) - 0.5, 0) / 3 + 0.5 * 2 / 3 * uni)
    # position 2: context 1 seen twice (→0 both)
    assert np.allclose(p[2], np.maximum(np.array([2, 0, 0]) - 0.5, 0) / 2 + 0.5 * 1 / 2 * uni)
    assert np.allclose(p.sum(1), 1.0)


def test_ngram_learns_a_deterministic_sequence_and_backs_off():
    seq = np.tile(np.array([2, 0, 0, 1, 5, 0, 7, 1]), 30)
    lm = NGramLM(order=3, vocab=90).fit([seq])
    res = lm.score([seq])
    assert res["accuracy"] > 0.97 and res["nll"] < 0.2
    unseen = lm.score([np.array([40, 41, 42, 43])])  # never seen: backs off to the unigram, finite
    assert np.isfinite(unseen["nll"]) and unseen["nll"] > 3.0
    # order matters: a bigram cannot tell which 0 follows which, the order-3 model can
    assert NGramLM(order=1, vocab=90).fit([seq]).score([seq])["nll"] > res["nll"] + 0.2


def test_fit_baseline_picks_the_best_discount():
    rng = np.random.default_rng(0)
    train = [rng.integers(0, 6, 200) for _ in range(5)]
    valid = [rng.integers(0, 6, 100)]
    best = fit_baseline(train, valid, order=2, vocab=6, discounts=(0.1, 0.5, 0.9))
    nlls = {d: NGramLM(2, 6, d).fit(train).score(valid)["nll"] for d in (0.1, 0.5, 0.9)}
    assert best.discount == min(nlls, key=nlls.get)


# ---- training -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def trained(small_corpus, tmp_path_factory):
    run = tmp_path_factory.mktemp("lstm_run")
    losses = []
    summary = train_lstm(get_config("tiny", epochs=3), run, corpus=small_corpus,
                         progress=lambda p: losses.append(p.metrics["loss"]))
    return run, summary, losses


def test_tiny_training_loss_falls(trained):
    run, summary, losses = trained
    assert summary["epochs"] == 3
    assert np.mean(losses[-5:]) < 0.6 * np.mean(losses[:5]), (losses[:5], losses[-5:])
    assert summary["history"][-1]["valid_nll"] < summary["history"][0]["valid_nll"]
    assert (run / "best" / "model.safetensors").exists() and (run / "metrics.jsonl").exists()


@pytest.fixture(scope="module")
def service(trained, tmp_path_factory):
    run, _, _ = trained
    cfg = get_config("tiny", epochs=3)
    out = tmp_path_factory.mktemp("lstm_model") / "model"
    publish_model(load_run_weights(MelodyLSTM(cfg), run / "best"), cfg, run / "best", out)
    return MelodyLSTMService.load(out)


def _melody(bars: int = 2, start_bar: int = 1) -> Track:
    pitches = [60, 62, 64, 65, 67, 65, 64, 62]
    rows = [(start_bar * BAR + i * PPQ, PPQ, pitches[i % 8], 90) for i in range(4 * bars)]
    return Track(name="tune", program=73, notes=np.array(rows, dtype=NOTE_DTYPE))


def test_continue_gives_variations_after_the_input(service):
    melody = _melody(2, start_bar=1)  # bars 1-2: the continuation starts at bar 3
    out = service.continue_melody(melody, bars=4, variations=3, temperature=1.0, seed=5)
    assert len(out) == 3
    for t in out:
        assert isinstance(t, Track) and t.program == 73
        n = t.notes
        assert len(n) > 0
        assert n["start"].min() >= 3 * BAR and (n["start"] + n["duration"]).max() <= 7 * BAR
        assert ((n["pitch"] >= 21) & (n["pitch"] <= 108)).all()
        assert ((n["velocity"] >= 1) & (n["velocity"] <= 127)).all()
    again = service.continue_melody(melody, bars=4, variations=3, temperature=1.0, seed=5)
    assert all(np.array_equal(a.notes, b.notes) for a, b in zip(out, again))  # seeded


def test_continue_in_a_key_and_in_three_four(service):
    scale = Scale.parse("Eb major")
    out = service.continue_melody(_melody(2, 0), bars=3, variations=4, temperature=1.5, scale=scale, seed=1,
                                  meter=(3, 4))
    pcs = np.concatenate([t.notes["pitch"] % 12 for t in out])
    assert len(pcs) and set(pcs.tolist()) <= set(scale.pitch_classes)
    bar34 = 3 * PPQ
    # the 8-beat input ends at tick 8*PPQ, inside 3/4 bar 2 → continuation from bar 3 (tick 9*PPQ)
    assert len(out) == 4
    for t in out:
        assert len(t.notes) > 0
        assert t.notes["start"].min() >= 3 * bar34
        assert (t.notes["start"] + t.notes["duration"]).max() <= 6 * bar34


def test_greedy_variations_agree_and_polyphony_is_reduced(service):
    chord = _melody(2, 0)
    extra = chord.notes.copy()
    extra["pitch"] -= 7  # a lower voice: the top voice is the melody
    chordal = Track(name="chords", notes=np.concatenate([chord.notes, extra]))
    out = service.continue_melody(chordal, bars=2, variations=3, temperature=0.0)
    assert all(np.array_equal(out[0].notes, t.notes) for t in out)
    mono = service.continue_melody(chord, bars=2, variations=1, temperature=0.0)
    assert np.array_equal(mono[0].notes, out[0].notes)


def test_continue_refuses_bad_input(service):
    with pytest.raises(MelodyError, match="drum"):
        service.continue_melody(Track(name="kit", is_drum=True, notes=_melody().notes), bars=2)
    with pytest.raises(MelodyError, match="no notes"):
        service.continue_melody(Track(name="empty"), bars=2)
    with pytest.raises(MelodyError, match="bars"):
        service.continue_melody(_melody(), bars=33)
    with pytest.raises(MelodyError, match="variations"):
        service.continue_melody(_melody(), bars=2, variations=9)
    with pytest.raises(MelodyError, match="style"):
        service.continue_melody(_melody(), bars=2, style="klezmer")


def test_a_long_input_is_primed_with_its_last_bars(service):
    long = _melody(100, 0)  # longer than the 64-bar prime limit
    out = service.continue_melody(long, bars=2, variations=2, seed=0)
    assert len(out) == 2
    for t in out:  # the continuation follows the 100-bar input: bars 100-101
        assert len(t.notes) > 0
        assert t.notes["start"].min() >= 100 * BAR and t.end_tick() <= 102 * BAR
    # the prime is the last 64 bars: the input cut to them continues the same way
    last = Track(name="tune", program=73, notes=long.notes[long.notes["start"] >= 36 * BAR])
    again = service.continue_melody(last, bars=2, variations=2, seed=0)
    assert all(np.array_equal(a.notes, b.notes) for a, b in zip(out, again))


def test_score_ranks_corpus_melodies_above_noise(service, small_corpus):
    data = sequence_data(small_corpus, service.cfg)
    real = np.stack([r[:64] for r in data.test.rows() if len(r) >= 64][:10])
    noise = np.random.default_rng(0).integers(FIRST_PITCH_CLASS, 90, real.shape).astype(np.uint8)
    s_real, s_noise = service.score(real), service.score(noise)
    assert s_real.shape == (10,) and np.isfinite(s_real).all() and (s_real > 0).all()
    assert s_real.mean() < s_noise.mean() - 1.0
    # a Track scores like its events
    track = Track(name="r", notes=events_to_notes(real[0]))
    assert service.score(track)[0] == pytest.approx(service.score(real[:1])[0], rel=1e-4)


def test_evaluate_reports_the_issue_keys(service, small_corpus):
    data = sequence_data(small_corpus, service.cfg, whole_train=True)
    res = evaluate_lstm(service, data, EvalConfig(valid_tunes=10, timing_repeats=1))
    for key in ("nll", "accuracy", "baseline_nll", "baseline_accuracy", "nll_reduction"):
        assert np.isfinite(res[key])
    assert 0 < res["accuracy"] <= 1 and 0 < res["baseline_accuracy"] <= 1
    assert res["nll"] > 0 and res["baseline_nll"] > 0
    assert res["test_tunes"] == len(data.test)


def test_vae_interpolants_are_scored_by_the_lm(service, small_corpus, tmp_path):
    from latentroll.models.vae.config import get_config as vae_config
    from latentroll.models.vae.evaluate import lm_midpoint_ratios
    from latentroll.models.vae.export import encode_windows
    from latentroll.models.vae.network import MelodyVAE
    from latentroll.models.vae.train import melody_data, train_vae

    cfg = vae_config("tiny", epochs=1)
    train_vae(cfg, tmp_path / "vae", corpus=small_corpus, max_steps=10)
    vae = load_run_weights(MelodyVAE(cfg), tmp_path / "vae" / "last")
    test = melody_data(small_corpus, cfg).test
    a, b = test.events[:8], test.events[8:16]
    res = lm_midpoint_ratios(vae, service.score, a, b, encode_windows(vae, a), encode_windows(vae, b))
    assert set(res) == {"lm_midpoint_ratio", "lm_midpoint_ratio_mixing"}
    assert all(np.isfinite(v) and v > 0 for v in res.values())


# ---- the shipped weights ------------------------------------------------------------------
shipped = pytest.mark.skipif(not (entry("lstm").model_dir() / "model.safetensors").exists(),
                             reason="no shipped LSTM weights (train and ship them: docs/training.md)")


@shipped
def test_shipped_lstm_beats_the_ngram_on_held_out_tunes(small_corpus):
    """The fixture's tunes all come from the full corpus's test split (held out from training).
    The LSTM's NLL on them must be ≥ 15% below the card's n-gram baseline, per style, weighted
    by the fixture's steps (the card's baseline was fitted on the full training split)."""
    import json

    from latentroll.models.data.sequences import build_sequences
    from latentroll.models.lstm.metrics import lm_metrics

    svc = MelodyLSTMService.load()
    assert (entry("lstm").model_dir() / "model.safetensors").stat().st_size < 20e6
    card = json.loads((entry("lstm").model_dir() / "eval.json").read_text())
    seqs = build_sequences(small_corpus.tunes, list(svc.cfg.styles), None)
    lstm = base = 0.0
    hits = steps = 0
    for s, name in enumerate(svc.cfg.styles):
        part = seqs.take(np.flatnonzero(seqs.styles == s))
        m = lm_metrics(svc.model, part)
        lstm += m["nll"] * part.steps()
        base += card["baseline_nll_per_style"][name] * part.steps()
        hits += m["accuracy"] * part.steps()
        steps += part.steps()
    assert lstm / base <= 0.85, (lstm / steps, base / steps)
    assert hits / steps > card["baseline_accuracy"] - 0.05


@shipped
def test_shipped_lstm_continues_in_key():
    svc = MelodyLSTMService.load()
    scale = Scale.parse("G major")
    out = svc.continue_melody(_melody(2, 0), bars=8, variations=4, scale=scale, seed=0)
    assert all(len(t.notes) >= 8 for t in out)
    assert set(np.concatenate([t.notes["pitch"] % 12 for t in out]).tolist()) <= set(scale.pitch_classes)


def test_ship_writes_weights_card_and_eval(trained, small_corpus, tmp_path):
    import json

    from latentroll.models.lstm.ship import ship_lstm

    run, _, _ = trained
    res = ship_lstm(run, "best", tmp_path / "model", small_corpus, [])
    folder = tmp_path / "model"
    assert {p.name for p in folder.iterdir()} >= {"model.safetensors", "config.json", "model_card.md", "eval.json"}
    assert not list(folder.glob("*.pt")) and not list(folder.glob("*.pkl"))
    card = (folder / "model_card.md").read_text()
    assert "baseline_nll" in card and "latentroll train lstm --config tiny" in card
    saved = json.loads((folder / "eval.json").read_text())
    assert saved["nll"] == pytest.approx(res["nll"]) and set(saved["baseline_nll_per_style"]) <= set(get_config("tiny").styles)
    assert MelodyLSTMService.load(folder).cfg == get_config("tiny", epochs=3)
