"""MusicXML as notation programs read it: pitch spelling and accidentals, percussion parts."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from latentroll.core.io.formats import read_song, write_song
from latentroll.core.io.midi import song_from_midi_bytes, song_to_midi_bytes
from latentroll.core.io.music21_convert import score_to_song
from latentroll.core.io.music21_export import song_to_musicxml_bytes
from latentroll.core.io.spelling import key_letters, spell
from latentroll.core.song import MINOR, PPQ, KeySignature, Note, Song, Track

_SHARPS = "FCGDAEB"


@pytest.fixture(scope="module")
def chorale() -> Song:
    """BWV 66.6, F# minor: three sharps, with E#, D# and A# in the inner voices."""
    from music21 import corpus

    return score_to_song(corpus.parse("bach/bwv66.6"), title="Christ unser Herr")


def spellings(song: Song) -> list[dict[tuple[int, int], str]]:
    return [dict(t.spelling) for t in song.tracks]


def accidentals(xml: bytes) -> tuple[list, list]:
    """(needless, missing) accidentals of a MusicXML score.

    Needed: the note's alteration differs from what the key signature, or an earlier note of the
    same letter and octave in the bar, left in force. A courtesy accidental (the letter altered
    otherwise earlier in the bar in another octave, or in the bar before) is not needless.
    """
    needless, missing = [], []
    for part in ET.fromstring(xml).iter("part"):
        fifths = 0
        in_force: dict[tuple[str, str], int] = {}
        for bar in part.iter("measure"):
            last_bar, in_force = in_force, {}
            found = bar.find("attributes/key/fifths")
            fifths = int(found.text) if found is not None else fifths
            in_key = {s: 1 for s in _SHARPS[:fifths]} | {s: -1 for s in _SHARPS[::-1][:max(0, -fifths)]}
            for note in bar.iter("note"):
                pitch = note.find("pitch")
                if pitch is None:
                    continue
                step, octave = pitch.findtext("step"), pitch.findtext("octave")
                alter = int(float(pitch.findtext("alter") or 0))
                needed = alter != in_force.get((step, octave), in_key.get(step, 0))
                courtesy = any(s == step and a != alter for (s, _), a in in_force.items()) or \
                    last_bar.get((step, octave), alter) != alter
                shown = note.find("accidental") is not None
                if shown and not needed and not courtesy:
                    needless.append((bar.get("number"), step, alter))
                if needed and not shown:
                    missing.append((bar.get("number"), step, alter))
                in_force[(step, octave)] = alter
    return needless, missing


# ---- spelling ---------------------------------------------------------------------------------
def test_chorale_in_three_sharps_has_no_needless_accidentals(chorale):
    needless, missing = accidentals(song_to_musicxml_bytes(chorale))
    assert needless == [] and missing == []


@pytest.mark.parametrize("keep_source", [True, False], ids=["source-spelling", "key-spelling"])
def test_chorale_spelling_survives_musicxml(chorale, tmp_path, keep_source):
    """E# stays E# (not F) and A# stays A# (not B-flat): from the source's letters, and from
    the key alone when the song came through MIDI (which has no spelling)."""
    song = chorale if keep_source else song_from_midi_bytes(song_to_midi_bytes(chorale))
    assert any(song.tracks[0].spelling) == keep_source
    write_song(song, tmp_path / "c.musicxml")
    back = read_song(tmp_path / "c.musicxml")
    source = spellings(chorale)
    written = spellings(back)
    assert sum(map(len, source)) == chorale.note_count() == 163
    assert {"E", "A", "D"} <= {source[v][k] for v in range(4) for k in source[v] if k[1] % 12 in (5, 10, 3)}
    assert written == source


def test_the_source_spelling_wins_over_the_key(tmp_path):
    """An ABC ^D in C major is written D#, though the key alone would spell that pitch E-flat."""
    (tmp_path / "t.abc").write_text("X:1\nT:Sharp\nM:4/4\nL:1/4\nK:C\nC ^D E2|\n")
    song = read_song(tmp_path / "t.abc")
    assert spell(63, song.key).name == "E-4"
    write_song(song, tmp_path / "t.musicxml")
    pitches = [(n.findtext("pitch/step"), n.findtext("pitch/alter"))
               for n in ET.parse(tmp_path / "t.musicxml").getroot().iter("note") if n.find("pitch") is not None]
    assert pitches == [("C", None), ("D", "1"), ("E", None)]


def test_key_letters_follow_the_key():
    assert "".join(key_letters(KeySignature(0, 0))) == "CCDEEFFGGABB"  # C C# D Eb E F F# G G# A Bb B
    assert key_letters(KeySignature(0, 6, MINOR))[5] == "E"  # F# minor's leading tone is E#
    assert key_letters(KeySignature(0, 5))[10] == "B"  # F major: B-flat
    assert spell(60, KeySignature(0, 1, MINOR)).name == "B#3"  # C# minor's leading tone


