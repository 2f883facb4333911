"""Every command refuses bad input the same way: one ``latentroll: error:`` line, exit 2, at once
(before torch is imported or a model loaded), and never a traceback."""
from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_run import CLI, run_cli

from latentroll.core.io.formats import write_song
from latentroll.core.io.midi import song_to_midi_bytes
from latentroll.core.song import NOTE_DTYPE, Song, TimeSignature, Track

BOOK = "X:1\nT:One\nM:4/4\nL:1/8\nK:G\nGABc dedB|]\n\nX:2\nT:Two\nM:4/4\nL:1/8\nK:D\nDEFG ABcd|]\n"


def one_error(res: subprocess.CompletedProcess, *words: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr[-800:])
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("latentroll: error: "), res.stderr[-800:]
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def melody(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("checks") / "melody.mid"
    notes = np.array([(i * 240, 240, 60 + i % 8, 90) for i in range(16)], dtype=NOTE_DTYPE)
    write_song(Song(tracks=[Track(name="Melody", notes=notes)]), path)
    return path


@pytest.mark.parametrize("args, words", [
    (["generate", "--bpm", "1e9", "-o", "x.mid"], ["--bpm must be between 10 and 400 BPM, not 1e+09"]),
    (["generate", "--seed", "-1", "-o", "x.mid"], ["--seed must be between 0 and"]),
    (["interpolate", "a.mid", "b.mid", "--temperature", "-1", "-o", "x.mid"], ["--temperature must be between 0 and 2"]),
    (["continue", "a.mid", "--bars", "2", "--temperature", "nan", "-o", "x.mid"], ["--temperature", "not nan"]),
    (["train", "vae", "--epochs", "0"], ["--epochs must be between 1 and"]),
    (["train", "vae", "--threads", "0"], ["--threads must be between 1 and 256"]),
    (["data", "build", "--workers", "0"], ["--workers must be between 1 and 64"]),
    (["render", "a.mid", "-o", "x.wav", "--gain", "0"], ["--gain"]),
    (["info", "a.mid", "--tune", "0"], ["--tune must be between 1 and"]),
])
def test_absurd_values_are_refused_by_one_shared_check(args, words):
    one_error(run_cli(*args, timeout=60), *words)


def _torch_after(args: list[str]) -> tuple[int, bool, str]:
    """Run ``main(args)`` in a fresh interpreter; report whether torch got imported."""
    code = ("import sys; from latentroll.app.cli.main import main; rc = main(sys.argv[1:]); "
            "print('torch' in sys.modules); sys.exit(rc)")
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    return res.returncode, res.stdout.strip() == "True", res.stderr.strip()


@pytest.mark.parametrize("command", [
    ["continue", "{missing}", "--bars", "2", "-o", "{out}"],
    ["repair", "{missing}", "-o", "{out}"],
    ["harmonize", "{missing}", "-o", "{out}"],
    ["infill", "{missing}", "--bars", "1", "-o", "{out}"],
    ["interpolate", "{melody}", "{missing}", "-o", "{out}"],
    ["harmonize", "{melody}", "-o", "{nodir}"],
    ["repair", "{melody}", "-o", "{folder}"],
    ["generate", "-o", "{nodir}"],
    ["continue", "{book}", "--bars", "2", "-o", "{out}"],
])
def test_model_commands_check_files_before_importing_torch(tmp_path, melody, command):
    (tmp_path / "book.abc").write_text(BOOK)
    (tmp_path / "folder.mid").mkdir()
    names = {"missing": tmp_path / "gone.mid", "out": tmp_path / "out.mid", "melody": melody,
             "nodir": tmp_path / "no" / "out.mid", "folder": tmp_path / "folder.mid", "book": tmp_path / "book.abc"}
    rc, torch_loaded, err = _torch_after([part.format(**names) for part in command])
    assert rc == 2 and not torch_loaded, err
    assert len(err.splitlines()) == 1 and err.startswith("latentroll: error: "), err
    assert any(w in err for w in ("no such file", "does not exist", "is a folder", "holds 2 tunes; choose one"))
    assert not (tmp_path / "out.mid").exists()


def test_a_book_needs_a_tune_number_and_accepts_one(tmp_path):
    from latentroll.app.cli.clips import melody_track, read_input
    from latentroll.app.cli.errors import UsageError

    (tmp_path / "book.abc").write_text(BOOK)
    with pytest.raises(UsageError, match=r"book.abc holds 2 tunes; choose one with --tune N \(1-2\)"):
        read_input(str(tmp_path / "book.abc"))
    song, track = melody_track(str(tmp_path / "book.abc"), tune=2)
    assert song.title == "Two" and track.sorted_notes()["pitch"][0] == 62


def test_data_without_a_cache_exits_2(tmp_path):
    env = {"LATENTROLL_CACHE": str(tmp_path / "cache"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    one_error(run_cli("data", "info", env=env, timeout=60), "no corpus cache at", "latentroll data build")
    one_error(run_cli("data", "fixture", "--out", str(tmp_path / "f.npz"), env=env, timeout=60), "no corpus cache")


def test_an_output_that_is_a_folder_is_called_a_folder(tmp_path, melody):
    one_error(run_cli("convert", str(melody), str(tmp_path), timeout=60), "it is a folder, not a file")


@pytest.mark.timeout(60)
def test_info_on_a_small_midi_claiming_200000_bars_answers_at_once(tmp_path):
    sigs = [TimeSignature(i * 1000, 1 + i % 7, 8) for i in range(500)]
    notes = np.array([(0, 240, 60, 90), (150_000_000, 240, 62, 90)], dtype=NOTE_DTYPE)
    path = tmp_path / "meters.mid"
    path.write_bytes(song_to_midi_bytes(Song(tracks=[Track(notes=notes)], time_signatures=sigs)))
    one_error(run_cli("info", str(path), timeout=30), "208,714 bars long")


def test_info_into_head_leaves_no_traceback(tmp_path, melody):
    cmd = " ".join(shlex.quote(c) for c in [*CLI, "info", str(melody)]) + " | head -1"
    res = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=60)
    assert res.stdout.startswith("Title:") and res.stdout.count("\n") == 1
    assert res.stderr == "" and res.returncode == 0


def test_abc_blow_up_is_one_line_without_music21_chatter(tmp_path):
    (tmp_path / "blow.abc").write_text("X:1\nT:Blow\nM:4/4\nL:1/8\nK:G\nGABc A999999|\n")
    one_error(run_cli("info", str(tmp_path / "blow.abc"), timeout=30), "A999999 longer than 32 whole notes")
