"""Editing state shared by the piano roll, track list and transport (not part of the Song).

The current track, the selected note rows, the tool, the snap grid, the loop region and the
playhead. Views subscribe to its signals; it keeps the selection valid when the Song changes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from latentroll.core.song import PPQ
from latentroll.core.theory import SCALE_STEPS, Scale, key_to_scale
from latentroll.core.timing import GRIDS, grid_ticks

from .document import Document
from .undo import ChangeSet

TOOLS = ("draw", "select", "erase")


@dataclass(frozen=True)
class ViewOptions:
    ghost_notes: bool = True
    scale_highlight: bool = True
    follow_playhead: bool = True


class EditorState(QObject):
    trackChanged = Signal(int)
    selectionChanged = Signal()
    toolChanged = Signal(str)
    gridChanged = Signal(str)
    viewOptionsChanged = Signal()
    loopChanged = Signal()
    playheadChanged = Signal(int)
    seekRequested = Signal(int)  # the user moved the playhead (ruler click, Home key)
    scaleChanged = Signal()
    revealRequested = Signal(int, int)  # show this tick span in the piano roll (what was just inserted)

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.current_track = 0
        self.selection = np.zeros(0, dtype=np.int64)
        self.tool = "draw"
        self.grid = "1/16"
        self.view = ViewOptions()
        self.loop_start = 0
        self.loop_end = 4 * 4 * PPQ
        self.loop_enabled = False
        self.playhead = 0
        self.scale_mode: str | None = None  # None: follow the song's key (major/minor)
        self.last_length = PPQ // 2  # length of the next drawn note (the last one drawn or resized)
        document.changed.connect(self._on_doc_changed)
        document.songReplaced.connect(self._on_song_replaced)

    # ---- tracks and selection ----------------------------------------------------------
    @property
    def track(self):
        tracks = self.document.song.tracks
        return tracks[self.current_track] if 0 <= self.current_track < len(tracks) else None

    def set_current_track(self, index: int) -> None:
        n = len(self.document.song.tracks)
        index = min(max(index, 0), max(n - 1, 0))
        if index != self.current_track:
            self.current_track = index
            self._set_selection(np.zeros(0, dtype=np.int64), emit=False)
            self.trackChanged.emit(index)
            self.selectionChanged.emit()

    def set_selection(self, rows) -> None:
        self._set_selection(rows)

    def _set_selection(self, rows, emit: bool = True) -> None:
        n = len(self.track) if self.track is not None else 0
        arr = np.unique(np.asarray(rows, dtype=np.int64))
        arr = arr[(arr >= 0) & (arr < n)]
        if np.array_equal(arr, self.selection):
            return
        self.selection = arr
        if emit:
            self.selectionChanged.emit()

    def select_all(self) -> None:
        self.set_selection(np.arange(len(self.track)) if self.track is not None else [])

    def clear_selection(self) -> None:
        self.set_selection([])

    def selected_or_all(self) -> np.ndarray:
        """The rows an edit applies to: the selection, or the whole track when nothing is selected."""
        if len(self.selection) or self.track is None:
            return self.selection
        return np.arange(len(self.track), dtype=np.int64)

    def _on_doc_changed(self, changes: ChangeSet) -> None:
        if changes.tracks:
            n = len(self.document.song.tracks)
            if self.current_track >= n:
                self.current_track = max(n - 1, 0)
                self.trackChanged.emit(self.current_track)
            self._set_selection([])
        elif self.current_track in changes.rows:
            self._set_selection([])  # rows shifted: old indices would point at other notes
        elif self.current_track in changes.notes:
            self._set_selection(self.selection)
        if changes.maps:
            self.scaleChanged.emit()

    def _on_song_replaced(self) -> None:
        self.current_track = 0
        self.selection = np.zeros(0, dtype=np.int64)
        self.playhead = 0
        self.trackChanged.emit(0)
        self.selectionChanged.emit()
        self.playheadChanged.emit(0)
        self.scaleChanged.emit()

    # ---- tools, grid, options ----------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}")
        if tool != self.tool:
            self.tool = tool
            self.toolChanged.emit(tool)

    def set_grid(self, name: str) -> None:
        grid_ticks(name)  # validates
        if name != self.grid:
            self.grid = name
            self.gridChanged.emit(name)

    @property
    def grid_ticks(self) -> int:
        return GRIDS[self.grid]

    def set_view_options(self, **changes) -> None:
        new = replace(self.view, **changes)
        if new != self.view:
            self.view = new
            self.viewOptionsChanged.emit()

    # ---- scale highlighting ------------------------------------------------------------
    @property
    def scale(self) -> Scale:
        key = self.document.song.key
        if self.scale_mode is None:
            return key_to_scale(key.tonic, key.mode)
        return Scale(key.tonic, self.scale_mode)

    def set_scale_mode(self, mode: str | None) -> None:
        if mode is not None and mode not in SCALE_STEPS:
            raise ValueError(f"unknown scale {mode!r}")
        if mode != self.scale_mode:
            self.scale_mode = mode
            self.scaleChanged.emit()

    # ---- loop and playhead -------------------------------------------------------------
    def set_loop(self, start: int, end: int, enabled: bool | None = None) -> None:
        start, end = sorted((max(0, int(start)), max(0, int(end))))
        if end - start < 1:
            return
        changed = (start, end) != (self.loop_start, self.loop_end)
        self.loop_start, self.loop_end = start, end
        if enabled is not None and enabled != self.loop_enabled:
            self.loop_enabled = enabled
            changed = True
        if changed:
            self.loopChanged.emit()

    def set_loop_enabled(self, enabled: bool) -> None:
        if enabled != self.loop_enabled:
            self.loop_enabled = enabled
            self.loopChanged.emit()

    def request_reveal(self, start: int, end: int) -> None:
        """Ask the piano roll to scroll to notes just put in from elsewhere (a panel's Accept),
        which may lie off screen."""
        self.revealRequested.emit(int(start), int(max(end, start)))

    def request_seek(self, tick: int) -> None:
        self.set_playhead(tick)
        self.seekRequested.emit(self.playhead)

    def set_playhead(self, tick: int) -> None:
        tick = max(0, int(tick))
        if tick != self.playhead:
            self.playhead = tick
            self.playheadChanged.emit(tick)
