"""Mouse gestures on the piano roll: draw, move, resize, box-select, erase.

A press picks one gesture from the tool and what lies under the cursor:

* right button (any tool) or the erase tool: swipe-erase the notes touched;
* on a note's right edge: resize; on a note's body: move (select first; Shift adds);
* on empty space: the draw tool creates a note (drag right to set its length), the select tool
  (or Ctrl in the draw tool) draws a selection box (Shift adds to the selection).

Moves and resizes are live: every mouse move pushes a SetNoteFields with the gesture's merge key,
so the whole drag collapses into one undo step. Drawing and erasing show a preview and push one
command on release. Hold Alt to place freely (snap bypass).

On a drum track's lane (``lanes.py``) the rows are kit pieces: a click puts a hit of the row's
piece, a vertical move re-assigns hits to the piece they land on, and hits have no length to
resize.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, SignalInstance
from PySide6.QtWidgets import QApplication

from latentroll.core.commands import AddNotes, RemoveNotes, SetNoteFields
from latentroll.core.drum_kit import NUM_PIECES, piece_pitches
from latentroll.core.song import NOTE_DTYPE

from ..document import Document
from ..editor_state import EditorState
from .lanes import CELL_TICKS, PITCH_LANES, Lanes
from .mapping import TOP_PITCH, Mapping
from .notes_item import NotesItem

_drag_ids = itertools.count(1)
EDGE_PX = 6
DEFAULT_VELOCITY = 100


@dataclass(frozen=True)
class RollEvent:
    tick: float
    row: float  # scene row (fractional)
    pitch: int  # the pitch the row writes; -1 on the drum lane's "Other" row
    pos: QPointF
    button: Qt.MouseButton
    modifiers: Qt.KeyboardModifier

    @property
    def shift(self) -> bool:
        return bool(self.modifiers & Qt.KeyboardModifier.ShiftModifier)

    @property
    def ctrl(self) -> bool:
        return bool(self.modifiers & Qt.KeyboardModifier.ControlModifier)

    @property
    def lane_row(self) -> int:
        return int(np.floor(self.row))

    @property
    def alt(self) -> bool:
        """Alt bypasses snapping."""
        return bool(self.modifiers & Qt.KeyboardModifier.AltModifier)


class RollView(Protocol):
    """What a gesture needs of the piano roll's view (``view.PianoRollView`` is the one)."""

    doc: Document
    state: EditorState
    notes_item: NotesItem
    message: SignalInstance  # str: short status-bar feedback
    lanes: Lanes  # the rows the current track is shown on

    def mapping(self) -> Mapping: ...
    def snap(self, tick: float, ev: RollEvent, mode: str = "round") -> int: ...
    def audition(self, pitch: int, velocity: int) -> None: ...
    def roll_event(self, pos: QPointF, button: Qt.MouseButton, modifiers: Qt.KeyboardModifier) -> RollEvent: ...
    def set_rubber_band(self, rect: QRectF | None) -> None: ...


def hit_note(notes: np.ndarray, tick: float, row: int, edge_ticks: float,
             lanes: Lanes = PITCH_LANES) -> tuple[int, str]:
    """Index of the note under (tick, row) and the zone hit: 'move', 'resize' or '' (drum hits
    have no length to resize)."""
    if not len(notes):
        return -1, ""
    start = notes["start"]
    end = lanes.ends(notes)
    cand = np.flatnonzero((lanes.rows_of(notes["pitch"]) == row) & (start <= tick) & (tick < end))
    if not len(cand):
        return -1, ""
    i = int(cand[-1])
    if lanes.drum:
        return i, "move"
    edge = min(edge_ticks, (end[i] - start[i]) / 3)
    return i, ("resize" if end[i] - tick <= edge else "move")


def notes_in_rect(notes: np.ndarray, t0: float, t1: float, r0: float, r1: float,
                  lanes: Lanes = PITCH_LANES) -> np.ndarray:
    row = lanes.rows_of(notes["pitch"])
    start = notes["start"]
    mask = (start < t1) & (lanes.ends(notes) > t0) & (row + 1 > r0) & (row < r1)
    return np.flatnonzero(mask)


def begin_gesture(view: RollView, ev: RollEvent) -> "Gesture | None":
    state = view.state
    track = state.track
    if track is None:
        view.message.emit("Add a track first")
        return None
    if ev.button == Qt.MouseButton.RightButton or (ev.button == Qt.MouseButton.LeftButton and state.tool == "erase"):
        return EraseSwipe(view, ev)
    if ev.button != Qt.MouseButton.LeftButton:
        return None
    row, zone = hit_note(track.notes, ev.tick, ev.lane_row, EDGE_PX / view.mapping().sx, view.lanes)
    if row >= 0:
        return ResizeNotes(view, ev, row) if zone == "resize" else MoveNotes(view, ev, row)
    if state.tool == "select" or ev.ctrl:
        return BoxSelect(view, ev)
    if view.lanes.drum:
        if ev.pitch < 0:
            view.message.emit("Draw hits on a kit row (the Other row only shows keys of no kit piece)")
            return None
        return CreateHit(view, ev)
    return CreateNote(view, ev)


