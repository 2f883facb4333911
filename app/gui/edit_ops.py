"""The Edit menu: cut, copy, paste, duplicate, delete, transpose, nudge, quantize, select all.

Each operation builds a core command from the current track and selection and pushes it on the
document, then leaves the selection where a DAW user expects it (on the pasted or duplicated
notes). Shortcuts and menus call ``EditOps``; tests call it directly.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from latentroll.core.commands import (
    MAX_PITCH,
    MIN_PITCH,
    AddNotes,
    CommandError,
    RemoveNotes,
    move_notes,
    quantize_notes,
)
from latentroll.core.timing import round_up

from .document import Document
from .editor_state import EditorState


@dataclass(frozen=True)
class NoteClip:
    """Copied notes with starts relative to the earliest one (so they paste anywhere)."""

    notes: np.ndarray
    span: int  # ticks from the first start to the last end


def clip_of(rows: np.ndarray) -> NoteClip:
    notes = rows.copy()
    first = int(notes["start"].min())
    notes["start"] -= first
    return NoteClip(notes, int((notes["start"] + notes["duration"]).max()))


class EditOps(QObject):
    clipboardChanged = Signal()
    message = Signal(str)  # short status-bar feedback ("nothing selected", "pitch out of range")

    def __init__(self, document: Document, state: EditorState, parent: QObject | None = None):
        super().__init__(parent)
        self.doc = document
        self.state = state
        self.clipboard: NoteClip | None = None

    # ---- helpers -----------------------------------------------------------------------
    def _selected(self, allow_all: bool = False) -> np.ndarray | None:
        if self.state.track is None:
            self.message.emit("Add a track first")
            return None
        rows = self.state.selected_or_all() if allow_all else self.state.selection
        if not len(rows):
            self.message.emit("Nothing selected")
            return None
        return rows

    def _push_add(self, notes: np.ndarray, text: str) -> np.ndarray:
        cmd = AddNotes(self.state.current_track, notes, text=text)
        self.doc.push(cmd)
        rows = cmd.new_indices
        self.state.set_selection(rows)
        return rows

    # ---- clipboard ---------------------------------------------------------------------
    def copy(self) -> bool:
        rows = self._selected()
        if rows is None:
            return False
        self.clipboard = clip_of(self.state.track.notes[rows])
        self.clipboardChanged.emit()
        return True

    def cut(self) -> bool:
        if not self.copy():
            return False
        self.doc.push(RemoveNotes(self.state.current_track, self.state.selection.copy(), text="Cut notes"))
        return True

    def paste(self, at_tick: int | None = None) -> np.ndarray | None:
        """Paste at ``at_tick`` (default: the playhead); the playhead moves past the pasted
        notes so pasting again continues the phrase."""
        if self.clipboard is None:
            self.message.emit("Clipboard is empty")
            return None
        if self.state.track is None:
            self.message.emit("Add a track first")
            return None
        at = self.state.playhead if at_tick is None else int(at_tick)
        notes = self.clipboard.notes.copy()
        notes["start"] += at
        rows = self._push_add(notes, "Paste notes")
        self.state.set_playhead(at + round_up(self.clipboard.span, self.state.grid_ticks))
        return rows

    def duplicate(self) -> np.ndarray | None:
        """Copy the selection right after itself (its span rounded up to the grid)."""
        rows = self._selected()
        if rows is None:
            return None
        src = self.state.track.notes[rows]
        span = int((src["start"] + src["duration"]).max() - src["start"].min())
        notes = src.copy()
        notes["start"] += round_up(span, self.state.grid_ticks)
        return self._push_add(notes, "Duplicate notes")

    def delete(self) -> bool:
        rows = self._selected()
        if rows is None:
            return False
        self.doc.push(RemoveNotes(self.state.current_track, rows.copy(), text="Delete notes"))
        return True

    # ---- note edits --------------------------------------------------------------------
    def transpose(self, semitones: int) -> bool:
        rows = self._selected(allow_all=False)
        if rows is None:
            return False
        pitches = self.state.track.notes["pitch"][rows]
        if pitches.min() + semitones < MIN_PITCH or pitches.max() + semitones > MAX_PITCH:
            self.message.emit("Cannot transpose: a note would leave the MIDI range 0–127")
            return False
        self.doc.push(move_notes(self.doc.song, self.state.current_track, rows, dpitch=semitones))
        self.state.set_selection(rows)
        return True

    def nudge(self, steps: int) -> bool:
        """Move the selection ``steps`` grid steps in time (arrow keys)."""
        rows = self._selected()
        if rows is None:
            return False
        dt = steps * self.state.grid_ticks
        if self.state.track.notes["start"][rows].min() + dt < 0:
            self.message.emit("Cannot move notes before the start of the song")
            return False
        self.doc.push(move_notes(self.doc.song, self.state.current_track, rows, dt=dt))
        self.state.set_selection(rows)
        return True

    def quantize(self, strength: float = 1.0) -> bool:
        """Quantize the selection (or the whole track when nothing is selected) to the grid."""
        rows = self._selected(allow_all=True)
        if rows is None:
            return False
        try:
            cmd = quantize_notes(self.doc.song, self.state.current_track, rows, self.state.grid_ticks, strength)
        except CommandError as exc:
            self.message.emit(str(exc))
            return False
        self.doc.push(cmd)
        return True

    def select_all(self) -> None:
        self.state.select_all()


