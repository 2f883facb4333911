"""``latentroll continue`` and ``latentroll repair`` with tiny models trained on the fixture."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from cli_run import run_cli

from latentroll.app.cli.main import main
from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import NOTE_DTYPE, PPQ, KeySignature, Song, TempoChange, TimeSignature, Track

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"
BAR = 4 * PPQ


def run(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, timeout=180)


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[str, Path]:
    import torch

    from latentroll.models.autoencoder.config import get_config as ae_config
    from latentroll.models.autoencoder.network import MelodyAE
    from latentroll.models.autoencoder.train import train_ae
    from latentroll.models.common.export import load_run_weights, publish_model
    from latentroll.models.data.corpus import Corpus
    from latentroll.models.lstm.config import get_config as lstm_config
    from latentroll.models.lstm.network import MelodyLSTM
    from latentroll.models.lstm.train import train_lstm
    from latentroll.models.repair.config import get_config as get_note_repair_config
    from latentroll.models.repair.network import NoteRepairNet
    from latentroll.models.repair.train import train_note_repair

    torch.set_num_threads(1)
    corpus = Corpus.load(FIXTURE)
    root = tmp_path_factory.mktemp("cli_models")
    out = {}
    for name, cfg, trainer, net in (("lstm", lstm_config("tiny", epochs=1), train_lstm, MelodyLSTM),
                                    ("ae", ae_config("tiny", epochs=1), train_ae, MelodyAE),
                                    ("repair", get_note_repair_config("tiny", epochs=1, context_features=True),
                                     train_note_repair, NoteRepairNet)):
        trainer(cfg, root / f"{name}_run", corpus=corpus, max_steps=30)
        out[name] = publish_model(load_run_weights(net(cfg), root / f"{name}_run" / "last"), cfg,
                                  root / f"{name}_run" / "last", root / name)
    return out


@pytest.fixture(scope="module")
def melody_file(tmp_path_factory) -> Path:
    pitches = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 64, 62]
    notes = np.array([(i * PPQ, PPQ, p, 80 + i) for i, p in enumerate(pitches)], dtype=NOTE_DTYPE)  # 3 bars
    song = Song(title="Tune", tempos=[TempoChange(0, 100.0)], time_signatures=[TimeSignature(0, 4, 4)],
                keys=[KeySignature(0, 7, "major")],
                tracks=[Track(name="Flute", program=73, notes=notes),
                        Track(name="Drums", channel=9, is_drum=True,
                              notes=np.array([(0, 120, 36, 100)], dtype=NOTE_DTYPE))])
    path = tmp_path_factory.mktemp("cli_in") / "tune.mid"
    write_song(song, path)
    return path


def test_continue_writes_one_track_per_variation(models, melody_file, tmp_path):
    out = tmp_path / "more.mid"
    res = run("continue", str(melody_file), "--bars", "2", "--variations", "3", "--key", "G major",
              "--seed", "4", "--model-dir", str(models["lstm"]), "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert "3 continuation(s)" in res.stdout
    song = read_song(out)
    assert len(song.tracks) == 3 and song.bpm == pytest.approx(100.0)
    src = read_song(melody_file).tracks[0].sorted_notes()
    g_major = {7, 9, 11, 0, 2, 4, 6}
    for t in song.tracks:
        n = t.sorted_notes()
        head = n[n["start"] < 3 * BAR]
        assert np.array_equal(head[["start", "pitch"]], src[["start", "pitch"]])  # the input, unchanged
        tail = n[n["start"] >= 3 * BAR]
        assert (tail["start"] + tail["duration"] <= 5 * BAR).all()
        assert set((tail["pitch"] % 12).tolist()) <= g_major
    assert any(len(t.notes) > len(src) for t in song.tracks)


def test_repair_replaces_the_melody_track_only(models, melody_file, tmp_path):
    out = tmp_path / "fixed.mid"
    res = run("repair", str(melody_file), "--strength", "1", "--model-dir", str(models["ae"]), "-o", str(out))
    assert res.returncode == 0, res.stderr
    song = read_song(out)
    assert [t.is_drum for t in song.tracks] == [False, True]
    assert len(song.tracks[1].notes) == 1
    fixed = song.tracks[0]
    assert fixed.program == 73
    if len(fixed.notes):
        assert fixed.notes["start"].min() >= 0 and fixed.end_tick() <= 3 * BAR


def test_repair_with_the_repair_network_moves_pitches_only(models, melody_file, tmp_path):
    out = tmp_path / "fixed.mid"
    res = run("repair", str(melody_file), "--strength", "1", "--model-dir", str(models["ae"]),
              "--repair-dir", str(models["repair"]), "-o", str(out))
    assert res.returncode == 0, res.stderr
    src = read_song(melody_file).tracks[0].sorted_notes()
    fixed = read_song(out).tracks[0].sorted_notes()
    assert np.array_equal(fixed["start"], src["start"]) and np.array_equal(fixed["duration"], src["duration"])
    assert (np.abs(fixed["pitch"].astype(int) - src["pitch"].astype(int)) <= 2).all()


@pytest.mark.parametrize("args, message", [
    (["--bars", "0"], "--bars"),
    (["--bars", "33"], "--bars"),
    (["--bars", "2", "--variations", "9"], "--variations"),
    (["--bars", "2", "--temperature", "3"], "--temperature"),
    (["--bars", "2", "--track", "1"], "drum"),
    (["--bars", "2", "--track", "5"], "no track 5"),
    (["--bars", "2", "--style", "klezmer"], "unknown style"),
    (["--bars", "2", "--key", "H major"], "note name"),
])
def test_continue_bad_input_exits_2(models, melody_file, tmp_path, capsys, args, message):
    code = main(["continue", str(melody_file), *args, "--model-dir", str(models["lstm"]), "-o", str(tmp_path / "x.mid")])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "x.mid").exists()


@pytest.mark.parametrize("args, message", [
    (["--strength", "3"], "--strength"),
    (["--track", "1"], "drum"),
])
def test_repair_bad_input_exits_2(models, melody_file, tmp_path, capsys, args, message):
    code = main(["repair", str(melody_file), *args, "--model-dir", str(models["ae"]), "-o", str(tmp_path / "x.mid")])
    err = capsys.readouterr().err
    assert code == 2 and message in err, err


def test_empty_files_and_missing_weights_exit_2(models, tmp_path, capsys):
    empty = tmp_path / "empty.mid"
    write_song(Song(title="empty", tracks=[Track(name="silent")]), empty)
    assert main(["repair", str(empty), "--model-dir", str(models["ae"]), "-o", str(tmp_path / "x.mid")]) == 2
    assert "no pitched track with notes" in capsys.readouterr().err
    assert main(["continue", str(tmp_path / "nope.mid"), "--bars", "1", "-o", str(tmp_path / "x.mid")]) == 2
    capsys.readouterr()
    song = tmp_path / "one.mid"
    write_song(Song(tracks=[Track(name="m", notes=np.array([(0, PPQ, 60, 90)], dtype=NOTE_DTYPE))]), song)
    assert main(["continue", str(song), "--bars", "1", "--model-dir", str(tmp_path), "-o", str(tmp_path / "x.mid")]) == 2
    assert "no lstm weights" in capsys.readouterr().err


def test_a_polyphonic_input_is_continued_from_its_top_voice(models, tmp_path):
    top = [(i * PPQ, PPQ, 72 + (i % 3), 90) for i in range(8)]
    low = [(i * PPQ, PPQ, 60, 90) for i in range(8)]
    path = tmp_path / "chords.mid"
    write_song(Song(tracks=[Track(name="piano", notes=np.array(top + low, dtype=NOTE_DTYPE))]), path)
    mono = tmp_path / "mono.mid"
    write_song(Song(tracks=[Track(name="piano", notes=np.array(top, dtype=NOTE_DTYPE))]), mono)
    outs = []
    for src in (path, mono):
        out = tmp_path / f"{src.stem}_out.mid"
        assert main(["continue", str(src), "--bars", "2", "--temperature", "0", "--model-dir", str(models["lstm"]),
                     "-o", str(out)]) == 0
        n = read_song(out).tracks[0].sorted_notes()
        outs.append(n[n["start"] >= 2 * BAR])
    assert np.array_equal(outs[0][["start", "pitch"]], outs[1][["start", "pitch"]])


def test_repair_keeps_the_chord_notes_under_the_melody(models, tmp_path):
    """A piano part: the top voice is repaired and every chord note under it stays as it was."""
    top = [(i * PPQ, PPQ, p, 90) for i, p in enumerate([72, 74, 76, 77, 79, 77, 76, 74])]
    chords = [(i * PPQ, PPQ, p, 70) for i in range(8) for p in (60, 64, 67)]
    notes = np.array(sorted(top + chords), dtype=NOTE_DTYPE)
    path = tmp_path / "piano.mid"
    write_song(Song(title="Piano", tempos=[TempoChange(0, 100.0)], time_signatures=[TimeSignature(0, 4, 4)],
                    tracks=[Track(name="Piano", program=0, notes=notes)]), path)
    out = tmp_path / "fixed.mid"
    res = run("repair", str(path), "--strength", "1", "--model-dir", str(models["ae"]),
              "--repair-dir", str(models["repair"]), "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert "24 chord notes under it kept" in res.stdout
    fixed = read_song(out).tracks[0].notes
    assert len(fixed) == len(notes)
    kept = {(int(s), int(p), int(v)) for s, p, v in zip(fixed["start"], fixed["pitch"], fixed["velocity"])}
    assert {(s, p, v) for s, _d, p, v in chords} <= kept
