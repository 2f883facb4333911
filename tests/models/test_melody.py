"""The melody representation: events, windows, transposition."""
import numpy as np

from latentroll.models.data.melody import (
    FIRST_PITCH_CLASS,
    NO_EVENT,
    NOTE_OFF,
    NUM_CLASSES,
    WindowSpec,
    events_to_notes,
    notes_to_events,
    pitch_to_event,
    transpose_events,
    windows_from_events,
)

Q = 480  # a quarter in ticks


def test_ninety_classes():
    assert NUM_CLASSES == 90


def test_round_trip_simple_melody():
    # C4 quarter, rest quarter, E4 eighth, G4 dotted quarter
    starts = [0, 2 * Q, 2 * Q + Q // 2]
    durs = [Q, Q // 2, Q + Q // 2]
    pitches = [60, 64, 67]
    ev = notes_to_events(starts, durs, pitches, total_steps=16)
    assert ev[0] == pitch_to_event(60)
    assert ev[4] == NOTE_OFF
    assert ev[8] == pitch_to_event(64)
    assert ev[10] == pitch_to_event(67)
    assert ev[1] == NO_EVENT
    notes = events_to_notes(ev)
    assert list(notes["pitch"]) == pitches
    assert list(notes["start"]) == starts
    assert list(notes["duration"]) == durs


def test_top_voice_of_chords_and_quantized_onsets():
    ev = notes_to_events([0, 0, 130], [Q, Q, Q], [60, 67, 72], total_steps=8)
    assert ev[0] == pitch_to_event(67)  # highest of the chord
    assert ev[1] == pitch_to_event(72)  # tick 130 rounds to step 1
    assert ev[0] != ev[1]


def test_out_of_range_pitches_fold_by_octaves():
    ev = notes_to_events([0], [Q], [120], total_steps=4)
    assert ev[0] == pitch_to_event(108)


def test_windows_restrike_held_notes_and_skip_silence():
    # a whole note tied over the bar line, then silence for two bars, then notes
    ev = notes_to_events([0, 8 * Q, 9 * Q], [8 * Q, Q, Q], [60, 62, 64], total_steps=48)
    w = windows_from_events(ev, 16, WindowSpec(length=32, stride_bars=1, min_onsets=1))
    assert w.shape[1] == 32
    # second window starts at bar 2 (step 16) where C4 is still held: re-struck
    assert w[1][0] == pitch_to_event(60)


def test_transpose_keeps_range():
    w = np.array([[pitch_to_event(60), NO_EVENT, NOTE_OFF, pitch_to_event(107)]], dtype=np.uint8)
    up = transpose_events(w, [2])
    assert up[0, 0] == pitch_to_event(60)  # 107+2 leaves the range: the window is kept as is
    down = transpose_events(w, [-3])
    assert down[0, 0] == pitch_to_event(57) and down[0, 2] == NOTE_OFF and down[0, 3] == pitch_to_event(104)
    assert (down[:, [1, 2]] < FIRST_PITCH_CLASS).all()
