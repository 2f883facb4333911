"""The chord track: symbols parse and spell back, edits undo exactly, and the chords survive
.lrproj, MIDI (marker events) and MusicXML (<harmony>) round trips."""
from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from latentroll.core.chords import (
    NO_CHORD,
    ChordEvent,
    ChordSymbolError,
    chord_from_parts,
    parse_chord,
    parse_progression,
)
from latentroll.core.commands import add_chord, change_chord, move_chord, remove_chord
from latentroll.core.io.formats import read_song
from latentroll.core.io.midi import song_from_midi_bytes, song_to_midi_bytes
from latentroll.core.io.music21_export import song_to_musicxml_bytes
from latentroll.core.project import Project, load_project, project_from_json, project_to_json, save_project
from latentroll.core.song import Note, Song, Track

FIXTURES = Path(__file__).resolve().parents[2] / "resources" / "fixtures"


@pytest.mark.parametrize("text, spelled, pcs", [
    ("Am7", "Am7", {9, 0, 4, 7}),
    ("F/C", "F/C", {5, 9, 0}),
    ("G7sus4", "G7sus4", {7, 0, 2, 5}),
    ("Bb7", "Bb7", {10, 2, 5, 8}),          # music21 reads this as a B chord
    ("C#m7b5", "C#m7b5", {1, 4, 7, 11}),
    ("Gø7", "Gm7b5", {7, 10, 1, 5}),
    ("Co7", "Cdim7", {0, 3, 6, 9}),
    ("E+", "Eaug", {4, 8, 0}),
    ("Cmaj9", "Cmaj9", {0, 4, 7, 11, 2}),
    ("C9", "C9", {0, 4, 7, 10, 2}),
    ("Dm9", "Dm9", {2, 5, 9, 0, 4}),
    ("Cadd9", "Cadd9", {0, 4, 7, 2}),
    ("C6/9", "C6(9)", {0, 4, 7, 9, 2}),
    ("C7b9", "C7(b9)", {0, 4, 7, 10, 1}),
    ("Cm(maj7)", "CmMaj7", {0, 3, 7, 11}),
    ("Ebmaj7/G", "Ebmaj7/G", {3, 7, 10, 2}),
])
def test_symbols_parse_spell_and_sound(text, spelled, pcs):
    c = parse_chord(text)
    assert c.text == spelled
    assert set(c.pitch_classes()) == pcs
    assert parse_chord(c.text) == c


def test_no_chord_and_bad_symbols():
    assert parse_chord("N.C.") == NO_CHORD and NO_CHORD.pitch_classes() == frozenset()
    with pytest.raises(ChordSymbolError, match="Hm7b13#"):
        parse_chord("Hm7b13#")
    with pytest.raises(ChordSymbolError, match="Cxyz"):
        parse_chord("Cxyz")
    with pytest.raises(ChordSymbolError, match="Q"):
        parse_progression("C G Q F")
    assert [c.text for c in parse_progression("C G | Am, F")] == ["C", "G", "Am", "F"]


def test_transpose_keeps_the_spelling_family():
    assert parse_chord("Bbm7/F").transposed(2).text == "Cm7/G"
    assert parse_chord("F#7").transposed(1).text == "G7"


def test_musicxml_kind_fallback_reads_other_programs_chords():
    assert chord_from_parts("D", "dominant-ninth").text == "D9"
    assert chord_from_parts("Bb", "minor-seventh", "", "F").text == "Bbm7/F"
    assert chord_from_parts("C", "major-seventh", "Δ7").text == "Cmaj7"
    assert chord_from_parts(None, "none") == NO_CHORD


def _song() -> Song:
    melody = Track(name="Lead", notes=[Note(0, 72, 960), Note(960, 74, 960), Note(1920, 76, 1920), Note(3840, 77, 1920)])
    return Song(title="Chords", tracks=[melody], chords=[
        ChordEvent(0, parse_chord("Am7")), ChordEvent(1920, parse_chord("F/C")),
        ChordEvent(2880, parse_chord("G7sus4")), ChordEvent(3840, parse_chord("N.C.")),
        ChordEvent(4800, parse_chord("Bb13"))])


