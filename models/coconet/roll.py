"""Chorales as voice rolls: for each of 4 voices and each 16th step, one pitch class or 'rest'.

A roll is an int array (4, frames): values 0..P-1 are MIDI pitches ``low_pitch``..``high_pitch``,
value P means the voice is silent. Voice 0 is the soprano, 3 the bass. Like Coconet, a roll does
not tell a held note from a repeated one: consecutive equal frames become one note on the way back.
Each voice is reduced to its top note and quantized with the melody pipeline's own converter.
"""
from __future__ import annotations

import numpy as np

from latentroll.core.song import NOTE_DTYPE, PPQ
from latentroll.models.data.chorales import ChoraleData, chorale_data
from latentroll.models.data.corpus import Corpus, Tune
from latentroll.models.data.melody import (
    NOTE_OFF,
    STEP_TICKS,
    event_to_pitch,
    fold_into_range,
    held_pitch,
    notes_to_events,
)

from .config import CoconetConfig

VOICES = ("soprano", "alto", "tenor", "bass")
NUM_VOICES = len(VOICES)
STEPS_PER_BEAT = PPQ // STEP_TICKS


def voice_frames(starts, durations, pitches, frames: int, cfg: CoconetConfig) -> np.ndarray:
    """One voice's notes (ticks from the roll's origin) → (frames,) classes. Pitches are octave-folded
    into the roll's range; a note begun before the origin counts from it."""
    starts = np.asarray(starts, dtype=np.int64)
    ends = starts + np.asarray(durations, dtype=np.int64)
    keep = ends > 0
    starts, ends = np.maximum(starts[keep], 0), ends[keep]
    pitches = fold_into_range(np.asarray(pitches)[keep], cfg.low_pitch, cfg.high_pitch)
    sounding = held_pitch(notes_to_events(starts, ends - starts, pitches, frames))
    out = np.full(frames, cfg.rest, dtype=np.int64)
    on = sounding != NOTE_OFF
    out[on] = event_to_pitch(sounding[on]) - cfg.low_pitch
    return out


def tune_roll(tune: Tune, cfg: CoconetConfig) -> np.ndarray:
    """A 4-voice tune → (4, frames) roll from the beat holding its first note."""
    n = tune.notes
    origin = int(n[:, 0].min()) // PPQ * PPQ
    frames = -(-(int((n[:, 0] + n[:, 1]).max()) - origin) // STEP_TICKS)
    return np.stack([
        voice_frames(v[:, 0] - origin, v[:, 1], v[:, 2], frames, cfg) for v in (tune.voice(i) for i in range(NUM_VOICES))
    ])


def chorale_rolls(corpus: Corpus, cfg: CoconetConfig) -> ChoraleData:
    """The rolls of each split's 4-voice chorales (what the CNN trains and is measured on)."""
    return chorale_data(corpus, lambda tune: tune_roll(tune, cfg))


def frames_to_notes(row: np.ndarray, cfg: CoconetConfig, start_tick: int = 0, velocity: int = 90) -> np.ndarray:
    """One voice's frames → NOTE_DTYPE rows: each run of one pitch is one note."""
    row = np.asarray(row, dtype=np.int64)
    if len(row) == 0:
        return np.zeros(0, dtype=NOTE_DTYPE)
    starts = np.flatnonzero(np.diff(row, prepend=-1) != 0)
    ends = np.append(starts[1:], len(row))
    keep = row[starts] != cfg.rest
    starts, ends = starts[keep], ends[keep]
    out = np.zeros(len(starts), dtype=NOTE_DTYPE)
    out["start"] = start_tick + starts * STEP_TICKS
    out["duration"] = (ends - starts) * STEP_TICKS
    out["pitch"] = row[starts] + cfg.low_pitch
    out["velocity"] = velocity
    return out


def transpose_range(roll: np.ndarray, cfg: CoconetConfig) -> tuple[int, int]:
    """(lowest, highest) shift in semitones that keeps every sounding pitch of ``roll`` in range."""
    sounding = roll[roll != cfg.rest]
    if len(sounding) == 0:
        return 0, 0
    return -int(sounding.min()), cfg.pitches - 1 - int(sounding.max())


def transpose_roll(roll: np.ndarray, semitones: int, cfg: CoconetConfig) -> np.ndarray:
    out = roll.copy()
    sounding = out != cfg.rest
    out[sounding] += semitones
    return out


def beat_phase(frames: int, offset: int = 0) -> np.ndarray:
    """Position of each frame inside its beat (0 = on the beat); rolls start on a beat."""
    return (np.arange(frames) + offset) % STEPS_PER_BEAT
