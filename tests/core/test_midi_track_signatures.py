"""Key and time signatures in every MIDI track, where MuseScore and DAWs look for them."""
from __future__ import annotations

import mido
import numpy as np

from latentroll.core.io.midi import read_midi, write_midi
from latentroll.core.song import NOTE_DTYPE, KeySignature, Song, TempoChange, TimeSignature, Track


def song_with_changes() -> Song:
    """G major → E minor → B-flat major, 4/4 → 3/4; notes before, at and after each change."""
    melody = np.array([(0, 480, 67, 90), (1920, 480, 64, 90), (2400, 960, 71, 80), (3840, 480, 70, 90),
                       (5280, 480, 62, 90)], dtype=NOTE_DTYPE)
    bass = np.array([(0, 1920, 43, 90), (3840, 1440, 46, 90)], dtype=NOTE_DTYPE)
    return Song(
        title="Modulating",
        tracks=[Track("Melody", 73, channel=0, notes=melody), Track("Bass", 33, channel=1, notes=bass),
                Track("Empty", 0, channel=2)],
        tempos=[TempoChange(0, 100.0)],
        time_signatures=[TimeSignature(0, 4, 4), TimeSignature(3840, 3, 4)],
        keys=[KeySignature(0, 7, "major"), KeySignature(1920, 4, "minor"), KeySignature(3840, 10, "major")],
    )


def absolute(track: mido.MidiTrack) -> list[tuple[int, mido.Message]]:
    tick, out = 0, []
    for msg in track:
        tick += msg.time
        out.append((tick, msg))
    return out


def test_every_track_carries_the_key_and_time_signatures(tmp_path):
    song = song_with_changes()
    write_midi(song, tmp_path / "m.mid")
    tracks = mido.MidiFile(tmp_path / "m.mid").tracks
    assert len(tracks) == 4
    for track in tracks:
        events = absolute(track)
        assert [(t, m.key) for t, m in events if m.type == "key_signature"] == [(0, "G"), (1920, "Em"), (3840, "Bb")]
        assert [(t, m.numerator, m.denominator) for t, m in events if m.type == "time_signature"] == [
            (0, 4, 4), (3840, 3, 4)]


def test_the_notes_keep_their_times_and_signatures_come_first_at_their_tick(tmp_path):
    song = song_with_changes()
    write_midi(song, tmp_path / "m.mid")
    for track, events in zip(song.tracks, map(absolute, mido.MidiFile(tmp_path / "m.mid").tracks[1:])):
        ons = [(t, m.note) for t, m in events if m.type == "note_on" and m.velocity]
        assert ons == sorted(map(tuple, track.sorted_notes()[["start", "pitch"]].tolist()))
        for tick in (1920, 3840):
            at_tick = [m.type for t, m in events if t == tick]
            if "note_on" in at_tick:
                assert at_tick.index("key_signature") < at_tick.index("note_on")


def test_reading_the_file_back_gives_the_same_song(tmp_path):
    song = song_with_changes()
    write_midi(song, tmp_path / "m.mid")
    back = read_midi(tmp_path / "m.mid")
    assert back == song
    write_midi(back, tmp_path / "again.mid")
    assert (tmp_path / "again.mid").read_bytes() == (tmp_path / "m.mid").read_bytes()
