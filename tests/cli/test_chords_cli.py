"""``latentroll chords detect|suggest``, ``latentroll bass`` and ``--chords`` on the melody
commands, as a user runs them; bad chord symbols are one line and exit 2."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from cli_run import run_cli

from latentroll.core.chords import parse_progression
from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import NOTE_DTYPE, Song, TimeSignature, Track

LEAD_SHEET = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "drunken_sailor_leadsheet.mxl"


def one_error(res, *words: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr[-800:])
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("latentroll: error: "), res.stderr[-800:]
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("chords")
    bar = 1920
    rows = []
    for i, text in enumerate(["C", "Am", "F", "G"]):   # block chords, then a melody over C major
        sym = parse_progression(text)[0]
        rows += [(i * bar, bar, 48 + sym.root + iv, 80) for iv in sym.intervals()]
    pad = Track(name="Pad", notes=np.array(rows, dtype=NOTE_DTYPE))
    mel = Track(name="Tune", channel=1, notes=np.array(
        [(i * 480, 480, p, 90) for i, p in enumerate([72, 76, 79, 76, 69, 72, 76, 72, 65, 69, 72, 69, 67, 71, 74, 71])],
        dtype=NOTE_DTYPE))
    out = {"pad": d / "pad.mid", "tune": d / "tune.mid", "five": d / "five.mid", "empty": d / "empty.mid"}
    write_song(Song(tracks=[pad, mel]), out["pad"])
    write_song(Song(tracks=[mel]), out["tune"])
    five = mel.copy()
    write_song(Song(tracks=[five], time_signatures=[TimeSignature(0, 5, 4)]), out["five"])
    write_song(Song(tracks=[Track(name="Empty")], chords=[]), out["empty"])
    return out


def test_detect_prints_the_chords_of_a_rendered_progression_and_writes_them(files, tmp_path):
    res = run_cli("chords", "detect", str(files["pad"]), "--per", "bar", "--tracks", "0", "-o", str(tmp_path / "d.mid"))
    assert res.returncode == 0, res.stderr
    assert [line.split()[1] for line in res.stdout.splitlines()[:4]] == ["C", "Am", "F", "G"]
    assert [c.symbol.text for c in read_song(tmp_path / "d.mid").chords] == ["C", "Am", "F", "G"]


@pytest.mark.slow
def test_suggest_prints_ranked_progressions_and_writes_the_pick(files, tmp_path):
    out = tmp_path / "s.mid"
    res = run_cli("chords", "suggest", str(files["tune"]), "-n", "3", "--rhythm", "bar", "-o", str(out))
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in res.stdout.splitlines() if ln[:2] in ("1:", "2:", "3:")]
    assert len(lines) >= 2 and lines[0] != lines[1]
    chords = read_song(out).chords
    assert chords and chords[0].tick == 0 and chords[0].symbol.root == 0, "a C melody starts on a C chord"
    five = run_cli("chords", "suggest", str(files["five"]), "--rhythm", "half", "-n", "1")
    assert five.returncode == 0 and five.stdout.startswith("1: "), five.stderr


def test_bass_follows_a_lead_sheet_and_typed_chords(files, tmp_path):
    res = run_cli("bass", str(LEAD_SHEET), "--style", "walking", "-o", str(tmp_path / "b.mid"))
    assert res.returncode == 0, res.stderr
    song = read_song(tmp_path / "b.mid")
    assert song.tracks[-1].name.startswith("Bass") and len(song.tracks[-1].notes) > 8
    res = run_cli("bass", str(files["tune"]), "--chords", "C G | Am F", "--style", "root", "-o", str(tmp_path / "r.mid"))
    assert res.returncode == 0, res.stderr
    bass = read_song(tmp_path / "r.mid").tracks[-1].notes
    assert [int(p) % 12 for p in bass["pitch"][:4]] == [0, 7, 9, 5]


@pytest.mark.parametrize("args, words", [
    (["bass", "{tune}", "--chords", "C Hm7b13# F", "-o", "{out}"], ["Hm7b13#"]),
    (["generate", "--chords", "C G Xyz", "-o", "{out}"], ["Xyz"]),
    (["continue", "{tune}", "--bars", "2", "--chords", "C G7 Q", "-o", "{out}"], ["'Q'"]),
    (["interpolate", "{tune}", "{tune}", "--chords", "Cmaj7 | Fzz", "-o", "{out}"], ["Fzz"]),
    (["bass", "{tune}", "-o", "{out}"], ["no chord track", "--chords"]),
    (["bass", "{tune}", "--chords-from", "{tune}", "-o", "{out}"], ["has no chord symbols"]),
    (["chords", "suggest", "{empty}"], ["no melody"]),
    (["chords", "detect", "{empty}"], ["no pitched notes"]),
])
def test_bad_chords_and_songs_without_a_melody_are_one_line_and_exit_2(files, tmp_path, args, words):
    subst = {"tune": str(files["tune"]), "empty": str(files["empty"]), "out": str(tmp_path / "x.mid")}
    one_error(run_cli(*[a.format(**subst) for a in args], timeout=120), *words)


def test_typed_progressions_land_on_bars_split_and_repeat():
    from latentroll.app.calls.chords import progression_chords

    got = progression_chords("C G | Am", bars=3, meter=(3, 4), start_tick=480)
    assert [(c.tick, c.symbol.text) for c in got] == [(480, "C"), (480 + 720, "G"), (480 + 1440, "Am"),
                                                     (480 + 2880, "C"), (480 + 2880 + 720, "G")]
    assert [c.tick for c in progression_chords("Dm7 G7 Cmaj7")] == [0, 1920, 3840]
