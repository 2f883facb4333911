"""Shared CLI plumbing for the model commands: pick a melody track from a file, write clips out."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import NOTE_DTYPE, PPQ, KeySignature, Song, TempoChange, Track
from latentroll.core.theory import Scale, estimate_key

from .errors import UsageError


def melody_track(path: str, track: int | None = None) -> tuple[Song, Track]:
    """The song in ``path`` and its melody track: ``track`` if given, else the first pitched one with notes."""
    song = read_song(path)
    if track is not None:
        if not 0 <= track < len(song.tracks):
            raise UsageError(f"{path}: no track {track} (it has {len(song.tracks)}: 0..{len(song.tracks) - 1})")
        return song, song.tracks[track]
    for t in song.tracks:
        if len(t.notes) and not t.is_drum:
            return song, t
    raise UsageError(f"{path}: no pitched track with notes")


def parse_scale(text: str | None) -> Scale | None:
    return Scale.parse(text) if text else None


def clips_song(clips: list[Track], title: str, bpm: float = 120.0, gap_bars: int = 0, scale: Scale | None = None,
               separate_tracks: bool = False) -> Song:
    """Lay clips end to end on one track (or one track each), bar-aligned, as a new Song."""
    bar = 4 * PPQ
    if separate_tracks:
        tracks = [c.copy() for c in clips]
    else:
        merged = Track(name=title, program=clips[0].program if clips else 0)
        offset = 0
        parts = []
        for c in clips:
            n = c.notes.copy()
            n["start"] += offset
            parts.append(n)
            length = max(c.end_tick(), 1)
            offset += (-(-length // bar) + gap_bars) * bar
        merged.notes = np.concatenate(parts) if parts else merged.notes
        tracks = [merged]
    if scale is not None:
        tonic, mode = scale.tonic, "minor" if scale.mode in ("minor", "harmonic_minor") else "major"
    else:  # no key asked for: write the one the notes imply, not a default C major
        notes = np.concatenate([t.notes for t in tracks]) if tracks else np.zeros(0, dtype=NOTE_DTYPE)
        tonic, mode = estimate_key(notes["pitch"], notes["duration"])
    return Song(title=title, tracks=tracks, tempos=[TempoChange(0, bpm)], keys=[KeySignature(0, tonic, mode)])


def write_clips(song: Song, out: str) -> Path:
    path = Path(out)
    write_song(song, path)
    return path
