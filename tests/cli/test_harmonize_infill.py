"""``latentroll harmonize``, ``infill`` and ``generate --model gan``: files in, files out, clear errors."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from latentroll.app.cli.commands.harmonize import candidate_paths
from latentroll.app.cli.main import main
from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import NOTE_DTYPE, Song, TempoChange, Track
from latentroll.models.common.export import load_run_weights, publish_model

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"


@pytest.fixture(scope="module")
def corpus():
    from latentroll.models.data.corpus import Corpus

    return Corpus.load(FIXTURE)


def _tiny_model(train, net_cls, cfg, corpus, folder: Path, **kwargs) -> Path:
    """Train a tiny model briefly on the fixture and publish it as a model folder."""
    train(cfg, folder, corpus=corpus, **kwargs)
    publish_model(load_run_weights(net_cls(cfg), folder / "last"), cfg, folder / "last", folder / "model")
    return folder / "model"


@pytest.fixture(scope="module")
def cnn_dir(corpus, tmp_path_factory) -> Path:
    from latentroll.models.coconet.config import get_config
    from latentroll.models.coconet.network import ChoraleCNN
    from latentroll.models.coconet.train import train_coconet

    return _tiny_model(train_coconet, ChoraleCNN, get_config("tiny", epochs=1), corpus, tmp_path_factory.mktemp("cnn"))


@pytest.fixture(scope="module")
def gan_dir(corpus, tmp_path_factory) -> Path:
    from latentroll.models.gan.config import get_config
    from latentroll.models.gan.network import MelodyGAN
    from latentroll.models.gan.train import train_gan

    return _tiny_model(train_gan, MelodyGAN, get_config("tiny"), corpus, tmp_path_factory.mktemp("gan"), max_steps=5)


@pytest.fixture(scope="module")
def chorale_file(corpus, tmp_path_factory) -> Path:
    tune = next(t for t in corpus.tunes if t.style == "chorale")
    tracks = []
    for v, name in enumerate(("Soprano", "Alto", "Tenor", "Bass")):
        n = tune.voice(v)
        notes = np.array([(int(s), int(d), int(p), 80) for s, d, p, _ in n], dtype=NOTE_DTYPE)
        tracks.append(Track(name=name, channel=v, program=52, notes=notes))
    path = tmp_path_factory.mktemp("files") / "chorale.mid"
    write_song(Song(title="Chorale", tracks=tracks, tempos=[TempoChange(0, 80.0)]), path)
    return path


@pytest.fixture(scope="module")
def melody_file(chorale_file, tmp_path_factory) -> Path:
    song = read_song(chorale_file)
    song.tracks = song.tracks[:1]
    path = tmp_path_factory.mktemp("files") / "melody.mid"
    write_song(song, path)
    return path


def test_harmonize_adds_three_voices(melody_file, cnn_dir, tmp_path, capsys):
    out = tmp_path / "harm.mid"
    assert main(["harmonize", str(melody_file), "-o", str(out), "--model-dir", str(cnn_dir), "--seed", "1"]) == 0
    song, before = read_song(out), read_song(melody_file)
    assert [t.name for t in song.tracks][1:] == ["Alto", "Tenor", "Bass"]
    assert np.array_equal(song.tracks[0].sorted_notes(), before.tracks[0].sorted_notes())
    end = before.tracks[0].end_tick()
    assert all(0 < len(t.notes) and t.end_tick() <= end for t in song.tracks[1:])
    assert "Alto" in capsys.readouterr().out


def test_harmonize_candidates_write_one_file_each(melody_file, cnn_dir, tmp_path):
    out = tmp_path / "harm.mid"
    assert main(["harmonize", str(melody_file), "-o", str(out), "--model-dir", str(cnn_dir),
                 "--candidates", "2", "--temperature", "1.2", "--key", "G major"]) == 0
    files = [tmp_path / "harm-1.mid", tmp_path / "harm-2.mid"]
    assert all(f.exists() for f in files) and not out.exists()
    assert all(len(read_song(f).tracks) == 4 for f in files)


def test_three_batched_candidates_write_three_different_files(melody_file, cnn_dir, tmp_path):
    """The service samples the three in one batch; each still gets its own file and its own voices."""
    out = tmp_path / "harm.mid"
    assert main(["harmonize", str(melody_file), "-o", str(out), "--model-dir", str(cnn_dir),
                 "--candidates", "3", "--seed", "4"]) == 0
    songs = [read_song(tmp_path / f"harm-{i}.mid") for i in (1, 2, 3)]
    assert all(len(s.tracks) == 4 for s in songs)
    voices = [[t.notes.tolist() for t in s.tracks[1:]] for s in songs]
    assert voices[0] != voices[1] and voices[1] != voices[2] and voices[0] != voices[2]


def test_infill_rewrites_only_the_chosen_bars_and_voices(chorale_file, cnn_dir, tmp_path):
    out = tmp_path / "infill.mid"
    assert main(["infill", str(chorale_file), "--bars", "3-4", "--voices", "alto,tenor", "-o", str(out),
                 "--model-dir", str(cnn_dir), "--seed", "2"]) == 0
    before, after = read_song(chorale_file), read_song(out)
    assert len(after.tracks) == 4
    assert after.tracks[0] == before.tracks[0] and after.tracks[3] == before.tracks[3]
    start, end = before.bar_start(2), before.bar_start(4)
    for v in (1, 2):
        old, new = before.tracks[v].sorted_notes(), after.tracks[v].sorted_notes()
        keep = lambda n: n[(n["start"] + n["duration"] <= start) | (n["start"] >= end)]  # noqa: E731
        assert np.array_equal(keep(old), keep(new))


def _parallels(path: Path) -> int:
    """Parallel fifths/octaves among a file's voice tracks, on the sampler's 16th grid."""
    from latentroll.models.coconet.voiceleading import parallels
    from latentroll.models.data.melody import STEP_TICKS

    tracks = [t for t in read_song(path).tracks if len(t.notes)]
    grid = np.full((len(tracks), max(t.end_tick() for t in tracks) // STEP_TICKS + 1), -1)
    for v, t in enumerate(tracks):
        for n in t.sorted_notes():
            grid[v, n["start"] // STEP_TICKS:(n["start"] + n["duration"]) // STEP_TICKS] = n["pitch"]
    return parallels(grid)


@pytest.mark.parametrize("argv", [["harmonize", "{melody}"], ["infill", "{chorale}", "--bars", "2-5"]])
def test_no_voice_leading_keeps_the_raw_parallels(argv, melody_file, chorale_file, cnn_dir, tmp_path):
    """By default the polish leaves no parallel fifth/octave (the fixture chorale has none of its
    own); --no-voice-leading hands back the tiny net's raw draws, which have some."""
    args = [a.format(melody=melody_file, chorale=chorale_file) for a in argv]
    counts = {}
    for flags in ([], ["--no-voice-leading"]):
        out = tmp_path / f"out{len(flags)}.mid"
        assert main(args + ["-o", str(out), "--model-dir", str(cnn_dir), "--seed", "1", "--candidates", "3"]
                    + flags) == 0
        counts[bool(flags)] = [_parallels(f) for f in candidate_paths(str(out), 3)]
    assert counts[False] == [0, 0, 0]
    assert sum(counts[True]) > 0, counts


