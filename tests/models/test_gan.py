"""The melody GAN: piano-roll view, two-optimizer training in the shared loop, generation, metrics."""
import json

import numpy as np
import pytest
import torch

from latentroll.core.theory import Scale
from latentroll.models.common.errors import MelodyError
from latentroll.models.common.export import load_run_weights, publish_model
from latentroll.models.data.melody import NO_EVENT, NOTE_OFF, pitch_to_event
from latentroll.models.data.splits import melody_data
from latentroll.models.eval.musegan import musegan_metrics, relative_gap
from latentroll.models.gan.config import get_config
from latentroll.models.gan.evaluate import EvalConfig, evaluate_gan
from latentroll.models.gan.network import MelodyGAN
from latentroll.models.gan.roll import FIRST_ONSET, HOLD, REST, events_to_steps, roll_planes, steps_to_events
from latentroll.models.gan.sampling import sample_melodies, sample_steps
from latentroll.models.gan.service import TEMPERATURE_SCALE, MelodyGANService
from latentroll.models.gan.train import GANTask, train_gan
from latentroll.models.registry import entry

CFG = get_config("tiny")


def test_windows_round_trip_through_the_piano_roll_view(small_corpus):
    ev = melody_data(small_corpus, CFG).train.events
    pitches = np.where(ev >= 2, ev - 2 + 21, 60)
    inside = ev[((pitches >= CFG.low_pitch) & (pitches <= CFG.high_pitch)).all(1)]
    assert len(inside) > 100
    steps = events_to_steps(inside, CFG)
    assert steps.min() >= 0 and steps.max() < CFG.classes
    assert np.array_equal(steps_to_events(steps, CFG), inside)
    planes = roll_planes(torch.nn.functional.one_hot(torch.as_tensor(steps), CFG.classes).float(), CFG)
    assert planes.shape == (len(inside), 2, 32, CFG.pitches)
    assert planes[:, 0].sum(-1).max() <= 1 and (planes[:, 1] <= planes[:, 0]).all()
    # a repeated note stays two notes: two onsets in the onset plane
    assert planes[:, 1].sum() == (inside >= 2).sum()


def test_step_rules_by_hand():
    c4 = FIRST_ONSET + 60 - CFG.low_pitch
    d4 = c4 + 2
    steps = np.array([[HOLD, d4, HOLD, REST, c4, HOLD, REST, REST, HOLD]])
    d4e, c4e = int(pitch_to_event(62)), int(pitch_to_event(60))
    # rest after a note ends it, rest after rest and hold over silence are nothing; a lone row starts with NOTE_OFF
    assert steps_to_events(steps, CFG)[0].tolist() == [NOTE_OFF, d4e, NO_EVENT, NOTE_OFF, c4e, NO_EVENT, NOTE_OFF,
                                                       NO_EVENT, NO_EVENT]
    # after a bar ending on a note, a hold continues it and a rest ends it
    assert steps_to_events(np.array([[HOLD, REST]]), CFG, np.array([True]))[0].tolist() == [NO_EVENT, NOTE_OFF]
    # the sounding plane carries a note held over the bar line
    before = torch.zeros(1, CFG.pitches)
    before[0, 12] = 1
    onehot = torch.nn.functional.one_hot(torch.tensor([[HOLD, HOLD, REST, d4]]), CFG.classes).float()
    planes = roll_planes(onehot, CFG, before)
    assert planes[0, 0, :, 12].tolist() == [1, 1, 0, 0] and planes[0, 0, 3].argmax() == d4 - FIRST_ONSET
    assert planes[0, 1].sum() == 1


def test_musegan_metrics_by_hand():
    c, e, g = (int(pitch_to_event(p)) for p in (60, 64, 67))
    bar1 = [c, 0, 0, 0, e, 0, g, NOTE_OFF] + [0] * 8          # notes of 4, 2, 1 steps: 3 pitch classes
    bar2 = [NOTE_OFF] + [0] * 15                             # empty
    m = musegan_metrics(np.array([bar1 + bar2]))
    assert m == {"eb": 0.5, "upc": 3.0, "qn": pytest.approx(1 / 3)}
    held = [c] + [0] * 31                                    # one note over both bars: no empty bar
    assert musegan_metrics(np.array([held])) == {"eb": 0.0, "upc": 1.0, "qn": 1.0}
    assert relative_gap(m, m) == 0.0


