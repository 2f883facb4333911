"""Phrases of 1-16 bars on a model of shorter clips: a clip is read as consecutive model-length
segments from the bar line before its first note, and written back joined and cut to its bars.

Why segments: until a model of the phrase's length ships, an 8-bar A and an 8-bar B interpolate
segment i with segment i (so interpolants are 8 bars), instead of the first 2 bars standing for
the whole clip. Bars are 4/4 (16 sixteenths), as the models count them.
"""
from __future__ import annotations

import numpy as np

from latentroll.core.song import Track
from latentroll.models.common.errors import MelodyError
from latentroll.models.data.melody import NO_EVENT, NOTE_OFF, STEP_TICKS
from latentroll.models.data.tracks import bar_origin, melody_notes, track_events

MAX_PHRASE_BARS = 16      # the longest clip the explorer and Generate work on
DEFAULT_PHRASE_BARS = 4   # Magenta Studio's clip length: the panels' default
BAR_STEPS = 16            # 16ths in a 4/4 bar
BAR_TICKS = BAR_STEPS * STEP_TICKS


def clip_bars(track: Track) -> int:
    """Whole 4/4 bars from the bar line at or before the first note to the end of the last note."""
    n = melody_notes(track)
    origin = bar_origin(n, BAR_TICKS)
    end = int((n["start"] + n["duration"]).max())
    return max(1, -(-(end - origin) // BAR_TICKS))


def segments_for(bars: int, steps: int) -> int:
    """How many model windows of ``steps`` sixteenths cover ``bars`` bars."""
    if not 1 <= bars <= MAX_PHRASE_BARS:
        raise MelodyError(f"a phrase is 1 to {MAX_PHRASE_BARS} bars, not {bars}")
    return -(-bars * BAR_STEPS // steps)


def phrase_windows(track: Track, bars: int, steps: int) -> np.ndarray:
    """(segments, steps) event windows covering the first ``bars`` bars of ``track`` (from the bar
    of its first note); notes past them are left out, and a short clip is padded with rests. A
    window's opening 'hold' (a note tied over the segment line, or silence) is read as a rest, as
    in training. Drum and empty tracks are refused (``MelodyError``)."""
    seg = segments_for(bars, steps)
    out, _ = track_events(track, total_steps=seg * steps)
    end = bars * BAR_STEPS
    if end < len(out):  # padding: silence from the bar line on (a note sounding there stops)
        out[end:] = NO_EVENT
        out[end] = NOTE_OFF
    out = out.reshape(seg, steps)
    out[out[:, 0] == 0, 0] = 1
    return out


def join_segments(events: np.ndarray, bars: int) -> np.ndarray:
    """(..., segments, steps) decoded windows → (..., bars·16) one phrase per row, cut to ``bars``."""
    ev = np.asarray(events)
    flat = ev.reshape(*ev.shape[:-2], ev.shape[-2] * ev.shape[-1])
    return flat[..., : bars * BAR_STEPS]
