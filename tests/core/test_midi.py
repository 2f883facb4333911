"""MIDI read/write: round trips on real music, foreign files (type 0, other PPQ, SMPTE), bad bytes, fuzzing."""
from __future__ import annotations

import struct
from datetime import timedelta

import mido
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from latentroll.core.io.errors import MusicFileError
from latentroll.core.io.formats import read_song
from latentroll.core.io.midi import read_midi, song_from_midi_bytes, song_to_midi_bytes, write_midi
from latentroll.core.io.music21_convert import score_to_song
from latentroll.core.song import NOTE_DTYPE, KeySignature, Song, TempoChange, TimeSignature, Track


@pytest.fixture(scope="module")
def chorale() -> Song:
    from music21 import corpus

    song = score_to_song(corpus.parse("bach/bwv66.6"), title="Christ unser Herr")
    assert len(song.tracks) == 4 and song.note_count() > 150
    return song


def rows(*notes: tuple[int, int, int, int]) -> np.ndarray:
    """(start, duration, pitch, velocity) rows as a note array."""
    return np.array(list(notes), dtype=NOTE_DTYPE)


def rich_song() -> Song:
    """Several tracks (one drum, one empty) and changing tempo, meter and key."""
    melody = Track(name="Flute", program=73, channel=2, volume=90, pan=20,
                   notes=rows((0, 240, 72, 100), (240, 240, 74, 31), (480, 960, 76, 127), (1920, 60, 60, 1)))
    drums = Track(name="Kit", program=0, channel=9, is_drum=True, volume=110, pan=64,
                  notes=rows((0, 120, 36, 120), (480, 120, 38, 90), (480, 120, 42, 70)))
    pad = Track(name="Pad (empty)", program=89, channel=4, volume=50, pan=100)
    return Song(
        title="Rich",
        tracks=[melody, drums, pad],
        tempos=[TempoChange(0, 96.0), TempoChange(1920, 133.333), TempoChange(3840, 72.5)],
        time_signatures=[TimeSignature(0, 3, 4), TimeSignature(1440, 6, 8), TimeSignature(2880, 5, 16)],
        keys=[KeySignature(0, 3, "major"), KeySignature(1920, 6, "minor"), KeySignature(2880, 11, "major")],
    )


def test_bach_chorale_round_trips_through_midi(chorale, tmp_path):
    path = tmp_path / "chorale.mid"
    write_midi(chorale, path)
    back = read_midi(path)
    assert back == chorale
    assert back.title == "Christ unser Herr"
    assert [t.name for t in back.tracks] == ["Soprano", "Alto", "Tenor", "Bass"]


@pytest.mark.parametrize("work, tune", [
    ("essenFolksong/han1", 0), ("essenFolksong/altdeu10", 5), ("oneills1850/0001-0050", 1),
])
def test_folk_tunes_round_trip_abc_to_midi(work, tune, tmp_path):
    from music21 import corpus

    song = read_song(corpus.getWork(work), index=tune)
    assert song.note_count() > 20
    write_midi(song, tmp_path / "tune.mid")
    assert read_midi(tmp_path / "tune.mid") == song


def test_rich_song_round_trips_with_maps_drums_and_empty_track(tmp_path):
    song = rich_song()
    write_midi(song, tmp_path / "rich.mid")
    back = read_midi(tmp_path / "rich.mid")
    assert back == song
    assert back.tracks[1].is_drum and back.tracks[1].channel == 9
    assert len(back.tracks[2]) == 0 and back.tracks[2].program == 89


def test_written_file_reads_the_same_in_mido(tmp_path):
    """An independent parser sees type 1, 480 PPQ, a conductor track and our per-track setup."""
    song = rich_song()
    write_midi(song, tmp_path / "rich.mid")
    mf = mido.MidiFile(tmp_path / "rich.mid")
    assert mf.type == 1 and mf.ticks_per_beat == 480 and len(mf.tracks) == 4
    conductor = [m for m in mf.tracks[0] if m.is_meta]
    assert conductor[0].type == "track_name" and conductor[0].name == "Rich"
    assert [round(mido.tempo2bpm(m.tempo), 3) for m in conductor if m.type == "set_tempo"] == [96.0, 133.333, 72.5]
    assert [(m.numerator, m.denominator) for m in conductor if m.type == "time_signature"] == [(3, 4), (6, 8), (5, 16)]
    assert [m.key for m in conductor if m.type == "key_signature"] == ["Eb", "F#m", "B"]
    flute = mf.tracks[1]
    assert flute.name == "Flute"
    assert [(m.channel, m.program) for m in flute if m.type == "program_change"] == [(2, 73)]
    assert [(m.control, m.value) for m in flute if m.type == "control_change"] == [(7, 90), (10, 20)]
    ons = [m.velocity for m in flute if m.type == "note_on" and m.velocity > 0]
    assert ons == [100, 31, 127, 1]
    assert all(m.channel == 9 for m in mf.tracks[2] if not m.is_meta)


