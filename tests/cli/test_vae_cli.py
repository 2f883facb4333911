"""The model CLI end to end with a tiny trained model: train, generate, interpolate, eval."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import Song, Track

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "resources" / "fixtures" / "corpus_small.npz"
CLI = str(Path(sys.executable).parent / "latentroll")


def run(*args, env=None, timeout=300):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


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
    from latentroll.models.data.splits import tune_events
    from latentroll.models.data.melody import events_to_notes

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
    r = run("generate", "-o", str(out), env={"LATENTROLL_VAE_DIR": str(tmp_path / "nowhere")})
    assert r.returncode == 2 and "no vae weights" in r.stderr.lower()


def test_eval_quick_json(tiny_model):
    r = run("eval", "vae", "--quick", "--json", "--corpus", str(FIXTURE), "--model-dir",
            tiny_model["LATENTROLL_VAE_DIR"], "--threads", "1", env=tiny_model)
    assert r.returncode == 0, r.stderr[-1500:]
    res = json.loads(r.stdout)
    for key in ("tf_accuracy", "recon_accuracy", "kl", "interp_monotone", "oa", "decode64_ms", "interp16_ms"):
        assert key in res
    assert 0 <= res["tf_accuracy"] <= 1 and all(0 <= v <= 1.0001 for v in res["oa"].values())
