"""Lead sheets: chord symbols (ABC ``"Am"``, MusicXML ``<harmony>``) name harmony; they never
become notes of the melody track."""
from __future__ import annotations

from pathlib import Path

from latentroll.core.io.formats import read_song

SAILOR = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "drunken_sailor_leadsheet.mxl"

JIG = """X:1
T:Lead Sheet Jig
M:6/8
L:1/8
K:D
"D"dfa "A7"afd|"G"gbg "D/F#"fed|"Em"efg "A"a2g|"D"f3 d3|]
"""


def test_abc_chord_symbols_are_not_notes(tmp_path):
    (tmp_path / "jig.abc").write_text(JIG)
    song = read_song(tmp_path / "jig.abc")
    notes = song.tracks[0].sorted_notes()
    assert len(song.tracks) == 1 and len(notes) == 19
    assert notes["duration"].min() == 240  # eighths and longer, no 1-tick chord tones
    assert notes["pitch"][:3].tolist() == [74, 78, 81]  # d f a: the melody, not the D chord under it


def test_musicxml_harmony_elements_are_not_notes():
    song = read_song(SAILOR)
    notes = song.tracks[0].sorted_notes()
    assert song.title == "Drunken Sailor" and len(song.tracks) == 1
    assert len(notes) == 63  # the melody's notes; its 10 chord symbols added 30 before
    assert notes["duration"].min() == 120
    assert song.end_tick() == 8 * 4 * 480  # 8 bars of 4/4