def _mido_bytes(mf: mido.MidiFile, tmp_path) -> bytes:
    path = tmp_path / "foreign.mid"
    mf.save(path)
    return path.read_bytes()


def test_type0_multichannel_file_at_96_ppq(tmp_path):
    mf = mido.MidiFile(type=0, ticks_per_beat=96)
    t = mido.MidiTrack()
    mf.tracks.append(t)
    t += [
        mido.MetaMessage("track_name", name="Everything"),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(90)),
        mido.MetaMessage("time_signature", numerator=3, denominator=4),
        mido.MetaMessage("key_signature", key="Bb"),
        mido.Message("program_change", channel=5, program=33),
        mido.Message("program_change", channel=1, program=0),
        mido.Message("control_change", channel=5, control=7, value=80),
        mido.Message("note_on", channel=5, note=40, velocity=70, time=0),
        mido.Message("note_on", channel=9, note=36, velocity=100, time=0),
        mido.Message("note_on", channel=1, note=64, velocity=60, time=0),
        mido.Message("note_off", channel=9, note=36, velocity=0, time=48),
        mido.Message("note_on", channel=1, note=64, velocity=0, time=48),  # note-on 0 = note-off
        mido.Message("note_off", channel=5, note=40, velocity=0, time=96),
    ]
    song = song_from_midi_bytes(_mido_bytes(mf, tmp_path), name="foreign")
    assert song.title == "foreign"
    by_channel = {t.channel: t for t in song.tracks}
    assert sorted(by_channel) == [1, 5, 9]
    bass, drum, lead = by_channel[5], by_channel[9], by_channel[1]
    assert bass.program == 33 and bass.volume == 80 and not bass.is_drum
    assert drum.is_drum and lead.program == 0
    assert [(n.start, n.pitch, n.duration, n.velocity) for n in bass.iter_notes()] == [(0, 40, 960, 70)]
    assert [(n.start, n.duration) for n in drum.iter_notes()] == [(0, 240)]
    assert [(n.start, n.duration) for n in lead.iter_notes()] == [(0, 480)]
    assert song.bpm == 90.0 and song.time_signature == TimeSignature(0, 3, 4)
    assert song.key == KeySignature(0, 10, "major")


def test_rescales_ticks_from_384_ppq(tmp_path):
    mf = mido.MidiFile(type=1, ticks_per_beat=384)
    t = mido.MidiTrack()
    mf.tracks.append(t)
    t += [mido.Message("note_on", note=60, velocity=90, time=384),
          mido.Message("note_off", note=60, time=96),
          mido.Message("note_on", note=62, velocity=90, time=1),
          mido.Message("note_off", note=62, time=383)]
    song = song_from_midi_bytes(_mido_bytes(mf, tmp_path))
    notes = [(n.start, n.duration) for n in song.tracks[0].iter_notes()]
    assert notes == [(480, 120), (601, 479)]  # 481 * 1.25 = 601.25, end 864 * 1.25 = 1080


def test_smpte_timed_file_maps_seconds_at_120_bpm():
    # 25 frames/s x 40 ticks/frame = 1000 ticks per second; a quarter at 120 BPM is 0.5 s
    division = ((256 - 25) << 8) | 40
    events = b"\x00\x90\x3c\x64" + b"\x87\x68\x80\x3c\x00" + b"\x00\xff\x2f\x00"  # on, 1000 ticks, off
    data = b"MThd" + struct.pack(">IHHH", 6, 0, 1, division) + b"MTrk" + struct.pack(">I", len(events)) + events
    song = song_from_midi_bytes(data)
    assert [(n.start, n.duration) for n in song.tracks[0].iter_notes()] == [(0, 960)]
    assert song.duration_seconds() == pytest.approx(1.0)


def test_riff_wrapped_midi_is_unwrapped(chorale):
    smf = song_to_midi_bytes(chorale)
    riff_body = b"RMID" + b"data" + struct.pack("<I", len(smf)) + smf
    assert song_from_midi_bytes(b"RIFF" + struct.pack("<I", len(riff_body)) + riff_body) == chorale


def _real_bytes() -> bytes:
    return song_to_midi_bytes(rich_song())


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"MThd\x00\x00", "truncated"),
    (b"hello, I am a text file\n", "not a MIDI file"),
    (bytes(range(256)) * 4, "not a MIDI file"),
    (b"MThd" + struct.pack(">IHHH", 6, 1, 0, 480), "no MIDI tracks"),
    (b"MThd" + struct.pack(">IHHH", 6, 7, 1, 480) + b"MTrk\x00\x00\x00\x00", "damaged MIDI header"),
    (b"RIFF\x04\x00\x00\x00RMID", "without MIDI data"),
])
def test_bad_bytes_raise_music_file_error(data, words):
    with pytest.raises(MusicFileError, match=words):
        song_from_midi_bytes(data)


