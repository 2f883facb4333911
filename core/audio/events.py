"""The one event list behind both the offline renderer and live playback.

A song becomes a NumPy structured array of synth events in time order: per-track setup
(program with bank, CC7 volume, CC10 pan) at tick 0, then note-offs and note-ons. At the same
tick setup comes first and note-offs precede note-ons, so a note that ends where the next one on
the same key starts is released before it is struck again.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from latentroll.core.channels import DRUM_CHANNEL
from latentroll.core.song import Song, Track

PROGRAM, CONTROL, NOTE_OFF, NOTE_ON = 0, 1, 2, 3  # also the sort order within one tick
CC_VOLUME, CC_PAN = 7, 10
DRUM_BANK = 128
SONG_CHANNELS = 240  # channels 240..255 stay free for auditioning in the player

EVENT_DTYPE = np.dtype([
    ("seconds", "<f8"), ("tick", "<i8"), ("kind", "u1"),
    ("channel", "<i2"), ("data1", "<i2"), ("data2", "<i2"),
])


def assign_channels(tracks: Sequence[Track]) -> list[int]:
    """One synth channel per track so each keeps its own program, volume and pan.

    Drum tracks take the GM drum channel 9, then 25, 41, ... (9 mod 16); melodic tracks take the
    other channels in order. ``Track.channel`` is the MIDI-export channel and is not used here:
    two tracks sharing it would otherwise fight over one program.
    """
    melodic = (c for c in range(SONG_CHANNELS) if c % 16 != DRUM_CHANNEL)
    drums = (c for c in range(SONG_CHANNELS) if c % 16 == DRUM_CHANNEL)
    out = []
    for t in tracks:
        ch = next(drums if t.is_drum else melodic, None)
        if ch is None:
            raise ValueError(f"too many tracks to synthesise (at most {SONG_CHANNELS})")
        out.append(ch)
    return out


def build_events(song: Song, tracks: Sequence[int] | None = None) -> np.ndarray:
    """Sorted events for ``tracks`` (indices into ``song.tracks``; default: the audible ones)."""
    if tracks is None:
        audible = {id(t) for t in song.audible_tracks()}
        tracks = [i for i, t in enumerate(song.tracks) if id(t) in audible]
    channels = assign_channels(song.tracks)
    parts = []
    for i in tracks:
        track, ch = song.tracks[i], channels[i]
        setup = np.zeros(3, dtype=EVENT_DTYPE)
        setup["kind"] = (PROGRAM, CONTROL, CONTROL)
        setup["channel"] = ch
        setup["data1"] = (_clip7(track.program), CC_VOLUME, CC_PAN)
        setup["data2"] = (DRUM_BANK if track.is_drum else 0, _clip7(track.volume), _clip7(track.pan))
        parts.append(setup)
        parts.append(_note_events(track.notes, ch))
    events = np.concatenate(parts) if parts else np.zeros(0, dtype=EVENT_DTYPE)
    events = events[np.lexsort((events["kind"], events["tick"]))]
    events["seconds"] = song.tick_to_seconds(events["tick"]) if len(events) else 0.0
    return events


def _note_events(notes: np.ndarray, channel: int) -> np.ndarray:
    keep = (notes["pitch"] >= 0) & (notes["pitch"] <= 127)
    notes = notes[keep]
    n = len(notes)
    ev = np.zeros(2 * n, dtype=EVENT_DTYPE)
    on, off = ev[:n], ev[n:]
    on["tick"] = notes["start"]
    on["kind"] = NOTE_ON
    on["data2"] = np.clip(notes["velocity"], 1, 127)
    # A zero-length note still sounds for one tick; otherwise its off would sort before its on.
    off["tick"] = notes["start"] + np.maximum(notes["duration"], 1)
    off["kind"] = NOTE_OFF
    ev["channel"] = channel
    ev["data1"] = np.concatenate([notes["pitch"], notes["pitch"]])
    return ev


def _clip7(value: int) -> int:
    return int(min(max(int(value), 0), 127))
