"""Edit commands: plain objects with ``apply(song)`` and ``revert(song)``.

Every edit the app or CLI makes to a Song goes through one of these, so undo is exact and the
Qt layer only wraps them (QUndoCommand). Notes are addressed by row index in a track's array;
commands that change rows keep the old values, so revert restores them bit for bit.

One mechanism serves moving, resizing, transposing, velocity and quantize: ``SetNoteFields``
with new column values computed by the small factory functions below.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .chords import ChordEvent, ChordSymbol
from .song import NOTE_DTYPE, KeySignature, Song, TempoChange, TimeSignature, Track
from .timing import quantize

MIN_PITCH, MAX_PITCH = 0, 127


class CommandError(ValueError):
    """An edit that cannot be applied (bad index, out-of-range pitch...)."""


class Command(ABC):
    text = "Edit"

    @abstractmethod
    def apply(self, song: Song) -> None:
        """Change ``song``."""

    @abstractmethod
    def revert(self, song: Song) -> None:
        """Undo exactly what ``apply`` did."""

    def merge(self, other: "Command") -> bool:
        """Absorb a following command of the same kind (a drag); True if merged."""
        return False


def _indices(idx: Sequence[int], n: int) -> np.ndarray:
    arr = np.unique(np.asarray(idx, dtype=np.int64))
    if len(arr) and (arr[0] < 0 or arr[-1] >= n):
        raise CommandError(f"note index out of range (track has {n} notes)")
    return arr


def _track(song: Song, i: int) -> Track:
    if not 0 <= i < len(song.tracks):
        raise CommandError(f"no track {i} (song has {len(song.tracks)})")
    return song.tracks[i]


@dataclass
class AddNotes(Command):
    """Append rows; the new rows are the last ``len(notes)`` of the track."""

    track: int
    notes: np.ndarray
    text: str = "Add notes"

    def __post_init__(self) -> None:
        self.notes = np.asarray(self.notes, dtype=NOTE_DTYPE).copy()
        _check_values(self.notes)
        self._count = len(self.notes)

    def apply(self, song: Song) -> None:
        t = _track(song, self.track)
        self.first_index = len(t.notes)
        t.notes = np.concatenate([t.notes, self.notes])

    def revert(self, song: Song) -> None:
        t = _track(song, self.track)
        t.notes = t.notes[: len(t.notes) - self._count].copy()

    @property
    def new_indices(self) -> np.ndarray:
        return np.arange(self.first_index, self.first_index + self._count)


@dataclass
class RemoveNotes(Command):
    track: int
    indices: Sequence[int]
    text: str = "Delete notes"
    _removed: np.ndarray = field(default=None, init=False, repr=False)
    _idx: np.ndarray = field(default=None, init=False, repr=False)

    def apply(self, song: Song) -> None:
        t = _track(song, self.track)
        self._idx = _indices(self.indices, len(t.notes))
        self._removed = t.notes[self._idx].copy()
        t.notes = np.delete(t.notes, self._idx)

    def revert(self, song: Song) -> None:
        t = _track(song, self.track)
        # np.insert positions refer to the array before insertion: shift by rows already placed.
        positions = self._idx - np.arange(len(self._idx))
        t.notes = np.insert(t.notes, positions, self._removed)


@dataclass
class SetNoteFields(Command):
    """Set columns (start, duration, pitch, velocity) of some rows to new values."""

    track: int
    indices: Sequence[int]
    values: dict[str, np.ndarray]
    text: str = "Edit notes"
    merge_key: str | None = None  # commands with the same key and rows merge (one drag, one undo)
    _old: dict[str, np.ndarray] = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.indices = np.asarray(self.indices, dtype=np.int64)
        for name in self.values:
            if name not in NOTE_DTYPE.names:
                raise CommandError(f"unknown note field {name!r}")
        self.values = {k: np.asarray(v).copy() for k, v in self.values.items()}
        probe = np.zeros(len(self.indices), dtype=NOTE_DTYPE)
        probe["duration"] = 1
        for k, v in self.values.items():
            probe[k] = v
        _check_values(probe)

    def apply(self, song: Song) -> None:
        t = _track(song, self.track)
        idx = _indices(self.indices, len(t.notes))
        if len(idx) != len(self.indices):
            raise CommandError("duplicate note indices")
        if self._old is None:
            self._old = {k: t.notes[k][self.indices].copy() for k in self.values}
        for k, v in self.values.items():
            t.notes[k][self.indices] = v

    def revert(self, song: Song) -> None:
        t = _track(song, self.track)
        for k, v in self._old.items():
            t.notes[k][self.indices] = v

    def merge(self, other: Command) -> bool:
        if (
            isinstance(other, SetNoteFields)
            and self.merge_key is not None
            and other.merge_key == self.merge_key
            and other.track == self.track
            and np.array_equal(other.indices, self.indices)
            and set(other.values) <= set(self.values) | set(other.values)
        ):
            for k, v in other.values.items():
                if k not in self._old:
                    self._old[k] = other._old[k]
                self.values[k] = v
            return True
        return False


def _check_values(rows: np.ndarray) -> None:
    if len(rows) == 0:
        return
    if rows["pitch"].min() < MIN_PITCH or rows["pitch"].max() > MAX_PITCH:
        raise CommandError("pitch out of range 0..127")
    if rows["velocity"].min() < 0 or rows["velocity"].max() > 127:
        raise CommandError("velocity out of range 0..127")
    if rows["duration"].min() < 1:
        raise CommandError("note duration must be at least one tick")
    if rows["start"].min() < 0:
        raise CommandError("note start before the song start")


# ---- factories for the common note edits --------------------------------------------------

def move_notes(song: Song, track: int, indices, dt: int = 0, dpitch: int = 0,
               merge_key: str | None = None) -> SetNoteFields:
    """Shift notes in time and/or pitch; also the transpose command (dt = 0)."""
    rows = _track(song, track).notes[np.asarray(indices, dtype=np.int64)]
    text = "Transpose notes" if dt == 0 else "Move notes"
    return SetNoteFields(track, indices, {"start": rows["start"] + dt, "pitch": rows["pitch"] + dpitch},
                         text=text, merge_key=merge_key)


def resize_notes(song: Song, track: int, indices, dd: int, merge_key: str | None = None) -> SetNoteFields:
    rows = _track(song, track).notes[np.asarray(indices, dtype=np.int64)]
    return SetNoteFields(track, indices, {"duration": np.maximum(rows["duration"] + dd, 1)},
                         text="Resize notes", merge_key=merge_key)


def set_velocity(track: int, indices, velocity, merge_key: str | None = None) -> SetNoteFields:
    n = len(indices)
    vel = np.broadcast_to(np.clip(np.asarray(velocity), 1, 127), (n,))
    return SetNoteFields(track, indices, {"velocity": vel}, text="Set velocity", merge_key=merge_key)


def quantize_notes(song: Song, track: int, indices, grid: int, strength: float = 1.0,
                   ends: bool = False) -> SetNoteFields:
    rows = _track(song, track).notes[np.asarray(indices, dtype=np.int64)]
    s, d = quantize(rows["start"], rows["duration"], grid, strength, ends)
    return SetNoteFields(track, indices, {"start": s, "duration": d}, text="Quantize")


# ---- track and song commands --------------------------------------------------------------

@dataclass
class AddTrack(Command):
    track: Track
    index: int | None = None
    text: str = "Add track"

    def apply(self, song: Song) -> None:
        self._at = len(song.tracks) if self.index is None else self.index
        song.tracks.insert(self._at, self.track.copy())

    def revert(self, song: Song) -> None:
        del song.tracks[self._at]


@dataclass
class RemoveTrack(Command):
    index: int
    text: str = "Delete track"

    def apply(self, song: Song) -> None:
        self._removed = _track(song, self.index)
        del song.tracks[self.index]

    def revert(self, song: Song) -> None:
        song.tracks.insert(self.index, self._removed)


_TRACK_FIELDS = {"name", "program", "channel", "is_drum", "volume", "pan", "mute", "solo"}


@dataclass
class SetTrackProperty(Command):
    """Rename, change instrument, mute/solo, volume, pan: one command for all track settings."""

    index: int
    name: str
    value: object
    text: str = "Change track"

    def __post_init__(self) -> None:
        if self.name not in _TRACK_FIELDS:
            raise CommandError(f"unknown track property {self.name!r}")

    def apply(self, song: Song) -> None:
        t = _track(song, self.index)
        self._old = getattr(t, self.name)
        setattr(t, self.name, self.value)

    def revert(self, song: Song) -> None:
        setattr(_track(song, self.index), self.name, self._old)


def rename_track(index: int, name: str) -> SetTrackProperty:
    return SetTrackProperty(index, "name", name, text="Rename track")


@dataclass
class SetSongMap(Command):
    """Replace one of the song's maps (tempos, time_signatures, keys) or its title."""

    attr: str
    value: object
    text: str = "Change song"

    def __post_init__(self) -> None:
        if self.attr not in {"tempos", "time_signatures", "keys", "chords", "title"}:
            raise CommandError(f"unknown song attribute {self.attr!r}")

    def apply(self, song: Song) -> None:
        self._old = getattr(song, self.attr)
        setattr(song, self.attr, list(self.value) if self.attr != "title" else self.value)
        song.normalize_maps()

    def revert(self, song: Song) -> None:
        setattr(song, self.attr, self._old)


