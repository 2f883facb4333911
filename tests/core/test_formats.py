"""read_song/write_song: MusicXML and ABC through music21, dispatch by extension, user-facing errors."""
from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pytest

from latentroll.core.io.errors import MusicFileError
from latentroll.core.io.formats import (
    SUPPORTED_READ,
    SUPPORTED_WRITE,
    read_song,
    split_abc_tunes,
    write_song,
)
from latentroll.core.io.music21_convert import score_to_song
from latentroll.core.io.music21_export import snap_to_notation
from latentroll.core.song import NOTE_DTYPE, KeySignature, Song, TempoChange, TimeSignature, Track

TWO_TUNES = """%abc-2.1
% a file header applies to every tune
L:1/8

X:1
T:First Tune
M:6/8
K:G
GAB c2d|e3 d3|]

X:2
T:Second Tune
M:3/4
K:Dm
D2 F2 A2|d6|]
"""


@pytest.fixture(scope="module")
def chorale() -> Song:
    from music21 import corpus

    return score_to_song(corpus.parse("bach/bwv66.6"), title="Christ unser Herr")


def onsets_and_pitches(song: Song) -> list[np.ndarray]:
    return [t.sorted_notes()[["start", "pitch"]] for t in song.tracks]


@pytest.mark.parametrize("ext", [".musicxml", ".xml", ".mxl"])
def test_musicxml_export_reimports_equal(chorale, tmp_path, ext):
    path = tmp_path / f"chorale{ext}"
    write_song(chorale, path)
    back = read_song(path)
    assert [a.tolist() for a in onsets_and_pitches(back)] == [a.tolist() for a in onsets_and_pitches(chorale)]
    assert back == chorale  # durations, velocities, names, maps and title too


def test_musicxml_is_well_formed_for_notation_programs(chorale, tmp_path):
    write_song(chorale, tmp_path / "c.musicxml")
    root = ET.parse(tmp_path / "c.musicxml").getroot()
    assert root.tag == "score-partwise"
    assert [p.findtext("part-name") for p in root.iter("score-part")] == ["Soprano", "Alto", "Tenor", "Bass"]
    assert len(root.findall("part")) == 4 and root.find("part/measure/attributes/divisions") is not None
    write_song(chorale, tmp_path / "c.mxl")
    with zipfile.ZipFile(tmp_path / "c.mxl") as zf:
        assert zf.namelist()[0] == "mimetype"
        assert zf.read("mimetype") == b"application/vnd.recordare.musicxml"
        container = ET.fromstring(zf.read("META-INF/container.xml"))
        rootfile = container.find("rootfiles/rootfile").get("full-path")
        assert ET.fromstring(zf.read(rootfile)).tag == "score-partwise"


def test_musicxml_snaps_performance_timing_to_notation(tmp_path):
    notes = np.array([(3, 470, 60, 80), (487, 233, 64, 80), (958, 159, 67, 80)], dtype=NOTE_DTYPE)
    song = Song(title="Loose", tracks=[Track(name="Keys", notes=notes)],
                tempos=[TempoChange(0, 100.0)], time_signatures=[TimeSignature(0, 3, 4)],
                keys=[KeySignature(0, 9, "minor")])
    write_song(song, tmp_path / "loose.musicxml")
    back = read_song(tmp_path / "loose.musicxml")
    got = back.tracks[0].sorted_notes()
    assert got["start"].tolist() == [0, 480, 960]
    assert (got["start"] + got["duration"]).tolist() == [480, 720, 1120]
    assert got["pitch"].tolist() == [60, 64, 67]
    assert back.bpm == 100.0 and back.time_signature == TimeSignature(0, 3, 4)
    assert back.key == KeySignature(0, 9, "minor")


def test_snap_to_notation_picks_the_nearer_grid():
    assert snap_to_notation(np.array([0, 29, 31, 79, 161, 475])).tolist() == [0, 0, 60, 80, 160, 480]


def test_multi_tune_abc_reads_first_tune_or_index(tmp_path):
    path = tmp_path / "book.abc"
    path.write_text(TWO_TUNES, encoding="utf-8")
    first = read_song(path)
    assert first.title == "First Tune" and first.time_signature == TimeSignature(0, 6, 8)
    assert first.tracks[0].sorted_notes()["pitch"].tolist() == [67, 69, 71, 72, 74, 76, 74]
    second = read_song(path, index=1)
    assert second.title == "Second Tune" and second.key == KeySignature(0, 2, "minor")
    assert second.tracks[0].sorted_notes()["duration"].tolist() == [480, 480, 480, 1440]
    with pytest.raises(MusicFileError, match="holds 2 tune"):
        read_song(path, index=2)


