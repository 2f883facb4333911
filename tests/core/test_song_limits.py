"""Bars are counted from the meter map arithmetically (a distant note costs nothing), and a file
may not claim a song beyond what LatentRoll handles: one clear error instead of a hang."""
from __future__ import annotations

import random

import numpy as np
import pytest

from latentroll.core.io.errors import MusicFileError
from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import MAX_TICK, NOTE_DTYPE, Song, TempoChange, TimeSignature, Track


def _song(end: int, sigs: list[TimeSignature], tempos=None) -> Song:
    notes = np.array([(0, 240, 60, 90), (max(end - 240, 0), 240, 62, 90)], dtype=NOTE_DTYPE)
    return Song(tracks=[Track(notes=notes)], time_signatures=sigs, tempos=tempos or [TempoChange(0, 120.0)])


def _walked_bar_count(song: Song) -> int:
    """The definition: bars whose start lies before the end, found one bar at a time."""
    bar = 0
    while song.bar_start(bar) < song.end_tick():
        bar += 1
    return max(bar, 1)


def _walked_bar_at(song: Song, tick: int) -> int:
    bar = 0
    while song.bar_start(bar + 1) <= tick:
        bar += 1
    return bar


def test_bar_arithmetic_matches_walking_the_bars():
    rng = random.Random(3)
    for _ in range(200):
        sigs, tick = [TimeSignature(0, rng.randint(1, 7), rng.choice([2, 4, 8, 16]))], 0
        for _ in range(rng.randint(0, 5)):
            tick += rng.randint(1, 5000)  # changes off the bar lines too
            sigs.append(TimeSignature(tick, rng.randint(1, 7), rng.choice([2, 4, 8, 16])))
        song = _song(rng.randint(240, 30000), sigs)
        assert song.bar_count() == _walked_bar_count(song)
        for t in (0, 1, song.end_tick(), rng.randint(0, 30000), sigs[-1].tick, max(sigs[-1].tick - 1, 0)):
            assert song.bar_at(t) == _walked_bar_at(song, t)
            assert song.tick_to_bar_beat(t)[0] == song.bar_at(t)


@pytest.mark.timeout(30)
def test_a_distant_note_after_thousands_of_meter_changes_counts_at_once():
    sigs = [TimeSignature(i * 1000, 1 + i % 7, 8) for i in range(5000)] + [TimeSignature(5_000_000, 4, 4)]
    song = _song(190_000_000, sigs)
    in_changes = sum(-(-1000 // s.bar_ticks) for s in sigs[:-1])
    assert song.bar_count() == in_changes + -(-185_000_000 // 1920)  # the last bar partly filled
    assert song.tick_to_bar_beat(190_000_000 - 1)[0] == song.bar_count() - 1


def _project(tmp_path, name: str, song: Song, edit: tuple[str, str] | None = None):
    path = tmp_path / f"{name}.lrproj"
    write_song(song, path)
    if edit:
        path.write_text(path.read_text().replace(*edit))
    return path


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name, edit, words", [
    ("far_note", ('"start": [0, 480]', f'"start": [0, {2 ** 62}]'), "has values outside 0..192000000"),
    ("long_note", ('"duration": [240, 240]', f'"duration": [240, {2 ** 40}]'), "has values outside 1..192000000"),
    ("beyond_int64", ('"start": [0, 480]', f'"start": [0, {10 ** 30}]'), "has values outside"),
    ("digits", ('"start": [0, 480]', f'"start": [0, {"9" * 5000}]'), "a number too long to read"),
    ("nested", ('"extra": {}', '"extra": ' + "[" * 100_000 + "]" * 100_000), "nested too deeply"),
    ("slow", ("[0, 120.0]", "[0, 0.001]"), "a tempo of 0.001 BPM"),
    ("far_meter", ("[0, 4, 4]", f"[0, 4, 4], [{2 ** 40}, 3, 4]"), "past the 400,000-beat limit"),
])
def test_projects_beyond_the_limits_are_refused_in_one_line(tmp_path, name, edit, words):
    path = _project(tmp_path, name, _song(720, [TimeSignature(0, 4, 4)]), edit)
    with pytest.raises(MusicFileError) as err:
        read_song(path)
    message = str(err.value)
    assert words in message and "\n" not in message and len(message) < 200, message


def _conductor_meters_midi(song: Song) -> bytes:
    """The field test's file: its meter map in the conductor track only, written by mido (our
    writer repeats the map in every track, which would double the size)."""
    import io

    import mido

    mf = mido.MidiFile(type=1, ticks_per_beat=480)
    conductor, last = mido.MidiTrack(), 0
    for ts in song.time_signatures:
        conductor.append(mido.MetaMessage("time_signature", numerator=ts.numerator, denominator=ts.denominator,
                                          time=ts.tick - last))
        last = ts.tick
    notes, last = mido.MidiTrack(), 0
    for start, dur, pitch, vel in song.tracks[0].sorted_notes().tolist():
        notes.append(mido.Message("note_on", note=pitch, velocity=vel, time=start - last))
        notes.append(mido.Message("note_off", note=pitch, velocity=0, time=dur))
        last = start + dur
    mf.tracks += [conductor, notes]
    out = io.BytesIO()
    mf.save(file=out)
    return out.getvalue()


@pytest.mark.timeout(30)
def test_a_small_midi_claiming_200000_bars_is_refused(tmp_path):
    sigs = [TimeSignature(i * 1000, 1 + i % 7, 8) for i in range(500)]
    path = tmp_path / "meters.mid"
    path.write_bytes(_conductor_meters_midi(_song(150_000_000, sigs)))
    assert path.stat().st_size < 5000
    with pytest.raises(MusicFileError, match=r"cannot read meters.mid: it is 208,714 bars long; .* 100,000 bars"):
        read_song(path)


def test_abc_with_a_negative_tempo_is_refused(tmp_path):
    (tmp_path / "neg.abc").write_text("X:1\nT:Neg\nM:4/4\nL:1/8\nQ:1/4=-100\nK:G\nGABc dedB|\n")
    with pytest.raises(MusicFileError, match="cannot read neg.abc: it sets a tempo of -100 BPM"):
        read_song(tmp_path / "neg.abc")


def test_songs_at_the_limit_still_read(tmp_path):
    song = _song(MAX_TICK, [TimeSignature(0, 4, 4)], [TempoChange(0, 1000.0)])
    path = tmp_path / "edge.mid"
    write_song(song, path)
    assert read_song(path).end_tick() == MAX_TICK