def test_generate_with_the_gan(gan_dir, tmp_path, capsys):
    out = tmp_path / "gan.mid"
    assert main(["generate", "--model", "gan", "--model-dir", str(gan_dir), "--bars", "3", "-n", "2",
                 "--style", "irish", "--key", "D major", "--seed", "0", "--separate", "-o", str(out)]) == 0
    song = read_song(out)
    assert len(song.tracks) == 2 and all(t.end_tick() <= 3 * 1920 for t in song.tracks)
    assert "3 bars" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["harmonize", "{melody}", "-o", "{out}", "--candidates", "0"], "--candidates"),
    (["harmonize", "{melody}", "-o", "{out}", "--temperature", "3"], "--temperature"),
    (["harmonize", "{missing}", "-o", "{out}"], "missing.mid"),
    (["harmonize", "{melody}", "-o", "{out}", "--track", "5"], "no track 5"),
    (["harmonize", "{melody}", "-o", "{out}", "--key", "H major"], "note name"),
    (["infill", "{chorale}", "--bars", "x", "-o", "{out}"], "--bars"),
    (["infill", "{chorale}", "--bars", "4-2", "-o", "{out}"], "--bars"),
    (["infill", "{chorale}", "--bars", "999", "-o", "{out}"], "bars"),
    (["infill", "{chorale}", "--bars", "1-2", "--voices", "piano", "-o", "{out}"], "voice"),
    (["infill", "{melody}", "--bars", "1-2", "-o", "{out}"], "four voices"),
    (["generate", "--model", "gan", "--bars", "0", "-o", "{out}"], "--bars"),
    (["generate", "--model", "gan", "--style", "polka", "-o", "{out}"], "polka"),
])
def test_bad_input_exits_2_with_one_line(argv, message, melody_file, chorale_file, cnn_dir, gan_dir, tmp_path,
                                         capsys):
    paths = {"melody": melody_file, "chorale": chorale_file, "missing": tmp_path / "missing.mid",
             "out": tmp_path / "out.mid"}
    args = [a.format(**paths) for a in argv]
    args += ["--model-dir", str(gan_dir if args[0] == "generate" else cnn_dir)]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err
    assert not (tmp_path / "out.mid").exists()


def test_missing_weights_exit_2(melody_file, tmp_path, capsys):
    assert main(["harmonize", str(melody_file), "-o", str(tmp_path / "o.mid"), "--model-dir", str(tmp_path)]) == 2
    assert "latentroll train cnn" in capsys.readouterr().err


def test_harmonize_follows_given_chords(cnn_dir, melody_file, tmp_path, capsys):
    out = tmp_path / "h.mid"
    assert main(["harmonize", str(melody_file), "--chords", "C", "--model-dir", str(cnn_dir), "--seed", "1",
                 "-o", str(out)]) == 0
    song = read_song(out)
    assert [c.symbol.text for c in song.chords][:1] == ["C"]
    lower = [int(p) % 12 for t in song.tracks[-3:] for p in t.notes["pitch"]]
    assert lower and set(lower) <= {0, 4, 7}


def test_harmonize_names_a_bad_chord(cnn_dir, melody_file, tmp_path, capsys):
    assert main(["harmonize", str(melody_file), "--chords", "C Hm7b13#", "--model-dir", str(cnn_dir),
                 "-o", str(tmp_path / "h.mid")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Hm7b13#" in err[0]
    assert not (tmp_path / "h.mid").exists()
