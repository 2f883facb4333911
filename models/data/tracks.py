"""Core Tracks ↔ melody events: what every melody service does at its edges.

The services take and return ``Track``s; these helpers turn a user's track into events (refusing
drum and empty tracks with a ``MelodyError`` meant for users, reducing chords to the top voice),
give generated notes a musical accent, and build the key/scale mask the decoders sample under.
"""
from __future__ import annotations

import numpy as np

from latentroll.core.song import PPQ, Track
from latentroll.core.theory import Scale
from latentroll.models.common.errors import MelodyError

from .melody import FIRST_PITCH_CLASS, MIN_PITCH, NUM_CLASSES, events_to_notes, notes_to_events
from .splits import window_hop

BAR_4_4 = 4 * PPQ


def melody_notes(track: Track) -> np.ndarray:
    """The track's notes in time order; a drum or empty track is refused."""
    if track.is_drum:
        raise MelodyError(f"track {track.name!r} is a drum track; pick a pitched track for melody tools")
    if len(track.notes) == 0:
        raise MelodyError(f"track {track.name!r} has no notes")
    return track.sorted_notes()


def meter_steps(meter: tuple[int, int]) -> int:
    """16th steps per bar as the models count them (the training corpus's rule, see ``window_hop``)."""
    num, den = meter
    if num < 1 or den not in (1, 2, 4, 8, 16, 32):
        raise MelodyError(f"unsupported time signature {num}/{den}")
    return window_hop((num, den))


def bar_origin(notes: np.ndarray, bar_ticks: int = BAR_4_4) -> int:
    """Tick of the bar line at or before the first note."""
    return int(notes["start"].min()) // bar_ticks * bar_ticks


def track_events(track: Track, origin: int | None = None, total_steps: int | None = None,
                 bar_ticks: int = BAR_4_4) -> tuple[np.ndarray, int]:
    """Events of a track from ``origin`` (default: the bar holding its first note), and that origin."""
    n = melody_notes(track)
    if origin is None:
        origin = bar_origin(n, bar_ticks)
    n = n[n["start"] >= origin]
    return notes_to_events(n["start"] - origin, n["duration"], n["pitch"], total_steps), origin


def velocities_for(starts: np.ndarray, beat_ticks: int = PPQ, bar_ticks: int = BAR_4_4) -> np.ndarray:
    """Give generated notes a musical accent (downbeats louder) instead of one flat velocity."""
    pos = np.asarray(starts) % bar_ticks
    v = np.full(len(pos), 78)
    v[pos % (beat_ticks // 2) == 0] = 84
    v[pos % beat_ticks == 0] = 92
    v[pos == 0] = 100
    return v


def events_to_track(events: np.ndarray, name: str, start_tick: int = 0, program: int = 0,
                    bar_ticks: int = BAR_4_4) -> Track:
    """Events → a Track starting at ``start_tick`` (a bar line), with accented velocities."""
    notes = events_to_notes(events, start_tick=start_tick)
    notes["velocity"] = velocities_for(notes["start"] - start_tick, bar_ticks=bar_ticks)
    return Track(name=name, program=program, notes=notes)


def scale_mask(scale: Scale | None) -> np.ndarray | None:
    """(classes,) bool: the events allowed under ``scale`` (hold and note-off always are)."""
    if scale is None:
        return None
    pitches = np.arange(NUM_CLASSES - FIRST_PITCH_CLASS) + MIN_PITCH
    return np.concatenate([[True, True], scale.contains(pitches)])
