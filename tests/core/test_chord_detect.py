"""Chord detection hears the chords of rendered progressions, per beat and per bar, on the beat
grid of any meter, and says how sure it is."""
from __future__ import annotations

import numpy as np

from latentroll.core.chord_detect import (
    FAMILY,
    RICH,
    SIMPLE,
    beat_grid,
    chord_class,
    class_symbol,
    detect_chords,
    reduce_quality,
)
from latentroll.core.chords import NO_CHORD, parse_chord, parse_progression
from latentroll.core.song import NOTE_DTYPE, Song, TimeSignature, Track


def block_chords(symbols: list[str], bar: int = 1920, octave: int = 48) -> Track:
    rows = []
    for i, text in enumerate(symbols):
        sym = parse_chord(text)
        for iv in sym.intervals():
            rows.append((i * bar, bar, octave + sym.root + iv, 80))
    return Track(name="Pad", notes=np.array(rows, dtype=NOTE_DTYPE))


def test_a_rendered_triad_progression_is_detected_bar_by_bar():
    prog = ["C", "Am", "F", "G7", "Dm", "Bdim", "Ebmaj7", "F#m7b5"]
    song = Song(tracks=[block_chords(prog)])
    found = detect_chords(song, per="bar")
    assert [d.symbol.text for d in found] == ["C", "Am", "F", "G7", "Dm", "Bdim", "D#maj7", "F#m7b5"]
    assert all(0.0 < d.confidence <= 1.0 for d in found)
    assert [d.tick for d in found] == [i * 1920 for i in range(8)]


def test_per_beat_detection_merges_a_held_chord_and_marks_silence_no_chord():
    song = Song(tracks=[block_chords(["C", "G"])])
    song.tracks[0].notes = song.tracks[0].notes[song.tracks[0].notes["start"] == 0]  # C only, then silence
    found = detect_chords(song, per="beat", end=3840)
    assert [(d.tick, d.symbol) for d in found] == [(0, parse_chord("C")), (1920, NO_CHORD)]
    unmerged = detect_chords(song, per="beat", end=3840, merge=False)
    assert len(unmerged) == 8 and unmerged[3].symbol == parse_chord("C")


def test_a_melody_alone_leans_on_the_chord_it_outlines():
    # an arpeggio A C E A: A minor, not C
    notes = np.array([(i * 480, 480, p, 90) for i, p in enumerate([69, 72, 76, 81])], dtype=NOTE_DTYPE)
    assert detect_chords(Song(tracks=[Track(notes=notes)]), per="bar")[0].symbol.text == "Am"


def test_drum_tracks_are_not_heard():
    drums = Track(name="Drums", is_drum=True, channel=9,
                  notes=np.array([(0, 480, 36, 100), (0, 480, 40, 100), (0, 480, 43, 100)], dtype=NOTE_DTYPE))
    song = Song(tracks=[block_chords(["Dm"]), drums])
    assert detect_chords(song, per="bar")[0].symbol.text == "Dm"


def test_beat_grid_follows_the_meter():
    six_eight = Song(time_signatures=[TimeSignature(0, 6, 8)], tracks=[block_chords(["C"], bar=1440)])
    beats = beat_grid(six_eight, 2880)
    assert [(b.tick, b.length, b.index, b.per_bar) for b in beats[:3]] == [(0, 720, 0, 2), (720, 720, 1, 2),
                                                                            (1440, 720, 0, 2)]
    five_four = Song(time_signatures=[TimeSignature(0, 5, 4)])
    assert [b.per_bar for b in beat_grid(five_four, 2400)] == [5] * 5


def test_vocabularies_reduce_and_classes_round_trip():
    assert reduce_quality("maj7", SIMPLE) == "" and reduce_quality("m7b5", SIMPLE) == "dim"
    assert reduce_quality("7", FAMILY) == "" and reduce_quality("sus2", RICH) == "sus4"
    for text in ["C", "Am7", "Bbmaj7", "F#dim", "G7sus4"]:
        c = chord_class(parse_chord(text), RICH)
        assert class_symbol(c, RICH).root == parse_chord(text).root
    assert chord_class(NO_CHORD) == -1
    assert [chord_class(s, SIMPLE) for s in parse_progression("C Cm C7 Cdim")] == [0, 1, 2, 3]