def test_split_abc_tunes_keeps_the_file_header():
    tunes = split_abc_tunes(TWO_TUNES)
    assert len(tunes) == 2 and all(t.startswith("%abc-2.1") and "L:1/8" in t for t in tunes)
    assert "Second Tune" in tunes[1] and "First Tune" not in tunes[1]


def test_latin1_abc_is_decoded(tmp_path):
    path = tmp_path / "old.abc"
    path.write_bytes("X:1\nT:Caf\xe9 Polka\nM:2/4\nL:1/8\nK:D\ndf af|d4|]\n".encode("latin-1"))
    assert read_song(path).title == "Café Polka"


@pytest.mark.parametrize("text, words", [
    ("X:1\nT:Broken\nL:1/0\nK:C\nCDE|\n", "could not read bad.abc as ABC"),
    ("X:1\nT:Silence\nM:4/4\nL:1/4\nK:C\n", "could not read bad.abc as ABC: the file holds no notes"),
    ("", "bad.abc is empty"),
])
def test_abc_that_music21_rejects(tmp_path, text, words):
    path = tmp_path / "bad.abc"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MusicFileError, match=words):
        read_song(path)


@pytest.mark.parametrize("name, content, words", [
    ("broken.musicxml", b"<score-partwise><part id='P1'><measure", "could not read broken.musicxml as MusicXML"),
    ("zip.mxl", b"PK\x03\x04 not really a zip", "could not read zip.mxl as MusicXML"),
    ("empty.xml", b"", "empty.xml is empty"),
    ("song.wav", b"RIFF", "file type '.wav' is not supported"),
    ("README", b"text", "a file without an extension"),
])
def test_unreadable_files(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MusicFileError, match=words):
        read_song(path)


def test_missing_file(tmp_path):
    with pytest.raises(MusicFileError, match="no such file"):
        read_song(tmp_path / "gone.musicxml")


def test_tune_index_only_applies_to_abc(tmp_path, chorale):
    write_song(chorale, tmp_path / "c.mid")
    with pytest.raises(MusicFileError, match="only applies to ABC"):
        read_song(tmp_path / "c.mid", index=3)


def test_unsupported_output_names_the_supported_types(tmp_path, chorale):
    with pytest.raises(MusicFileError) as err:
        write_song(chorale, tmp_path / "out.abc")
    assert ".mid, .midi, .musicxml, .xml, .mxl, .lrproj" in str(err.value)
    assert not (tmp_path / "out.abc").exists()


def test_failed_writes_leave_the_existing_file(tmp_path, chorale):
    target = tmp_path / "song.mid"
    target.write_bytes(b"precious")
    bad = chorale.copy()
    bad.tracks[0].channel = 16
    with pytest.raises(MusicFileError, match="channel 17"):
        write_song(bad, target)
    with pytest.raises(MusicFileError, match="no tracks"):
        write_song(Song(), tmp_path / "empty.musicxml")
    assert target.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["song.mid"]


def test_unwritable_destinations(tmp_path, chorale):
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(MusicFileError, match="does not exist"):
        write_song(chorale, tmp_path / "a_file" / "out.mid")
    with pytest.raises(MusicFileError, match="does not exist"):
        write_song(chorale, tmp_path / "no" / "such" / "dir.mid")
    (tmp_path / "taken.mid").mkdir()
    with pytest.raises(MusicFileError, match="is a folder"):
        write_song(chorale, tmp_path / "taken.mid")


def test_project_files_go_through_read_and_write_song(tmp_path, chorale):
    write_song(chorale, tmp_path / "c.lrproj")
    assert read_song(tmp_path / "c.lrproj") == chorale


def test_supported_lists():
    assert set(SUPPORTED_WRITE) < set(SUPPORTED_READ)
    assert ".abc" in SUPPORTED_READ and ".abc" not in SUPPORTED_WRITE
    assert {".mid", ".midi", ".musicxml", ".xml", ".mxl", ".lrproj"} <= set(SUPPORTED_WRITE)