class Gesture:
    def __init__(self, view: RollView, ev: RollEvent):
        self.view = view
        self.doc = view.doc
        self.state = view.state
        self.press = ev
        self.started = False  # moved past the drag threshold

    def passed_threshold(self, ev: RollEvent) -> bool:
        if not self.started:
            d = ev.pos - self.press.pos
            self.started = abs(d.x()) + abs(d.y()) >= QApplication.startDragDistance()
        return self.started

    def move(self, ev: RollEvent) -> None:
        """Mouse moved with the button held."""

    def release(self, ev: RollEvent) -> None:
        """Button released: finish the gesture."""

    def cancel(self) -> None:
        """Escape pressed or the view lost the mouse: leave the song as before the press."""


class _SelectionDrag(Gesture):
    """Shared press behaviour of move and resize: make sure the grabbed note is selected."""

    def __init__(self, view, ev, row: int):
        super().__init__(view, ev)
        self.row = row
        sel = self.state.selection
        self.toggle_off = False
        self.collapse = False
        if row not in sel:
            self.state.set_selection(np.union1d(sel, [row]) if ev.shift else [row])
        elif ev.shift:
            self.toggle_off = True
        else:
            self.collapse = len(sel) > 1
        self.rows = self.state.selection.copy()
        self.orig = self.state.track.notes[self.rows].copy()
        self.anchor = self.state.track.notes[row].copy()
        self.key = f"drag-{next(_drag_ids)}"
        self.pushed = False

    def _push(self, values: dict, text: str) -> None:
        self.doc.push(SetNoteFields(self.state.current_track, self.rows, values, text=text, merge_key=self.key))
        self.pushed = True
        self.state.set_selection(self.rows)

    def release(self, ev: RollEvent) -> None:
        if self.started:
            return
        if self.toggle_off:
            self.state.set_selection(np.setdiff1d(self.state.selection, [self.row]))
        elif self.collapse:
            self.state.set_selection([self.row])

    def cancel(self) -> None:
        stack = self.doc.undo_stack
        top = stack.command(stack.index() - 1) if stack.index() > 0 else None
        if self.pushed and top is not None and getattr(getattr(top, "command", None), "merge_key", None) == self.key:
            stack.undo()


class MoveNotes(_SelectionDrag):
    def __init__(self, view, ev, row):
        super().__init__(view, ev, row)
        self.last = (0, 0)
        view.audition(int(self.anchor["pitch"]), int(self.anchor["velocity"]))

    def move(self, ev: RollEvent) -> None:
        if not self.passed_threshold(ev):
            return
        a_start = int(self.anchor["start"])
        dt = self.view.snap(a_start + ev.tick - self.press.tick, ev) - a_start
        dt = max(dt, -int(self.orig["start"].min()))
        lanes = self.view.lanes
        if lanes.drum:
            dp = ev.lane_row - self.press.lane_row
            pitches = self._drum_pitches(lanes, dp)
        else:
            dp = ev.pitch - self.press.pitch
            dp = int(np.clip(dp, -int(self.orig["pitch"].min()), TOP_PITCH - int(self.orig["pitch"].max())))
            pitches = self.orig["pitch"] + dp
        if (dt, dp) == self.last:
            return
        self._push({"start": self.orig["start"] + dt, "pitch": pitches}, "Move hits" if lanes.drum else "Move notes")
        if dp != self.last[1]:
            grabbed = int(np.flatnonzero(self.rows == self.row)[0])
            self.view.audition(int(pitches[grabbed]), int(self.anchor["velocity"]))
        self.last = (dt, dp)

    def _drum_pitches(self, lanes: Lanes, drow: int) -> np.ndarray:
        """Hits moved ``drow`` kit rows take the piece of the row they land on; unmoved ones
        keep their key (a kick on 35 stays on 35)."""
        if drow == 0:
            return self.orig["pitch"].copy()
        rows = np.minimum(lanes.rows_of(self.orig["pitch"]), NUM_PIECES - 1)
        drow = int(np.clip(drow, -int(rows.min()), NUM_PIECES - 1 - int(rows.max())))
        if drow == 0:
            return self.orig["pitch"].copy()
        return np.asarray(piece_pitches(), dtype=np.int64)[rows + drow]