def test_chord_at_holds_until_the_next():
    s = _song()
    assert s.chord_at(0).text == "Am7" and s.chord_at(1919).text == "Am7" and s.chord_at(1920).text == "F/C"
    assert s.chord_at(4000) == NO_CHORD


def test_chord_edits_undo_exactly():
    song = _song()
    before = song.copy()
    steps = [add_chord(song, 960, parse_chord("Dm")), None, None, None]
    steps[0].apply(song)
    assert [c.tick for c in song.chords] == [0, 960, 1920, 2880, 3840, 4800]
    steps[1] = move_chord(song, 1, 1440)
    steps[1].apply(song)
    assert song.chord_at(1440).text == "Dm" and song.chord_at(1000).text == "Am7"
    steps[2] = change_chord(song, 1, parse_chord("D7"))
    steps[2].apply(song)
    assert song.chord_at(1440).text == "D7"
    steps[3] = remove_chord(song, 0)
    steps[3].apply(song)
    assert song.chord_at(0) is None
    for cmd in reversed(steps):
        cmd.revert(song)
    assert song == before


def test_moving_onto_a_chord_replaces_it_and_undo_brings_both_back():
    song = _song()
    before = song.copy()
    cmd = move_chord(song, 0, 1920)
    cmd.apply(song)
    assert song.chord_at(1920).text == "Am7" and len(song.chords) == 4
    cmd.revert(song)
    assert song == before


def test_project_round_trip_keeps_chords(tmp_path):
    song = _song()
    path = tmp_path / "s.lrproj"
    save_project(Project(song=song), path)
    assert load_project(path).song.chords == song.chords


def test_project_with_a_bad_chord_names_it():
    text = project_to_json(Project(song=_song())).replace('"G7sus4"', '"Hm7b13#"')
    with pytest.raises(Exception, match=r"chords\[2\].*Hm7b13#"):
        project_from_json(text)


def test_midi_round_trip_keeps_chords_as_markers():
    song = _song()
    back = song_from_midi_bytes(song_to_midi_bytes(song))
    assert back.chords == song.chords
    assert b"\xff\x06\x03Am7" in song_to_midi_bytes(song)


def test_section_markers_do_not_become_chords():
    song = _song()
    data = song_to_midi_bytes(song).replace(b"\xff\x06\x03F/C", b"\xff\x06\x03Vrs")
    assert song_from_midi_bytes(data).chords == []


def test_musicxml_round_trip_writes_harmony(tmp_path):
    song = _song()
    data = song_to_musicxml_bytes(song)
    root = ET.fromstring(data)
    harmonies = root.findall(".//harmony")
    assert len(harmonies) == 5
    kinds = [h.find("kind").text for h in harmonies]
    assert kinds[:3] == ["minor-seventh", "major", "suspended-fourth"]
    assert harmonies[0].find("root/root-step").text == "A"
    bb = harmonies[4]
    assert bb.find("root/root-step").text == "B" and bb.find("root/root-alter").text == "-1"
    path = tmp_path / "c.musicxml"
    path.write_bytes(data)
    assert read_song(path).chords == song.chords


def test_compressed_musicxml_has_harmony(tmp_path):
    data = song_to_musicxml_bytes(_song(), compressed=True)
    path = tmp_path / "c.mxl"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as z:
        inner = [n for n in z.namelist() if n.endswith((".xml", ".musicxml")) and not n.startswith("META-INF")]
        assert b"<harmony" in z.read(inner[0])
    assert [c.symbol.text for c in read_song(path).chords] == ["Am7", "F/C", "G7sus4", "N.C.", "Bb13"]


def test_lead_sheet_chords_are_read():
    song = read_song(FIXTURES / "drunken_sailor_leadsheet.mxl")
    assert len(song.chords) >= 8
    assert {c.symbol.text for c in song.chords} == {"Dm", "C"}
    assert song.chords[0].tick == 0
