"""Clips: the short melodies the model panels trade — picked from the song or a file, generated,
interpolated — and the three things a user does with one: hear it, insert it, drag it out.

A ``Clip`` holds a Track whose notes start at its first bar (tick 0), plus where it came from.
``ClipShelf`` is the shared shelf of clips (explorer pickers, the map overlay and the Generate
panel all read it; not the music library of the Library panel). Insertion is ONE undo step
through the core commands.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from latentroll.core.bars import bar_at
from latentroll.core.channels import on_free_channels
from latentroll.core.commands import AddNotes, AddTrack, Command
from latentroll.core.song import PPQ, Song, Track
from latentroll.core.timing import round_up

from .document import Document
from .editor_state import EditorState

BAR_4_4 = 4 * PPQ
TRACK_NAME_CHARS = 22  # an inserted clip's track name fits the track list's name field
SHELF_LIMIT = 64
_ids = itertools.count(1)


@dataclass(frozen=True)
class Clip:
    name: str
    track: Track  # notes start at the clip's first bar line (tick 0)
    source: str = "generated"
    anchor: int | None = None  # where it belongs in the song (a transfer); None: at the playhead
    uid: int = field(default_factory=lambda: next(_ids), compare=False)

    @property
    def span(self) -> int:
        return self.track.end_tick()

    @property
    def empty(self) -> bool:
        return len(self.track.notes) == 0


def clip_from_track(track: Track, name: str | None = None, source: str = "generated",
                    song: Song | None = None, keep_place: bool = False, origin: int | None = None) -> Clip:
    """Shift ``track`` so ``origin`` (default: the bar line before its first note, in ``song``'s
    bars, else 4/4) becomes tick 0. ``keep_place``: remember the origin, so inserting puts the
    clip back there (a style transfer)."""
    t = track.copy()
    t.mute = t.solo = False
    if origin is None:
        first = int(t.notes["start"].min()) if len(t.notes) else 0
        origin = bar_at(song, first).start if song is not None else first // BAR_4_4 * BAR_4_4
    t.notes["start"] -= origin
    t.name = name or t.name
    return Clip(t.name, t, source, origin if keep_place else None)


def selection_clip(state: EditorState) -> Clip | None:
    """The selected notes of the current track (the whole track when nothing is selected)."""
    track = state.track
    if track is None or not len(track.notes):
        return None
    rows = state.selected_or_all()
    part = track.copy()
    part.notes = track.notes[rows].copy()
    song = state.document.song
    bar = bar_at(song, int(part.notes["start"].min())).number + 1
    what = "selection" if len(state.selection) else "track"
    return clip_from_track(part, f"{track.name} {what} @ bar {bar}", "song", song=song)


def selection_track(state: EditorState) -> Track | None:
    """The selected notes (or the whole track) at their place in the song: what a transfer takes."""
    track = state.track
    if track is None or not len(track.notes):
        return None
    return replace_notes(track, track.notes[state.selected_or_all()].copy())


def song_like(song: Song, tracks: list[Track], title: str) -> Song:
    """A song holding ``tracks`` with ``song``'s tempo, meter and key: to hear or drag them."""
    return Song(title=title, tracks=tracks, tempos=list(song.tempos),
                time_signatures=list(song.time_signatures), keys=list(song.keys))


def clip_song(clip: Clip, song: Song, program: int | None = None) -> Song:
    """A one-track song holding ``clip`` with ``song``'s tempo, meter and key: to hear or drag."""
    t = clip.track.copy()
    if program is not None and not t.is_drum:  # a drum clip keeps its kit
        t.program = program
    return song_like(song, [t], clip.name)


# ---- insertion -------------------------------------------------------------------------

@dataclass(frozen=True)
class Insertion:
    command: Command
    track_index: int
    at: int


def insertion(song: Song, clip: Clip, current_track: int, at: int, new_track: bool = False) -> Insertion:
    """The command that puts ``clip`` into ``song`` at tick ``at``: into the current track, or a
    new track (on a free MIDI channel) when asked, when there is none, or when one is drums and
    the other not (a drum clip joins a drum track, a melody a pitched one)."""
    target = song.tracks[current_track] if 0 <= current_track < len(song.tracks) else None
    if new_track or target is None or target.is_drum != clip.track.is_drum:
        track = clip_track_at(clip, at)
        if target is not None and not target.is_drum and not track.is_drum:
            track.program = target.program
        track = on_free_channels(song, [track])[0]
        return Insertion(AddTrack(track, text=f"Insert {clip.name} as a track"), len(song.tracks), at)
    return Insertion(AddNotes(current_track, clip_track_at(clip, at).notes, text=f"Insert {clip.name}"),
                     current_track, at)


def clip_track_at(clip: Clip, at: int) -> Track:
    """A copy of the clip's track with its notes moved to start at tick ``at``."""
    notes = clip.track.notes.copy()
    notes["start"] += at
    return replace_notes(clip.track, notes)


def replace_notes(track: Track, notes: np.ndarray) -> Track:
    t = track.copy()
    t.notes = notes
    return t