class ResizeNotes(_SelectionDrag):
    def __init__(self, view, ev, row):
        super().__init__(view, ev, row)
        self.anchor_end = int(self.anchor["start"] + self.anchor["duration"])
        self.last_dd = 0

    def move(self, ev: RollEvent) -> None:
        if not self.passed_threshold(ev):
            return
        dd = self.view.snap(ev.tick, ev) - self.anchor_end
        if dd == self.last_dd:
            return
        min_len = 1 if ev.alt else self.state.grid_ticks
        durs = np.maximum(self.orig["duration"] + dd, np.minimum(self.orig["duration"], min_len))
        self._push({"duration": durs}, "Resize notes")
        self.last_dd = dd
        grabbed = int(np.flatnonzero(self.rows == self.row)[0])
        self.state.last_length = int(durs[grabbed])


class CreateNote(Gesture):
    def __init__(self, view, ev):
        super().__init__(view, ev)
        grid = self.state.grid_ticks
        self.start = view.snap(ev.tick, ev, "floor")
        length = self.state.last_length
        if not ev.alt:
            length = max(grid, int(round(length / grid)) * grid)
        self.note = np.zeros(1, dtype=NOTE_DTYPE)
        self.note[0] = (self.start, length, ev.pitch, DEFAULT_VELOCITY)
        view.notes_item.set_preview(self.note)
        view.audition(ev.pitch, DEFAULT_VELOCITY)

    def move(self, ev: RollEvent) -> None:
        if not self.passed_threshold(ev):
            return
        min_len = 1 if ev.alt else self.state.grid_ticks
        end = self.view.snap(ev.tick, ev)
        self.note["duration"] = max(end - self.start, min_len)
        self.view.notes_item.set_preview(self.note)

    def release(self, ev: RollEvent) -> None:
        self.view.notes_item.set_preview(None)
        cmd = AddNotes(self.state.current_track, self.note, text="Draw note")
        self.doc.push(cmd)
        self.state.set_selection(cmd.new_indices)
        if self.started:
            self.state.last_length = int(self.note["duration"][0])

    def cancel(self) -> None:
        self.view.notes_item.set_preview(None)


class CreateHit(Gesture):
    """Drum lane: a click puts one hit of the row's piece in the grid cell under the cursor."""

    def __init__(self, view, ev):
        super().__init__(view, ev)
        self.note = np.zeros(1, dtype=NOTE_DTYPE)
        self.note[0] = (view.snap(ev.tick, ev, "floor"), CELL_TICKS, ev.pitch, DEFAULT_VELOCITY)
        view.notes_item.set_preview(self.note)
        view.audition(ev.pitch, DEFAULT_VELOCITY)

    def release(self, ev: RollEvent) -> None:
        self.view.notes_item.set_preview(None)
        cmd = AddNotes(self.state.current_track, self.note, text="Draw hit")
        self.doc.push(cmd)
        self.state.set_selection(cmd.new_indices)

    def cancel(self) -> None:
        self.view.notes_item.set_preview(None)


class BoxSelect(Gesture):
    def __init__(self, view, ev):
        super().__init__(view, ev)
        self.base = self.state.selection.copy() if ev.shift else np.zeros(0, dtype=np.int64)

    def move(self, ev: RollEvent) -> None:
        if not self.passed_threshold(ev):
            return
        t0, t1 = sorted((self.press.tick, ev.tick))
        r0, r1 = sorted((self.press.row, ev.row))
        self.view.set_rubber_band(QRectF(self.press.pos, ev.pos).normalized())
        rows = notes_in_rect(self.state.track.notes, t0, t1, r0, r1, self.view.lanes)
        self.state.set_selection(np.union1d(self.base, rows))

    def release(self, ev: RollEvent) -> None:
        self.view.set_rubber_band(None)
        if not self.started and not ev.shift:
            self.state.clear_selection()

    def cancel(self) -> None:
        self.view.set_rubber_band(None)
        self.state.set_selection(self.base)


class EraseSwipe(Gesture):
    def __init__(self, view, ev):
        super().__init__(view, ev)
        self.marked: set[int] = set()
        self.last = ev
        self._hit(ev)

    def _hit(self, ev: RollEvent) -> None:
        row, _ = hit_note(self.state.track.notes, ev.tick, ev.lane_row, 0, self.view.lanes)
        if row >= 0 and row not in self.marked:
            self.marked.add(row)
            self.view.notes_item.set_erase_marks(sorted(self.marked))

    def move(self, ev: RollEvent) -> None:
        # sample the path every few pixels so a fast swipe does not skip short notes
        a, b = self.last.pos, ev.pos
        steps = max(1, int(max(abs(b.x() - a.x()), abs(b.y() - a.y())) // 3))
        for k in range(1, steps + 1):
            p = a + (b - a) * (k / steps)
            self._hit(self.view.roll_event(p, ev.button, ev.modifiers))
        self.last = ev

    def release(self, ev: RollEvent) -> None:
        self.view.notes_item.set_erase_marks([])
        if self.marked:
            self.doc.push(RemoveNotes(self.state.current_track, sorted(self.marked), text="Erase notes"))

    def cancel(self) -> None:
        self.view.notes_item.set_erase_marks([])