def set_tempo(bpm: float) -> SetSongMap:
    if not 10 <= bpm <= 400:
        raise CommandError("tempo must be between 10 and 400 BPM")
    return SetSongMap("tempos", [TempoChange(0, float(bpm))], text="Set tempo")


def set_time_signature(numerator: int, denominator: int) -> SetSongMap:
    if numerator < 1 or denominator not in (1, 2, 4, 8, 16, 32):
        raise CommandError(f"bad time signature {numerator}/{denominator}")
    return SetSongMap("time_signatures", [TimeSignature(0, numerator, denominator)], text="Set meter")


def set_key(tonic: int, mode: str) -> SetSongMap:
    return SetSongMap("keys", [KeySignature(0, tonic % 12, mode)], text="Set key")


def _chord_index(song: Song, index: int) -> ChordEvent:
    if not 0 <= index < len(song.chords):
        raise CommandError(f"no chord {index} (the chord track has {len(song.chords)})")
    return song.chords[index]


def add_chord(song: Song, tick: int, symbol: ChordSymbol) -> SetSongMap:
    """Put ``symbol`` on the chord track at ``tick`` (replacing a chord already there)."""
    if tick < 0:
        raise CommandError("a chord cannot start before the song")
    kept = [c for c in song.chords if c.tick != tick]
    return SetSongMap("chords", kept + [ChordEvent(int(tick), symbol)], text=f"Add chord {symbol}")


