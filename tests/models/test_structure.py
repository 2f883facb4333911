"""The phrase-structure model (issue 18): repeat labels, the network's pointer, training on the
fixture, what the service writes, the shipped weights' floor, and the routes that reach it."""
from pathlib import Path

import numpy as np
import pytest
import torch

from latentroll.models.data.melody import NO_EVENT, NOTE_OFF, pitch_to_event
from latentroll.models.registry import WEIGHTS_FILE, entry
from latentroll.models.structure.config import get_config
from latentroll.models.structure.data import NEW, repeat_labels, segment_similarity, standalone_segments
from latentroll.models.structure.network import StructureNet

SHIPPED = entry("structure").model_dir() / WEIGHTS_FILE
needs_shipped = pytest.mark.skipif(not SHIPPED.exists(), reason="no shipped structure weights")


def _segment(pitches, step: int = 4) -> np.ndarray:
    """A 2-bar segment: one note every ``step`` sixteenths."""
    ev = np.zeros(32, np.uint8)
    ev[::step] = pitch_to_event([pitches[i % len(pitches)] for i in range(32 // step)])
    return ev


A1, A2 = _segment([60, 62, 64, 65]), _segment([67, 65, 64, 62, 60], 2)
B1, B2 = _segment([69, 71, 72], 8), _segment([72, 71, 69, 67])


def test_an_aaba_phrase_is_labelled_with_copies_of_its_a():
    """AABA of 4-bar sections (two segments each): the second and last A copy the first A's
    segments, B is new."""
    phrase = np.stack([A1, A2, A1, A2, B1, B2, A1, A2])
    assert repeat_labels(phrase, 0.85).tolist() == [NEW, NEW, 1, 2, NEW, NEW, 1, 2]


def test_a_near_repeat_is_a_copy_and_a_new_rhythm_is_not():
    varied = A1.copy()
    varied[28] = pitch_to_event(67)  # the last of 8 notes changed: 7/8 of the event steps agree
    same_rhythm = _segment([50, 52, 53, 55])  # the same rhythm, other pitches: only holds agree
    assert segment_similarity(A1, varied) == pytest.approx(7 / 8)
    assert segment_similarity(A1, same_rhythm) == 0.0
    assert repeat_labels(np.stack([A1, varied, same_rhythm]), 0.85).tolist() == [NEW, 1, NEW]
    assert repeat_labels(np.stack([A1, varied]), 0.9).tolist() == [NEW, NEW]


def test_a_segment_opening_on_a_held_note_is_restruck_for_the_vae():
    phrase = np.zeros(64, np.uint8)
    phrase[0], phrase[40] = pitch_to_event(60), NOTE_OFF  # a note held over the segment line
    seg = standalone_segments(phrase, 32)
    assert seg[1, 0] == pitch_to_event(60) and seg[1, 8] == NOTE_OFF
    phrase[20] = NOTE_OFF  # silence over the line: the segment opens on a note-off
    assert standalone_segments(phrase, 32)[1, 0] == NOTE_OFF and phrase[32] == NO_EVENT


def test_the_pointer_never_points_ahead_and_copies_repeat_their_source():
    torch.manual_seed(0)
    cfg = get_config("tiny", segments=8)
    net = StructureNet(cfg).eval()
    with torch.no_grad():
        net.new.bias.fill_(-2.0)  # copies likely: the mask must hold them to earlier segments
        z, labels = net.sample(torch.zeros(64, dtype=torch.long), 8, generator=torch.Generator().manual_seed(1))
    assert (labels[:, 0] == NEW).all() and (labels > 0).any()
    i = torch.arange(8)[None].expand_as(labels)
    assert (labels <= i).all(), "copy j + 1 only for j before the segment"
    rows, cols = torch.nonzero(labels > 0, as_tuple=True)
    assert torch.allclose(z[rows, cols], z[rows, labels[rows, cols] - 1], atol=1e-5)


@pytest.mark.slow
def test_the_tiny_config_trains_on_the_fixture_and_its_loss_falls(small_corpus, tmp_path):
    from latentroll.models.structure.train import train_structure

    first: list[float] = []
    summary = train_structure("tiny", tmp_path / "run", corpus=small_corpus, epochs=3,
                              progress=lambda p: first.append(p.metrics["loss"]) if not first else None)
    data = summary["data"]
    assert data["phrases"]["train"] > 100 and 0 < data["copy_share_train"] < 0.5
    assert summary["history"][-1]["train_loss"] < 0.85 * first[0]
    assert (tmp_path / "run" / "last" / "model.safetensors").exists()
    resumed = train_structure("tiny", tmp_path / "run", corpus=small_corpus, epochs=3)
    assert resumed["steps"] == summary["steps"], "a finished run resumes as finished"


SHIPPED_VAE = entry("vae").model_dir() / WEIGHTS_FILE


@pytest.mark.skipif(not SHIPPED_VAE.exists(), reason="no shipped VAE")
def test_style_coordinates_round_trip_and_the_critic_reads_the_same_in_them():
    from latentroll.models.structure.whitening import StyleWhitening
    from latentroll.models.vae.service import MelodyVAEService

    vae = MelodyVAEService.load()
    w = StyleWhitening.of(vae.stats.styles)
    rng = np.random.default_rng(0)
    styles = np.array([0, 2, 2, 5])
    z = vae.stats.styles.sample(2, 4, rng)[:, None]  # (4, 1, z)
    u = w.whiten(z, styles)
    assert np.allclose(w.color(u, styles), z, atol=1e-3)
    # a style's own latents are about N(0, I) in its coordinates
    own = w.whiten(vae.stats.styles.sample(2, 2000, rng, spread=1.0)[:, None], np.full(2000, 2))[:, 0]
    assert abs(own.mean()) < 0.05 and 0.9 < own.std() < 1.1
    critics = w.critics(vae.stats.critic)
    assert np.allclose(critics[2].log_posterior(u[1:3, 0]), vae.stats.critic.log_posterior(z[1:3, 0]), atol=1e-3)
    assert w.draw_styles(500, rng).max() < len(w.weights)


@pytest.mark.slow
@pytest.mark.skipif(not SHIPPED_VAE.exists(), reason="no shipped VAE")
def test_a_whitened_config_trains_and_its_service_writes_phrases_in_a_style(small_corpus, tmp_path):
    from latentroll.models.structure.service import PhraseStructureService
    from latentroll.models.structure.ship import ship_structure
    from latentroll.models.structure.train import train_structure
    from latentroll.models.vae.service import MelodyVAEService

    summary = train_structure("tiny_w", tmp_path / "run", corpus=small_corpus, max_steps=20)
    assert summary["steps"] == 20
    ship_structure(tmp_path / "run", "last", tmp_path / "model", small_corpus, [])
    svc = PhraseStructureService.load({"model": tmp_path / "model"})
    assert svc.cfg.whiten and svc.whitening is not None
    ph = svc.generate_events(3, "irish", 1.0, 8, seed=1)
    assert ph.events.shape == (3, 128) and (ph.events >= 2).any()
    assert svc.generate_events(2, None, 1.0, 8, seed=1).events.shape == (2, 128)
    # a VAE without style Gaussians cannot serve a whitened model: said in words
    bare = MelodyVAEService(svc.vae.model, None)
    with pytest.raises(Exception, match="style"):
        PhraseStructureService(svc.model, bare)


@pytest.fixture(scope="module")
def shipped():
    from latentroll.models.structure.service import PhraseStructureService

    torch.set_num_threads(1)
    return PhraseStructureService.load()


@needs_shipped
def test_the_service_writes_phrases_whose_copies_repeat_exactly(shipped):
    from latentroll.models.common.errors import MelodyError

    ph = shipped.generate_events(24, "irish", 1.0, 16, seed=3)
    assert ph.events.shape == (24, 256) and ph.labels.shape == (24, 8) and (ph.labels > 0).any()
    seg = ph.events.reshape(24, 8, 32)
    for r, i in zip(*np.nonzero(ph.labels)):
        assert (seg[r, i] == seg[r, ph.labels[r, i] - 1]).all()
    assert shipped.generate_events(2, None, 1.0, 10, seed=1).events.shape == (2, 160)
    tracks = shipped.generate(2, "german", 0.5, 8, seed=2)
    assert len(tracks) == 2 and all(len(t.notes) and t.end_tick() <= 8 * 1920 for t in tracks)
    with pytest.raises(MelodyError, match="1 to 16 bars"):
        shipped.generate(1, None, 1.0, 18)


@needs_shipped
@pytest.mark.slow
def test_the_shipped_weights_beat_chained_samples_on_held_out_phrase_structure(shipped, small_corpus):
    """On the fixture (held-out test tunes only), the written phrases' bar-to-bar repetition sits
    nearer the data's than 4-bar VAE clips chained (issue 18's baseline), as the card reports
    (fixed seed)."""
    from latentroll.models.eval.repetition import repetition_oa
    from latentroll.models.structure.data import build_phrases
    from latentroll.models.vae.evaluate import chained_samples, shipped_chain_model

    ref = build_phrases(small_corpus.tunes, list(shipped.cfg.styles), shipped.cfg).events
    assert len(ref) >= 100
    samples = shipped.generate_events(100, None, 1.0, 16, seed=0).events
    ours = repetition_oa(ref, samples)["oa"]
    long_vae = shipped_chain_model()
    assert long_vae.clip_bars == 4
    chained = repetition_oa(ref, chained_samples(long_vae, 100, 256, 0))["oa"]
    assert ours >= 0.7 and ours > chained + 0.02, (ours, chained)


@needs_shipped
@pytest.mark.slow
def test_the_shipped_weights_write_sixteen_bars_in_the_asked_style(shipped):
    """The style judge hears phrases asked in german, fiddle and chorale in them (the card: 0.96,
    0.96, 0.98 on 50 each; the model before whitening: 0.66, 0.02, 0.18)."""
    from latentroll.models.vae.evaluate import shipped_judge

    judge = shipped_judge()
    hits = [(judge.classify(shipped.generate_events(30, style, 1.0, 16, seed=i).events)
             == list(judge.cfg.styles).index(style)).mean() for i, style in enumerate(("german", "fiddle", "chorale"))]
    assert np.mean(hits) >= 0.8 and min(hits) >= 0.6, hits


def test_generate_routes_8_to_16_melody_vae_bars_to_the_structure_model():
    from latentroll.app.calls.generate import STRUCTURE_MODEL, generate_model

    assert [generate_model("vae", b) for b in (2, 4, 6, 7, 8, 12, 16, 17, 32)] == \
        ["vae", "vae_4bar", "vae", "vae_4bar"] + [STRUCTURE_MODEL] * 3 + ["vae_4bar"] * 2
    assert generate_model("gan", 16) == "gan"


@needs_shipped
@pytest.mark.slow
def test_cli_generate_16_bars_writes_a_phrase_with_a_repeated_segment(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
    from cli_run import run_cli

    from latentroll.core.io.formats import read_song
    from latentroll.models.data.tracks import track_events

    out = tmp_path / "phrase.mid"
    r = run_cli("generate", "--bars", "16", "-n", "1", "--seed", "3", "-o", str(out),
                env={"OMP_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stderr[-1500:]
    assert "16 bars with phrase structure" in r.stdout
    track = read_song(out).tracks[0]
    ev, _ = track_events(track, 0, 256)
    assert track.end_tick() <= 16 * 1920
    seg = ev.reshape(8, 32)
    repeats = [(i, j) for i in range(8) for j in range(i) if (seg[i] == seg[j]).all() and (seg[i] > 1).any()]
    assert repeats, "seed 3 writes a phrase with a repeated 2-bar segment"


@needs_shipped
@pytest.mark.slow
def test_eval_vae_model_mel_16bar_measures_the_structure_model(tmp_path):
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
    from cli_run import run_cli

    fixture = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"
    r = run_cli("eval", "vae", "--model", "mel_16bar", "--quick", "--json", "--corpus", str(fixture),
                "--threads", "1", timeout=300)
    assert r.returncode == 0, r.stderr[-1500:]
    res = json.loads(r.stdout)
    assert res["model"] == "structure_16bar_w" and res["bars"] == 16
    # the 2-bar card's keys (issue 18), the repetition pair, and the baseline: chained 4-bar clips
    for key in ("tf_accuracy", "recon_accuracy", "oa_min", "style_fidelity", "lm_midpoint_ratio", "decode64_ms",
                "interp16_ms", "repetition_oa", "repetition_oa_chained", "pointer_accuracy", "sample16_ms"):
        assert isinstance(res[key], float), key
    assert res["chained_model"] == "mel_4bar_h"
    assert 0.0 <= res["style_fidelity"] <= 1.0 and res["lm_midpoint_ratio"] > 0 and res["decode64_ms"] > 0


def test_seam_leaps_measure_from_the_last_note_before_to_each_candidates_first():
    from latentroll.models.structure.service import seam_leaps

    before = np.zeros((2, 32), np.uint8)
    before[0, 0], before[0, 20], before[0, 24] = pitch_to_event(60), pitch_to_event(67), NOTE_OFF
    after = np.zeros((2, 3, 32), np.uint8)
    after[0, 0, 4] = pitch_to_event(72)
    after[0, 1, 0], after[0, 1, 8] = pitch_to_event(65), pitch_to_event(50)
    after[1, 0, 0] = pitch_to_event(80)
    assert seam_leaps(before, after).tolist() == [[5, 2, 0], [0, 0, 0]]  # no note on a side: no leap


@needs_shipped
@pytest.mark.slow
def test_new_segments_open_near_the_note_before_them(shipped, monkeypatch):
    """Decoded in order with a cost on the leap at each seam, big leaps there are about half as
    common as when each segment is decoded alone (validation: 6.9% against 13.6%; here 6.2% against
    12.2%)."""
    import latentroll.models.structure.service as service

    def big_seams() -> float:
        ev = shipped.generate_events(200, None, 1.0, 16, seed=4).events.reshape(200, 8, 32)
        leaps = np.concatenate([service.seam_leaps(ev[:, i - 1], ev[:, i, None])[:, 0] for i in range(1, 8)])
        return float((leaps > 7).mean())

    with_cost = big_seams()
    monkeypatch.setattr(service, "SEAM_DECODINGS", 1)
    alone = big_seams()
    assert with_cost < 0.1 and with_cost < 0.7 * alone, (with_cost, alone)