@pytest.mark.parametrize("cut", [20, 40, 100, -30, -1])
def test_truncated_midi_is_rejected(cut):
    data = _real_bytes()
    with pytest.raises(MusicFileError, match="truncated|damaged"):
        song_from_midi_bytes(data[:cut])


def test_truncated_at_a_chunk_boundary_is_rejected():
    data = _real_bytes()
    last_chunk = data.rfind(b"MTrk")
    with pytest.raises(MusicFileError, match="announces 4 tracks"):
        song_from_midi_bytes(data[:last_chunk])


def test_missing_and_folder_paths(tmp_path):
    with pytest.raises(MusicFileError, match="no such file"):
        read_midi(tmp_path / "nope.mid")
    with pytest.raises(MusicFileError, match="folder"):
        read_midi(tmp_path)
    (tmp_path / "empty.mid").write_bytes(b"")
    with pytest.raises(MusicFileError, match="empty.mid is empty"):
        read_midi(tmp_path / "empty.mid")


def test_unstorable_song_leaves_existing_file_untouched(tmp_path):
    path = tmp_path / "keep.mid"
    write_midi(rich_song(), path)
    before = path.read_bytes()
    bad = rich_song()
    bad.time_signatures = [TimeSignature(0, 4, 3)]
    with pytest.raises(MusicFileError, match="4/3"):
        write_midi(bad, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.mid"]


def test_million_note_file_loads(tmp_path):
    n_tracks, per_track = 4, 250_000
    rng = np.random.default_rng(7)
    tracks = []
    for i in range(n_tracks):
        notes = np.zeros(per_track, dtype=NOTE_DTYPE)
        notes["start"] = np.arange(per_track) * 60 + rng.integers(0, 30, per_track)
        notes["duration"] = rng.integers(1, 30, per_track)
        notes["pitch"] = rng.integers(0, 128, per_track)
        notes["velocity"] = rng.integers(1, 128, per_track)
        tracks.append(Track(name=f"T{i}", program=i, channel=i, notes=notes))
    song = Song(title="Huge", tracks=tracks)
    write_midi(song, tmp_path / "huge.mid")
    back = read_midi(tmp_path / "huge.mid")
    assert back.note_count() == 1_000_000
    assert back == song


# ---- fuzzing -----------------------------------------------------------------------------------
def _seed_files() -> list[bytes]:
    events = (b"\x00\xc5\x21" b"\x00\x95\x28\x46" b"\x00\x99\x24\x64"  # program, two note-ons
              b"\x30\x89\x24\x00" b"\x60\x85\x28\x00" b"\x00\xff\x2f\x00")  # two note-offs, end
    type0 = b"MThd" + struct.pack(">IHHH", 6, 0, 1, 96) + b"MTrk" + struct.pack(">I", len(events)) + events
    return [_real_bytes(), song_to_midi_bytes(Song(tracks=[Track(notes=rows((0, 480, 60, 100)))])), type0]


SEEDS = _seed_files()


@st.composite
def mutated_midi(draw) -> bytes:
    kind = draw(st.sampled_from(["mutate", "mutate", "mutate", "random", "header+random"]))
    if kind == "random":
        return draw(st.binary(max_size=400))
    if kind == "header+random":
        return SEEDS[0][:22] + draw(st.binary(max_size=400))
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "set", "set7", "set7", "truncate", "insert", "delete"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "set7" and data:  # a plausible data byte: more mutants get past the parser
            data[pos] = draw(st.integers(0, 127))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 16))]
    return bytes(data)


@pytest.mark.timeout(240)
@settings(max_examples=600, deadline=timedelta(seconds=2), derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated_midi())
def test_fuzzed_bytes_give_a_song_or_music_file_error(data):
    try:
        song = song_from_midi_bytes(data)
    except MusicFileError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for track in song.tracks:
        notes = track.notes
        if len(notes):
            assert notes["start"].min() >= 0 and notes["duration"].min() >= 1
            assert 0 <= notes["pitch"].min() and notes["pitch"].max() <= 127
            assert 1 <= notes["velocity"].min() and notes["velocity"].max() <= 127
        assert 0 <= track.channel <= 15
    assert all(t.bpm > 0 for t in song.tempos)
    song_to_midi_bytes(song)  # anything we can read, we can write back


def test_end_tick_makes_every_track_end_there(tmp_path):
    """Stems of one song: each file's tracks (conductor too) end at the song's end, even
    where their own notes stop early; a track longer than the end keeps its last event."""
    song = Song(tracks=[Track("a", notes=rows((0, 480, 60, 90)))])
    write_midi(song, tmp_path / "a.mid", end_tick=4 * 480)
    ends = [sum(m.time for m in t) for t in mido.MidiFile(tmp_path / "a.mid").tracks]
    assert ends == [4 * 480, 4 * 480]
    write_midi(song, tmp_path / "b.mid", end_tick=100)
    assert [sum(m.time for m in t) for t in mido.MidiFile(tmp_path / "b.mid").tracks] == [480, 480]