def remove_chord(song: Song, index: int) -> SetSongMap:
    gone = _chord_index(song, index)
    return SetSongMap("chords", [c for c in song.chords if c is not gone], text=f"Remove chord {gone.symbol}")


def move_chord(song: Song, index: int, tick: int) -> SetSongMap:
    """Move chord ``index`` to ``tick``; a chord already at ``tick`` is replaced by it."""
    if tick < 0:
        raise CommandError("a chord cannot start before the song")
    moved = _chord_index(song, index)
    kept = [c for c in song.chords if c is not moved and c.tick != tick]
    return SetSongMap("chords", kept + [ChordEvent(int(tick), moved.symbol)], text=f"Move chord {moved.symbol}")


def change_chord(song: Song, index: int, symbol: ChordSymbol) -> SetSongMap:
    old = _chord_index(song, index)
    chords = [ChordEvent(c.tick, symbol) if c is old else c for c in song.chords]
    return SetSongMap("chords", chords, text=f"Change chord {old.symbol} to {symbol}")


@dataclass
class Macro(Command):
    """Several commands as one undo step (e.g. paste into two tracks, accept a candidate)."""

    commands: list[Command]
    text: str = "Edit"

    def apply(self, song: Song) -> None:
        for c in self.commands:
            c.apply(song)

    def revert(self, song: Song) -> None:
        for c in reversed(self.commands):
            c.revert(song)


__all__ = [
    "Command", "CommandError", "AddNotes", "RemoveNotes", "SetNoteFields", "AddTrack",
    "RemoveTrack", "SetTrackProperty", "SetSongMap", "Macro", "move_notes", "resize_notes",
    "set_velocity", "quantize_notes", "rename_track", "set_tempo", "set_time_signature", "set_key",
    "add_chord", "remove_chord", "move_chord", "change_chord",
]
