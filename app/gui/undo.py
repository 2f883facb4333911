"""Qt undo commands wrapping the core edit commands.

The core command does the work (``apply``/``revert``); this wrapper tells the document what
changed so views refresh only what they must, and maps ``SetNoteFields.merge_key`` to Qt's
``id``/``mergeWith`` so a whole mouse drag is ONE undo step.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PySide6.QtGui import QUndoCommand

from latentroll.core.commands import (
    AddNotes,
    AddTrack,
    Command,
    Macro,
    RemoveNotes,
    RemoveTrack,
    SetNoteFields,
    SetSongMap,
    SetTrackProperty,
)
from latentroll.core.song import Song


@dataclass(frozen=True)
class ChangeSet:
    """What an edit touched. ``rows`` lists tracks whose note rows were added or removed
    (row indices shifted), ``notes`` tracks whose note values changed at all."""

    notes: frozenset[int] = frozenset()
    rows: frozenset[int] = frozenset()
    track_props: frozenset[int] = frozenset()
    tracks: bool = False
    maps: bool = False

    def __or__(self, other: "ChangeSet") -> "ChangeSet":
        return ChangeSet(
            self.notes | other.notes, self.rows | other.rows,
            self.track_props | other.track_props, self.tracks or other.tracks, self.maps or other.maps,
        )

    @classmethod
    def everything(cls) -> "ChangeSet":
        return cls(tracks=True, maps=True)


def changes_of(command: Command) -> ChangeSet:
    if isinstance(command, SetNoteFields):
        return ChangeSet(notes=frozenset({command.track}))
    if isinstance(command, (AddNotes, RemoveNotes)):
        t = frozenset({command.track})
        return ChangeSet(notes=t, rows=t)
    if isinstance(command, SetTrackProperty):
        return ChangeSet(track_props=frozenset({command.index}))
    if isinstance(command, (AddTrack, RemoveTrack)):
        return ChangeSet(tracks=True)
    if isinstance(command, SetSongMap):
        return ChangeSet(maps=True)
    if isinstance(command, Macro):
        out = ChangeSet()
        for c in command.commands:
            out = out | changes_of(c)
        return out
    return ChangeSet.everything()


def _merge_id(command: Command) -> int:
    key = getattr(command, "merge_key", None)
    if key is None:
        return -1
    return zlib.crc32(key.encode("utf-8")) & 0x7FFFFFFF


class UndoTarget(Protocol):
    """What an undo step changes and tells (``document.Document`` is the one)."""

    song: Song

    def notify(self, changes: ChangeSet) -> None: ...
    def merged_into_top(self) -> None: ...


class CoreUndoCommand(QUndoCommand):
    """One core command on the QUndoStack.

    The document applies the command *before* pushing it (so a CommandError never lands on the
    stack); the first ``redo`` that QUndoStack.push makes therefore only announces the change.
    """

    def __init__(self, document: UndoTarget, command: Command, already_applied: bool = True):
        super().__init__(command.text)
        self.document = document
        self.command = command
        self._skip_first_redo = already_applied

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
        else:
            self.command.apply(self.document.song)
        self.document.notify(changes_of(self.command))

    def undo(self) -> None:
        self.command.revert(self.document.song)
        self.document.notify(changes_of(self.command))

    def id(self) -> int:
        return _merge_id(self.command)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, CoreUndoCommand) or not self.command.merge(other.command):
            return False
        self.document.merged_into_top()
        if isinstance(self.command, SetNoteFields) and _is_noop(self.command):
            self.setObsolete(True)  # a drag that came back to where it started leaves no step
        return True


def _is_noop(cmd: SetNoteFields) -> bool:
    old = cmd._old or {}
    return all(k in old and np.array_equal(old[k], v) for k, v in cmd.values.items())
