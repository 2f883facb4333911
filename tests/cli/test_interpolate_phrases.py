"""``latentroll interpolate`` reads the clips at their length (two 8-bar files give 8-bar clips),
cuts a clip over 16 bars with one note on stderr, and ``generate`` takes an odd VAE bar count
(the shipped model, in process)."""
from __future__ import annotations

import pytest

from latentroll.app.cli.main import main
from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import PPQ, Note, Song, Track

pytestmark = pytest.mark.timeout(300)
BAR = 4 * PPQ
SCALE = (60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62)


def _tune(path, bars: int, shift: int = 0):
    notes = [Note(i * PPQ, SCALE[(i + shift) % len(SCALE)], PPQ - 10, 90) for i in range(4 * bars)]
    write_song(Song(tracks=[Track(name="Tune", notes=notes)]), path)
    return str(path)


def _spans(path) -> list[int]:
    return [int(t.notes["start"].max()) for t in read_song(path).tracks if len(t.notes)]


def test_two_eight_bar_files_give_eight_bar_interpolants(tmp_path, capsys):
    out = tmp_path / "blend.mid"
    assert main(["interpolate", _tune(tmp_path / "a.mid", 8), _tune(tmp_path / "b.mid", 8, 5), "--steps", "3",
                 "--separate", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "3 clips of 8 bars" in captured.out and captured.err == ""
    spans = _spans(out)
    assert len(spans) == 3 and all(s < 8 * BAR for s in spans) and max(spans) >= 6 * BAR, spans


def test_a_clip_over_sixteen_bars_is_cut_with_one_line_on_stderr(tmp_path, capsys):
    out = tmp_path / "blend.mid"
    assert main(["interpolate", _tune(tmp_path / "a.mid", 20), _tune(tmp_path / "b.mid", 8), "--steps", "2",
                 "--separate", "-o", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "first 16" in err[0] and "read as 8 bars" in err[0]
    assert all(s < 8 * BAR for s in _spans(out))


def test_generate_takes_an_odd_vae_bar_count(tmp_path, capsys):
    out = tmp_path / "ideas.mid"
    assert main(["generate", "-n", "1", "--bars", "3", "--seed", "2", "--separate", "-o", str(out)]) == 0
    assert "of 3 bars" in capsys.readouterr().out
    assert all(s < 3 * BAR for s in _spans(out))
    assert main(["generate", "--bars", "0", "-o", str(out)]) == 2