@pytest.fixture(scope="module")
def run(small_corpus, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gan_run")
    history = []
    summary = train_gan(CFG, folder, corpus=small_corpus, max_steps=30, progress=lambda p: history.append(p.metrics))
    return folder, summary, history


@torch.no_grad()
def _phase_losses(model: MelodyGAN, batch) -> dict[str, float]:
    out = {}
    for phase in ("critic", "generator"):
        torch.manual_seed(0)
        _, stats = model(phase, *batch)
        out.update({k: float(v) for k, v in stats.items()})
    return out


def test_two_optimizers_train_and_resume_in_the_shared_loop(run, small_corpus):
    folder, summary, history = run
    assert summary["steps"] == 30
    assert all(np.isfinite(v) for v in history[-1].values())
    task = GANTask(CFG, melody_data(small_corpus, CFG))
    batch = task.batch(np.arange(128), np.random.default_rng(0))
    torch.manual_seed(CFG.seed)
    init = MelodyGAN(CFG)
    trained = load_run_weights(MelodyGAN(CFG), folder / "last")
    for part in ("generator", "critic"):  # each optimizer moved its own network
        moved = [float((a - b).abs().max()) for a, b in zip(getattr(init, part).parameters(),
                                                           getattr(trained, part).parameters())]
        assert max(moved) > 1e-3, part
    before = _phase_losses(init.train(), batch)
    after = _phase_losses(trained.train(), batch)
    assert after["d_loss"] != pytest.approx(before["d_loss"], abs=1e-3)
    assert after["g_loss"] != pytest.approx(before["g_loss"], abs=1e-3)
    assert after["d_real"] > after["d_fake"]  # the critic learned to tell them apart
    for name in ("optimizer_critic", "optimizer_generator", "model"):
        assert (folder / "last" / f"{name}.safetensors").exists()
    more = train_gan(CFG, folder, corpus=small_corpus, max_steps=35)
    assert more["steps"] == 35
    done = train_gan(CFG, folder, corpus=small_corpus)  # finishes the epoch: validation, metrics.jsonl
    rec = json.loads((folder / "metrics.jsonl").read_text().splitlines()[-1])
    assert done["epochs"] == 1 and {"valid_loss", "valid_eb", "valid_upc", "valid_qn"} <= set(rec)


@pytest.fixture(scope="module")
def service(run, tmp_path_factory):
    folder, _, _ = run
    out = tmp_path_factory.mktemp("gan_model") / "gan"
    publish_model(load_run_weights(MelodyGAN(CFG), folder / "last"), CFG, folder / "last", out)
    return MelodyGANService.load(out)


def test_samples_are_valid_piano_rolls(service):
    steps = sample_steps(service.model, 8, 3, None, 1.0, torch.Generator().manual_seed(0))
    assert steps.shape == (8, 48) and steps.min() >= 0 and steps.max() < CFG.classes
    planes = roll_planes(torch.nn.functional.one_hot(torch.as_tensor(steps), CFG.classes).float(), CFG)
    assert planes[:, 0].sum(-1).max() <= 1  # one pitch at a time


def test_generate_gives_tracks_in_a_style_and_key(service):
    scale = Scale.parse("D dorian")
    out = service.generate(4, style="irish", bars=3, temperature=1.0, scale=scale, seed=2)
    assert len(out) == 4
    for t in out:
        assert len(t.notes) > 0 and t.notes["start"].min() >= 0 and t.end_tick() <= 3 * 1920
        assert ((t.notes["pitch"] >= CFG.low_pitch) & (t.notes["pitch"] <= CFG.high_pitch)).all()
        assert set((t.notes["pitch"] % 12).tolist()) <= set(scale.pitch_classes)
    again = service.generate(4, style="irish", bars=3, temperature=1.0, scale=scale, seed=2)
    assert all(a == b for a, b in zip(out, again))
    # greedy is deterministic whatever the seed (a barely trained GAN may greedily rest throughout,
    # depending on float rounding, so only the shipped model's test asks for notes)
    greedy = service.generate(2, bars=2, temperature=0.0, seed=1)
    assert all(a == b for a, b in zip(greedy, service.generate(2, bars=2, temperature=0.0, seed=9)))
    assert all(t.end_tick() <= 2 * 1920 for t in greedy)


def test_generate_refuses_bad_requests(service):
    assert [s.name for s in service.styles()] == list(CFG.styles)
    for kwargs in ({"n": 0}, {"n": 1, "bars": 0}, {"n": 1, "temperature": 5.0}, {"n": 1, "style": "polka"}):
        with pytest.raises(MelodyError):
            service.generate(**kwargs)


def test_evaluation_reports_the_issue_keys(service, small_corpus):
    data = melody_data(small_corpus, CFG)
    res = evaluate_gan(service, data, EvalConfig(samples=64, oa_pieces=30, timing_repeats=1),
                       vae=data.valid.events[:64])
    for key in ("eb", "upc", "qn"):
        assert set(res[key]) == {"data", "gan", "vae"} and all(np.isfinite(v) for v in res[key].values())
    assert 0 <= res["oa_min"] <= 1 and res["copies"] >= 0 and 0 <= res["copies_share"] <= 1
    assert evaluate_gan(service, data, EvalConfig(samples=16, oa_pieces=10, timing_repeats=1))["eb"]["vae"] is None


shipped = pytest.mark.skipif(not (entry("gan").model_dir() / "model.safetensors").exists(),
                             reason="no shipped GAN weights (train and ship them: docs/training.md)")


@shipped
def test_shipped_gan_resembles_held_out_melodies(small_corpus):
    """The fixture's tunes are all held out from training. With 300 samples, allow a 20% gap on
    each MuseGAN metric (the card's goal on the full test set is 10%) and OA ≥ 0.6 (goal 0.7;
    the shipped weights reach 0.81 on the full test set)."""
    svc = MelodyGANService.load()
    assert (entry("gan").model_dir() / "model.safetensors").stat().st_size < 20e6
    data = melody_data(small_corpus, svc.cfg)
    windows = np.concatenate([data.train.events, data.valid.events, data.test.events])
    # what the service's temperature 1 draws (a calibrated raw temperature)
    ev = sample_melodies(svc.model, 300, 2, None, TEMPERATURE_SCALE, torch.Generator().manual_seed(0))
    ours, theirs = musegan_metrics(ev), musegan_metrics(windows)
    for k in ("eb", "upc", "qn"):
        assert abs(ours[k] - theirs[k]) <= 0.2 * max(theirs[k], 0.05), (k, ours[k], theirs[k])
    from latentroll.models.eval.yang_lerch import compare_sets

    oa = compare_sets(windows[np.random.default_rng(0).permutation(len(windows))[:200]], ev[:200])
    assert min(v["oa"] for v in oa.values()) >= 0.6
