"""Shared CLI plumbing for the model commands: check files, pick a melody track, write clips out.

Model commands call ``read_input``/``check_outputs`` before they import a model (torch takes
seconds to import, a model minutes to run): a missing input or an unwritable output is reported
at once.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from latentroll.core.channels import free_channels
from latentroll.core.io.formats import check_output_path, read_song, tune_count, write_song
from latentroll.core.song import NOTE_DTYPE, PPQ, KeySignature, Song, TempoChange, Track
from latentroll.core.theory import Scale, estimate_key

from .errors import UsageError


def add_tune_flag(p) -> None:
    """``--tune N`` for commands that read an ABC book (1-based; required when it holds several)."""
    p.add_argument("--tune", type=int, metavar="N", help="which tune of a multi-tune ABC file (1-based)")


def read_input(path: str, tune: int | None = None) -> Song:
    """The song in ``path``; a book of several tunes needs ``tune`` (1-based)."""
    if tune is None:
        count = tune_count(path)
        if count > 1:
            raise UsageError(f"{path} holds {count} tunes; choose one with --tune N (1-{count})")
    return read_song(path, index=None if tune is None else tune - 1)


def check_outputs(*paths: str) -> None:
    """Fail now, before any model loads, if one of ``paths`` cannot be written."""
    for path in paths:
        check_output_path(path)


def melody_track(path: str, track: int | None = None, tune: int | None = None) -> tuple[Song, Track]:
    """The song in ``path`` and its melody track: ``track`` if given, else the first pitched one with notes."""
    song = read_input(path, tune)
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
    if separate_tracks:  # one MIDI channel each, or notation programs merge overlapping clips
        tracks = []
        for c in clips:
            track = c.copy()
            track.channel = free_channels(Song(tracks=tracks))[0]
            tracks.append(track)
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
