"""The model CLI end to end with a tiny trained model: train, generate, interpolate, eval."""
import json
from pathlib import Path

import pytest
from cli_run import run_cli

from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import Song, Track

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "resources" / "fixtures" / "corpus_small.npz"


def run(*args, env=None, timeout=300):
    return run_cli(*args, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """Train the tiny config through the CLI, then export it (what `ship` does minus the eval)."""
    base = tmp_path_factory.mktemp("cli_vae")
    r = run("train", "vae", "--config", "tiny", "--epochs", "1", "--corpus", str(FIXTURE),
            "--run-dir", str(base / "run"), "--threads", "1")
    assert r.returncode == 0, r.stderr[-1500:]
    summary = json.loads(r.stdout[r.stdout.index("{"):])
    assert summary["epochs"] == 1 and summary["data"]["tunes"] > 200
    from latentroll.models.data.corpus import Corpus
    from latentroll.models.vae.config import get_config
    from latentroll.models.vae.export import export_model
    from latentroll.models.vae.train import melody_data

    cfg = get_config("tiny")
    out = export_model(base / "run" / "last", cfg, melody_data(Corpus.load(FIXTURE), cfg), base / "model")
    return {"LATENTROLL_VAE_DIR": str(out), "OMP_NUM_THREADS": "1"}


def test_generate_writes_midi_in_key(tiny_model, tmp_path):
    out = tmp_path / "ideas.mid"
    r = run("generate", "--style", "irish", "-n", "3", "--bars", "4", "--key", "G major",
            "--temperature", "1.0", "--seed", "1", "-o", str(out), env=tiny_model)
    assert r.returncode == 0, r.stderr
    song = read_song(out)
    notes = song.tracks[0].notes
    assert len(notes) > 0
    assert set((notes["pitch"] % 12).tolist()) <= {7, 9, 11, 0, 2, 4, 6}


def test_interpolate_between_two_files(tiny_model, tmp_path):
    from latentroll.models.data.corpus import Corpus
    from latentroll.models.data.melody import events_to_notes
    from latentroll.models.data.splits import tune_events

    corpus = Corpus.load(FIXTURE)
    paths = []
    for i, tune in enumerate(corpus.tunes[:2]):
        p = tmp_path / f"{i}.mid"
        write_song(Song(tracks=[Track(name="m", notes=events_to_notes(tune_events(tune)[:32]))]), p)
        paths.append(p)
    out = tmp_path / "blend.mid"
    r = run("interpolate", str(paths[0]), str(paths[1]), "--steps", "4", "--temperature", "1.0",
            "--seed", "0", "-o", str(out), env=tiny_model)
    assert r.returncode == 0, r.stderr
    song = read_song(out)
    assert song.tracks and song.end_tick() > 0


def test_transfer_adds_the_melody_in_a_style_as_a_track(tiny_model, tmp_path):
    from latentroll.models.data.corpus import Corpus
    from latentroll.models.data.melody import events_to_notes
    from latentroll.models.data.splits import tune_events

    tune = Corpus.load(FIXTURE).tunes[0]
    src = tmp_path / "tune.mid"
    write_song(Song(tracks=[Track(name="Tune", channel=0, notes=events_to_notes(tune_events(tune)[:64]))]), src)
    out = tmp_path / "moved.mid"
    r = run("transfer", str(src), "--style", "chinese", "--temperature", "1", "--seed", "0", "-o", str(out),
            env=tiny_model)
    assert r.returncode == 0, r.stderr[-1500:]
    original, song = read_song(src), read_song(out)
    assert [t.name for t in song.tracks] == ["Tune", "Tune (chinese)"]
    assert song.tracks[0] == original.tracks[0] and len(song.tracks[1].notes)
    assert song.tracks[1].channel not in (0, 9)  # its own channel, so both keep their program
    assert song.tracks[1].end_tick() <= -(-original.end_tick() // 1920) * 1920
    r = run("transfer", str(src), "--style", "vaporwave", "-o", str(out), env=tiny_model)
    assert r.returncode == 2 and "unknown style 'vaporwave'" in r.stderr


def test_bad_inputs_exit_2(tiny_model, tmp_path):
    empty = tmp_path / "empty.mid"
    write_song(Song(tracks=[Track(name="nothing")]), empty)
    out = tmp_path / "x.mid"
    r = run("interpolate", str(empty), str(empty), "-o", str(out), env=tiny_model)
    assert r.returncode == 2 and "no pitched track" in r.stderr and not out.exists()
    r = run("generate", "--style", "vaporwave", "-o", str(out), env=tiny_model)
    assert r.returncode == 2 and "unknown style" in r.stderr and not out.exists()
    r = run("generate", "--variations", "99", "-o", str(out), env=tiny_model)
    assert r.returncode == 2 and not out.exists()
    r = run("generate", "--key", "H major", "-o", str(out), env=tiny_model)
    assert r.returncode == 2 and "unknown note name" in r.stderr
    r = run("generate", "--bars", "2", "-o", str(out), env={"LATENTROLL_VAE_DIR": str(tmp_path / "nowhere")})
    assert r.returncode == 2 and "no vae weights" in r.stderr.lower()
    r = run("generate", "--bars", "4", "-o", str(out), env={"LATENTROLL_VAE_4BAR_DIR": str(tmp_path / "nowhere")})
    assert r.returncode == 2 and "nowhere" in r.stderr and not out.exists()


def test_eval_quick_json(tiny_model):
    r = run("eval", "vae", "--quick", "--json", "--corpus", str(FIXTURE), "--model-dir",
            tiny_model["LATENTROLL_VAE_DIR"], "--threads", "1", env=tiny_model)
    assert r.returncode == 0, r.stderr[-1500:]
    res = json.loads(r.stdout)
    for key in ("tf_accuracy", "recon_accuracy", "kl", "interp_monotone", "oa", "decode64_ms", "interp16_ms"):
        assert key in res
    assert 0 <= res["tf_accuracy"] <= 1 and all(0 <= v <= 1.0001 for v in res["oa"].values())
