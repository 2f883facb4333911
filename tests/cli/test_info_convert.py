"""``latentroll info`` and ``latentroll convert`` run as a user would: the installed script in a subprocess."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from cli_run import run_cli

from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import NOTE_DTYPE, KeySignature, Song, TempoChange, TimeSignature, Track

ABC_BOOK = """X:1
T:Lilting Jig
M:6/8
L:1/8
K:D
dfa afd|gbg fed|]

X:2
T:Plain Reel
M:4/4
L:1/8
K:G
GABc dedB|]
"""


def run(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, timeout=120)


@pytest.fixture(scope="module")
def song_file(tmp_path_factory) -> Path:
    notes = np.array([(i * 240, 240, 60 + i % 12, 90) for i in range(32)], dtype=NOTE_DTYPE)
    song = Song(
        title="Test Waltz",
        tracks=[Track(name="Melody", program=40, channel=2, notes=notes),
                Track(name="Beat", channel=9, is_drum=True,
                      notes=np.array([(0, 120, 36, 100)], dtype=NOTE_DTYPE))],
        tempos=[TempoChange(0, 90.0)],
        time_signatures=[TimeSignature(0, 3, 4)],
        keys=[KeySignature(0, 7, "major")],
    )
    path = tmp_path_factory.mktemp("cli") / "waltz.mid"
    write_song(song, path)
    return path


def test_info_text(song_file):
    res = run("info", str(song_file))
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Test Waltz" in out and "90 BPM" in out and "3/4" in out and "G major" in out
    assert "6 bars" in out  # 32 eighth notes = 16 quarters = 5 1/3 bars of 3/4
    assert "0:10.7" in out  # 16 quarters at 90 BPM = 10.67 s
    assert "Melody" in out and "10 drums" in out


def test_info_json(song_file):
    res = run("info", str(song_file), "--json")
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["title"] == "Test Waltz" and info["tempo_bpm"] == 90.0
    assert [(t["name"], t["notes"], t["program"], t["channel"]) for t in info["tracks"]] == [
        ("Melody", 32, 40, 2), ("Beat", 1, 0, 9)]
    assert info["length_bars"] == 6 and info["length_seconds"] == pytest.approx(10.667, abs=1e-3)
    assert info["time_signature"] == "3/4" and info["key"] == "G major"


def test_convert_chain_keeps_the_song(song_file, tmp_path):
    original = read_song(song_file)
    xml, proj, mid = tmp_path / "w.musicxml", tmp_path / "w.lrproj", tmp_path / "w.mid"
    for src, dst in [(song_file, xml), (xml, proj), (proj, mid)]:
        res = run("convert", str(src), str(dst))
        assert res.returncode == 0, res.stderr
        assert dst.exists() and f"wrote {dst}" in res.stdout
    back = read_song(mid)
    assert [t.sorted_notes()[["start", "pitch"]].tolist() for t in back.tracks] == [
        t.sorted_notes()[["start", "pitch"]].tolist() for t in original.tracks]
    assert back.title == "Test Waltz" and back.bpm == 90.0 and back.key == original.key


def test_convert_picks_an_abc_tune(tmp_path):
    (tmp_path / "book.abc").write_text(ABC_BOOK)
    res = run("convert", str(tmp_path / "book.abc"), str(tmp_path / "reel.mid"), "--tune", "2")
    assert res.returncode == 0, res.stderr
    song = read_song(tmp_path / "reel.mid")
    assert song.title == "Plain Reel" and song.note_count() == 8


def make_input(case: str, folder: Path, song_file: Path) -> Path:
    """The bad (or good) input file for one user-error case."""
    contents = {
        "missing.mid": None,
        "junk.mid": b"\x00garbage" * 20,
        "cut.mid": song_file.read_bytes()[:-25],
        "bad.abc": b"X:1\nL:1/0\nK:C\nCDE|\n",
        "ok.abc": ABC_BOOK.encode(),
    }[case]
    path = folder / case
    if contents is not None:
        path.write_bytes(contents)
    return path


@pytest.mark.parametrize("case, out_name, words", [
    ("missing.mid", "out.mid", "no such file"),
    ("junk.mid", "out.mid", "not a MIDI file"),
    ("cut.mid", "out.musicxml", "truncated"),
    ("bad.abc", "out.mid", "could not read bad.abc as ABC"),
    ("ok.abc", "out.abc", "'.abc' is not supported"),
    ("ok.abc", "no_dir/out.mid", "does not exist"),
])
def test_convert_user_errors_exit_2_with_one_line_and_no_output(tmp_path, song_file, case, out_name, words):
    src = make_input(case, tmp_path, song_file)
    out = tmp_path / out_name
    res = run("convert", str(src), str(out))
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("latentroll: error: ") and words in lines[0], res.stderr
    assert res.stdout == ""
    assert not out.exists()
    assert not list(tmp_path.glob(".*.part"))


def test_failed_convert_keeps_an_existing_output(tmp_path):
    (tmp_path / "junk.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\x00\x09")
    out = tmp_path / "keep.musicxml"
    out.write_text("old contents")
    res = run("convert", str(tmp_path / "junk.mid"), str(out))
    assert res.returncode == 2 and "truncated" in res.stderr
    assert out.read_text() == "old contents"


def test_info_on_a_bad_file_exits_2(tmp_path):
    (tmp_path / "x.lrproj").write_text('{"format_version": 99}')
    res = run("info", str(tmp_path / "x.lrproj"))
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip().splitlines() == [
        "latentroll: error: x.lrproj was saved by a newer LatentRoll (project format 99; "
        "this version reads formats up to 1); please update LatentRoll"]

