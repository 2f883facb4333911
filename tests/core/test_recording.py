"""MIDI keyboard takes → notes: timing at the tempo, loop overdub, quantize on record."""
import mido
import numpy as np
import pytest

from latentroll.core.recording import KeyEvent, TakeClock, TakeRecorder, key_event, record_take
from latentroll.core.song import PPQ, Song, TempoChange


def press(t, pitch, velocity=100):
    return KeyEvent(t, pitch, velocity)


def release(t, pitch):
    return KeyEvent(t, pitch, 0)


def rows(notes):
    return [(int(n["start"]), int(n["duration"]), int(n["pitch"]), int(n["velocity"])) for n in notes]


def test_mido_messages_become_presses_and_releases():
    assert key_event(mido.Message("note_on", note=60, velocity=90), 1.5) == KeyEvent(1.5, 60, 90)
    assert key_event(mido.Message("note_on", note=60, velocity=0), 2.0) == KeyEvent(2.0, 60, 0)
    assert key_event(mido.Message("note_off", note=61, velocity=64), 2.0) == KeyEvent(2.0, 61, 0)
    assert key_event(mido.Message("control_change", control=64, value=127), 2.0) is None
    assert key_event(mido.Message("clock"), 2.0) is None


def test_take_at_120_bpm_starts_at_the_start_tick():
    song = Song()  # 120 BPM: one beat = 0.5 s = 480 ticks
    events = [press(0.0, 60, 90), release(0.5, 60), press(0.75, 64, 70), release(1.0, 64)]
    notes = record_take(events, song, start_tick=960, end_time=2.0)
    assert rows(notes) == [(960, 480, 60, 90), (960 + 720, 240, 64, 70)]


def test_take_follows_the_tempo_map():
    # 60 BPM for the first beat (1 s), then 120 BPM (0.5 s a beat)
    song = Song(tempos=[TempoChange(0, 60.0), TempoChange(PPQ, 120.0)])
    notes = record_take([press(0.5, 60), release(1.5, 60)], song, start_tick=0, end_time=2.0)
    # pressed half way through the slow beat (tick 240), released 0.5 s into the fast part (tick 960)
    assert rows(notes) == [(240, 720, 60, 100)]


def test_keys_held_at_the_end_close_at_the_end_and_chords_pair_by_pitch():
    notes = record_take([press(0.0, 60), press(0.0, 64), release(0.25, 64)], Song(), 0, end_time=1.0)
    assert rows(notes) == [(0, 960, 60, 100), (0, 240, 64, 100)]


def test_a_second_press_without_release_ends_the_first_note():
    notes = record_take([press(0.0, 60), press(0.5, 60, 50), release(0.75, 60)], Song(), 0, 1.0)
    assert rows(notes) == [(0, 480, 60, 100), (480, 240, 60, 50)]


def test_quantize_on_record_snaps_starts_and_keeps_lengths():
    events = [press(0.03, 60), release(0.40, 60), press(0.55, 62), release(0.7, 62)]
    notes = record_take(events, Song(), 0, 1.0, grid=PPQ // 4)  # 1/16 = 120 ticks
    raw = record_take(events, Song(), 0, 1.0)
    assert list(notes["start"]) == [0, 480]
    assert list(raw["start"]) == [29, 528]
    assert np.array_equal(notes["duration"], raw["duration"])


def test_loop_wraps_like_the_transport_and_overdubs():
    song = Song()
    loop = (0, 4 * PPQ)  # one 4/4 bar = 2 s at 120 BPM
    clock = TakeClock(song, 2 * PPQ, loop)
    assert clock.at(0.5) == (3 * PPQ, 0)
    assert clock.at(1.0) == (0, 1)  # reached the loop end: back to the start, second pass
    assert clock.at(3.25) == (PPQ // 2, 2)  # 0.25 s into the third pass
    events = [press(0.25, 60), release(0.5, 60),  # first pass, beat 2.5
              press(1.25, 62), release(1.5, 62),  # second pass, beat 0.5
              press(0.9, 67), release(1.1, 67)]   # held across the wrap: cut at the loop end
    notes = record_take(events, song, 2 * PPQ, 2.0, loop=loop)
    assert rows(notes) == [(240, 240, 62, 100), (1200, 240, 60, 100), (1824, 96, 67, 100)]


def test_a_take_starting_after_the_loop_end_does_not_wrap():
    clock = TakeClock(Song(), 8 * PPQ, (0, 4 * PPQ))
    assert clock.loop is None
    assert clock.at(1.0) == (10 * PPQ, 0)


def test_live_view_draws_held_keys_up_to_now():
    rec = TakeRecorder(TakeClock(Song(), 0))
    rec.feed(press(0.0, 60))
    assert rows(rec.notes(now=0.25)) == [(0, 240, 60, 100)]
    assert rows(rec.notes()) == []  # without a time only finished notes
    assert rec.held == [60]
    rec.feed(release(0.5, 60))
    assert rows(rec.notes(now=3.0)) == [(0, 480, 60, 100)] and len(rec) == 1


@pytest.mark.parametrize("pitch", [-1, 128])
def test_out_of_range_pitches_are_ignored(pitch):
    assert len(record_take([press(0.0, pitch), release(0.1, pitch)], Song(), 0, 1.0)) == 0
