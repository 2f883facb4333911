"""``latentroll drums …`` writes MIDI with the drums on channel 10, and bad input is one line on
stderr with exit code 2 (tiny drum models trained here on the committed GMD fixture)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from latentroll.app.cli.main import main
from latentroll.core.drum_kit import DRUM_CHANNEL, KIT
from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import NOTE_DTYPE, Song, TimeSignature, Track

pytestmark = pytest.mark.timeout(300)
FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "groove_small.npz"


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    import torch

    from latentroll.models.drums.data import DrumCorpus
    from latentroll.models.registry import MODELS, resolve

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("drum_models")
    corpus = DrumCorpus.load(FIXTURE)
    out = {}
    for key in ("drums_vae", "groove", "drumify", "drums_lm"):
        resolve(MODELS[key].train)("tiny", root / f"{key}_run", corpus=corpus, max_steps=4)
        resolve(MODELS[key].ship)(root / f"{key}_run", "last", root / key, corpus, [])
        out[key] = str(root / key)
    return out


def _drums(path: Path, bars: int = 2, meter=(4, 4)) -> Path:
    rows = [(s * 240, 60, KIT[(s % 3)].pitch, 90) for s in range(bars * 8)]
    song = Song(tracks=[Track(name="Kit", channel=DRUM_CHANNEL, is_drum=True, notes=np.array(rows, NOTE_DTYPE))],
                time_signatures=[TimeSignature(0, *meter)])
    write_song(song, path)
    return path


def _melody(path: Path) -> Path:
    notes = np.array([(i * 480, 480, 60 + i % 5, 100) for i in range(8)], NOTE_DTYPE)
    write_song(Song(tracks=[Track(name="Lead", notes=notes)]), path)
    return path


def test_generate_writes_drum_clips_on_channel_10(tiny_models, tmp_path, capsys):
    out = tmp_path / "gen.mid"
    assert main(["drums", "generate", "-n", "2", "--bars", "2", "--style", "funk", "--seed", "3",
                 "--model-dir", tiny_models["drums_vae"], "-o", str(out)]) == 0
    song = read_song(out)
    assert len(song.tracks) == 1 and song.tracks[0].is_drum and song.tracks[0].channel == DRUM_CHANNEL
    assert "wrote 2 drum clip(s) of 2 bars" in capsys.readouterr().out


def test_groove_keeps_the_hits_and_drumify_adds_a_drum_part(tiny_models, tmp_path):
    src = _drums(tmp_path / "in.mid")
    assert main(["drums", "groove", str(src), "--amount", "0.5", "--model-dir", tiny_models["groove"],
                 "-o", str(tmp_path / "g.mid")]) == 0
    before, after = read_song(src).tracks[0], read_song(tmp_path / "g.mid").tracks[0]
    assert after.is_drum and sorted(after.notes["pitch"]) == sorted(before.notes["pitch"])
    lead = _melody(tmp_path / "lead.mid")
    assert main(["drums", "drumify", str(lead), "-n", "2", "--seed", "1", "--model-dir", tiny_models["drumify"],
                 "-o", str(tmp_path / "d.mid")]) == 0
    song = read_song(tmp_path / "d.mid")
    assert [t.is_drum for t in song.tracks] == [False, True, True]


def test_continue_and_interpolate(tiny_models, tmp_path):
    src = _drums(tmp_path / "in.mid")
    assert main(["drums", "continue", str(src), "--bars", "2", "-n", "2", "--seed", "0",
                 "--model-dir", tiny_models["drums_lm"], "-o", str(tmp_path / "c.mid")]) == 0
    song = read_song(tmp_path / "c.mid")
    assert len(song.tracks) == 2 and all(t.is_drum for t in song.tracks)
    assert all(len(t.notes) >= 16 for t in song.tracks), "the input's hits come first"
    other = _drums(tmp_path / "b.mid", bars=4)
    assert main(["drums", "interpolate", str(src), str(other), "--steps", "3", "--separate",
                 "--model-dir", tiny_models["drums_vae"], "-o", str(tmp_path / "i.mid")]) == 0
    assert len(read_song(tmp_path / "i.mid").tracks) == 3


@pytest.mark.parametrize("case, expected", [
    ("melody_into_groove", "no drum track"),
    ("melody_track_into_groove", "needs a drum track"),
    ("waltz_into_continue", "4/4 only"),
    ("one_input_to_interpolate", "takes 2 input file(s)"),
    ("too_many_bars", "--bars must be between 1 and 16"),
    ("missing_file", "nope.mid"),
    ("unknown_style", "unknown style 'polka'"),
])
def test_bad_input_is_one_line_and_exit_2(case, expected, tiny_models, tmp_path, capsys):
    lead, drums = str(_melody(tmp_path / "lead.mid")), str(_drums(tmp_path / "d.mid"))
    waltz = str(_drums(tmp_path / "w.mid", meter=(3, 4)))
    out = ["-o", str(tmp_path / "out.mid")]
    argv = {
        "melody_into_groove": ["drums", "groove", lead, "--model-dir", tiny_models["groove"], *out],
        "melody_track_into_groove": ["drums", "groove", lead, "--track", "0", "--model-dir", tiny_models["groove"],
                                     *out],
        "waltz_into_continue": ["drums", "continue", waltz, "--model-dir", tiny_models["drums_lm"], *out],
        "one_input_to_interpolate": ["drums", "interpolate", drums, *out],
        "too_many_bars": ["drums", "generate", "--bars", "17", *out],
        "missing_file": ["drums", "groove", str(tmp_path / "nope.mid"), *out],
        "unknown_style": ["drums", "generate", "--style", "polka", "--model-dir", tiny_models["drums_vae"], *out],
    }[case]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and len(err.splitlines()) == 1, err
    assert not (tmp_path / "out.mid").exists(), "nothing half-written"