# ---- percussion -------------------------------------------------------------------------------
def drum_song() -> Song:
    beat = [Note(i * PPQ // 2, 42, PPQ // 2, 90) for i in range(8)]
    kicks = [Note(0, 36, PPQ // 2, 90), Note(2 * PPQ, 36, PPQ // 2, 90)]
    snares = [Note(PPQ, 38, PPQ // 2, 90), Note(3 * PPQ, 38, PPQ // 2, 90)]
    return Song(title="Beat", tracks=[
        Track("Bass", 33, channel=0, notes=[Note(0, 40, 4 * PPQ, 90)]),
        Track("Kit", 0, channel=9, is_drum=True, notes=[*beat, *kicks, snares[0], snares[1], Note(3 * PPQ, 49, PPQ, 90)]),
    ])


@pytest.mark.parametrize("ext", [".musicxml", ".mxl"])
def test_drums_round_trip_onto_channel_10_with_their_gm_keys(tmp_path, ext):
    song = drum_song()
    write_song(song, tmp_path / f"beat{ext}")
    back = read_song(tmp_path / f"beat{ext}")
    kit = back.tracks[1]
    assert (kit.is_drum, kit.channel, kit.name) == (True, 9, "Kit")
    assert back == song


def test_drums_are_written_as_a_percussion_part(tmp_path):
    root = ET.fromstring(song_to_musicxml_bytes(drum_song()))
    bass_part, kit_part = root.findall("part")
    kit_decl = [sp for sp in root.iter("score-part") if sp.get("id") == kit_part.get("id")][0]
    declared = {m.get("id"): int(m.findtext("midi-unpitched")) - 1 for m in kit_decl.iter("midi-instrument")}
    assert sorted(declared.values()) == [36, 38, 42, 49]
    assert {m.findtext("midi-channel") for m in kit_decl.iter("midi-instrument")} == {"10"}
    names = {i.get("id"): i.findtext("instrument-name") for i in kit_decl.iter("score-instrument")}
    assert names.keys() == declared.keys() and "Closed Hi-Hat" in names.values()
    notes = [n for n in kit_part.iter("note") if n.find("rest") is None]
    assert len(notes) == 13
    assert all(n.find("pitch") is None and n.find("unpitched/display-step") is not None for n in notes)
    assert {n.find("instrument").get("id") for n in notes} == set(declared)
    assert [c.findtext("sign") for c in kit_part.iter("clef")] == ["percussion"]
    assert all(n.find("pitch") is not None for n in bass_part.iter("note") if n.find("rest") is None)


MUSESCORE_DRUMS = """<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="3.1">
  <part-list>
    <score-part id="P1">
      <part-name>Drumset</part-name>
      <score-instrument id="P1-I37"><instrument-name>Bass Drum 1</instrument-name></score-instrument>
      <score-instrument id="P1-I39"><instrument-name>Acoustic Snare</instrument-name></score-instrument>
      <score-instrument id="P1-I43"><instrument-name>Closed Hi-Hat</instrument-name></score-instrument>
      <midi-instrument id="P1-I37"><midi-channel>10</midi-channel><midi-program>1</midi-program><midi-unpitched>37</midi-unpitched></midi-instrument>
      <midi-instrument id="P1-I39"><midi-channel>10</midi-channel><midi-program>1</midi-program><midi-unpitched>39</midi-unpitched></midi-instrument>
      <midi-instrument id="P1-I43"><midi-channel>10</midi-channel><midi-program>1</midi-program><midi-unpitched>43</midi-unpitched></midi-instrument>
    </score-part>
  </part-list>
  <part id="P1">
    <measure number="1">
      <attributes><divisions>1</divisions><time><beats>4</beats><beat-type>4</beat-type></time>
        <clef><sign>percussion</sign><line>2</line></clef></attributes>
      {notes}
    </measure>
  </part>
</score-partwise>
"""


def ms_note(step: str, octave: int, instrument: str, chord: bool = False) -> str:
    return (f"<note>{'<chord/>' if chord else ''}<unpitched><display-step>{step}</display-step>"
            f"<display-octave>{octave}</display-octave></unpitched><duration>1</duration>"
            f"<instrument id=\"{instrument}\"/><voice>1</voice><type>quarter</type></note>")


def test_a_musescore_percussion_part_keeps_every_note(tmp_path):
    hat, kick, snare = ("G", 5, "P1-I43"), ("F", 4, "P1-I37"), ("C", 5, "P1-I39")
    notes = [ms_note(*hat), ms_note(*kick, chord=True), ms_note(*hat), ms_note(*hat), ms_note(*snare, chord=True),
             ms_note(*hat)]
    (tmp_path / "kit.musicxml").write_text(MUSESCORE_DRUMS.format(notes="".join(notes)))
    kit = read_song(tmp_path / "kit.musicxml").tracks[0]
    assert (kit.is_drum, kit.channel, kit.name) == (True, 9, "Drumset")
    assert kit.sorted_notes()[["start", "pitch"]].tolist() == [
        (0, 36), (0, 42), (PPQ, 42), (2 * PPQ, 38), (2 * PPQ, 42), (3 * PPQ, 42)]


def test_unpitched_notes_without_instruments_follow_their_display_position(tmp_path):
    xml = MUSESCORE_DRUMS.format(notes=ms_note("F", 4, "none") + ms_note("C", 5, "none"))
    xml = xml.replace("<midi-unpitched>", "<!-- -->").replace("</midi-unpitched>", "")
    xml = "".join(line for line in xml.splitlines(True) if "midi-instrument" not in line)
    (tmp_path / "kit.musicxml").write_text(xml)
    kit = read_song(tmp_path / "kit.musicxml").tracks[0]
    assert kit.is_drum and kit.sorted_notes()["pitch"].tolist() == [36, 38]