def insert_clip(doc: Document, state: EditorState, clip: Clip, new_track: bool = False) -> Insertion | None:
    """Insert at the clip's anchor or the playhead; select what was inserted and move the
    playhead past it (so accepting several candidates lays them end to end)."""
    if clip.empty:
        return None
    at = clip.anchor if clip.anchor is not None else state.playhead
    short = short_track_name(clip.name)  # the name it gets as a new track
    ins = insertion(doc.song, replace(clip, track=_renamed(clip.track, short)), state.current_track, at,
                    new_track or clip.anchor is not None)
    if isinstance(ins.command, AddTrack) and short != clip.name:
        doc.track_origins[short] = clip.name  # before the push: the new row reads it
    doc.push(ins.command)
    state.set_current_track(ins.track_index)
    if isinstance(ins.command, AddNotes):
        state.set_selection(ins.command.new_indices)
    else:
        state.select_all()
    if clip.anchor is None:
        bar = doc.song.time_signature_at(at).bar_ticks
        state.set_playhead(at + round_up(max(clip.span, 1), bar))
    state.request_reveal(at, at + clip.span)  # after the playhead: following it may scroll away
    return ins


# ---- the shared shelf ------------------------------------------------------------------

class ClipShelf(QObject):
    """Clips the user can pick as interpolation ends, grid corners, and see on the map."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.clips: list[Clip] = []

    def add(self, clips: Clip | list[Clip]) -> list[Clip]:
        new = [clips] if isinstance(clips, Clip) else list(clips)
        new = [c for c in new if not c.empty]
        if not new:
            return []
        names = {c.name for c in self.clips}
        out = []
        for c in new:
            name, k = c.name, 2
            while name in names:
                name, k = f"{c.name} ({k})", k + 1
            names.add(name)
            out.append(c if name == c.name else replace(c, name=name, track=_renamed(c.track, name)))
        self.clips.extend(out)
        # Drop the oldest generated clips first; the user's own stay.
        while len(self.clips) > SHELF_LIMIT:
            old = next((c for c in self.clips if c.source not in ("song", "file")), self.clips[0])
            self.clips.remove(old)
        self.changed.emit()
        return out

    def remove(self, clip: Clip) -> None:
        if clip in self.clips:
            self.clips.remove(clip)
            self.changed.emit()

    def by_uid(self, uid: int) -> Clip | None:
        return next((c for c in self.clips if c.uid == uid), None)


def short_track_name(clip_name: str) -> str:
    """A track name that fits the track list, from a clip's name (which says where it came
    from): "Piano selection @ bar 1 → irish 2: Step 3" → "irish 2: Step 3"; cut with "…" when
    still long. The whole name stays the track's tooltip (``Document.track_origins``)."""
    short = re.sub(r" @ bar \d+", "", clip_name.rsplit(" → ", 1)[-1]).strip() or clip_name
    return short if len(short) <= TRACK_NAME_CHARS else short[:TRACK_NAME_CHARS - 1].rstrip() + "…"


def _renamed(track: Track, name: str) -> Track:
    t = track.copy()
    t.name = name
    return t


def write_clip_file(clip: Clip, song: Song, folder: Path) -> Path:
    """A real .mid of ``clip`` (the song's tempo and meter) for dragging into a DAW."""
    from .drag_midi import write_part_file

    return write_part_file(clip_song(clip, song), "clip", folder)


# ---- hearing a clip --------------------------------------------------------------------

class ClipAudition(QObject):
    """Plays one clip through the window's player (the song's transport stops first).

    Without an output device it says so in the status bar; everything else keeps working."""

    playingChanged = Signal(object)  # the playing clip's uid, or None
    message = Signal(str)

    POLL_MS = 100

    def __init__(self, playback, doc: Document, state: EditorState, parent: QObject | None = None):
        super().__init__(parent)
        from PySide6.QtCore import QTimer

        self.playback = playback
        self.doc = doc
        self.state = state
        self.current: int | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self._check_done)
        playback.playingChanged.connect(lambda on: on and self._finished())

    def play(self, clip: Clip) -> bool:
        """Hear ``clip`` alone, with the current track's instrument."""
        track = self.state.track
        program = track.program if track is not None and not track.is_drum else 0
        return self.play_song(clip.uid, clip.name, clip_song(clip, self.doc.song, program))

    def play_song(self, uid: int, name: str, song: Song) -> bool:
        """Hear ``song`` from its start (a candidate with the music around it); ``uid`` marks
        the card that plays."""
        player = self.playback.player
        if player is None:
            self.message.emit(f"Can't play “{name}” ({self.playback.audio_status}); "
                              "insert it or drag it out instead")
            return False
        self.playback.stop()
        try:
            player.play(song, start_tick=0)
        except Exception as exc:  # the device vanished or no SoundFont: say so, keep going
            self.message.emit(f"Can't play “{name}”: {exc}")
            return False
        self.current = uid
        self._poll.start()
        self.playingChanged.emit(uid)
        return True

    def stop(self) -> None:
        if self.current is not None and self.playback.player is not None and not self.playback.playing:
            self.playback.player.stop()
        self._finished()

    def _check_done(self) -> None:
        player = self.playback.player
        if player is None or not player.is_playing:
            self._finished()

    def _finished(self) -> None:
        self._poll.stop()
        if self.current is not None:
            self.current = None
            self.playingChanged.emit(None)
