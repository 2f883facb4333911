"""Drag notes out of LatentRoll into a DAW or file manager as a real .mid file.

The file is written (small, synchronous: the drop target needs it the moment the drag starts)
into the app's cache folder and kept there after the drop, since some hosts read it later.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from latentroll.core.bars import bar_at
from latentroll.core.io.formats import write_song
from latentroll.core.song import Song

from .editor_state import EditorState


def selection_song(state: EditorState) -> Song | None:
    """The selected notes (or the whole current track), moved so their first bar is bar 1."""
    song = state.document.song
    track = state.track
    if track is None or not len(track.notes):
        return None
    rows = state.selection if len(state.selection) else np.arange(len(track.notes))
    notes = track.notes[rows].copy()
    shift = bar_at(song, int(notes["start"].min())).start
    notes["start"] -= shift
    part = track.copy()
    part.notes = notes
    part.mute = part.solo = False
    return Song(title=song.title, tracks=[part], tempos=list(song.tempos),
                time_signatures=list(song.time_signatures), keys=list(song.keys))


def write_drag_file(state: EditorState, folder: Path) -> Path | None:
    part = selection_song(state)
    if part is None:
        return None
    return write_part_file(part, "selection" if len(state.selection) else "track", folder)


def write_part_file(part: Song, what: str, folder: Path) -> Path:
    """Write a one-track ``part`` as a .mid named after its title, track and ``what``."""
    from latentroll.core.audio.render import safe_filename

    folder.mkdir(parents=True, exist_ok=True)
    name = (f"{safe_filename(part.title, 'song')}-{safe_filename(part.tracks[0].name, 'track')}-"
            f"{what}-{time.strftime('%H%M%S')}.mid")
    path = folder / name
    write_song(part, path)
    return path
