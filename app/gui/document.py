"""The open document: the Song, where it lives on disk, its undo stack and modified state.

Every edit goes through ``Document.push(core_command)``. Views never change the Song directly;
they listen to ``changed(ChangeSet)`` and ``songReplaced``. The modified flag is tracked against
the undo index at the last save (not QUndoStack's clean state) so a save that runs in a worker
while the user keeps editing is recorded exactly.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from latentroll.core.commands import Command
from latentroll.core.song import KeySignature, Song, TempoChange, TimeSignature, Track

from .undo import ChangeSet, CoreUndoCommand

PROJECT_SUFFIX = ".lrproj"
DEFAULT_TITLE = "Untitled"  # a new song's title, until it is saved under a name


def new_song() -> Song:
    """What File ▸ New gives: one piano track, 120 BPM, 4/4, C major."""
    return Song(
        title=DEFAULT_TITLE,
        tracks=[Track(name="Piano", program=0, channel=0)],
        tempos=[TempoChange(0, 120.0)],
        time_signatures=[TimeSignature(0, 4, 4)],
        keys=[KeySignature(0, 0, "major")],
    )


class Document(QObject):
    changed = Signal(object)  # ChangeSet
    songReplaced = Signal()
    modifiedChanged = Signal(bool)
    pathChanged = Signal(object)  # Path | None

    def __init__(self, song: Song | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.song: Song = song if song is not None else new_song()
        self.path: Path | None = None
        self.source_name: str | None = None  # file name an imported (non-project) file came from
        # a track's short name → the whole name of the clip it was made from (its tooltip)
        self.track_origins: dict[str, str] = {}
        self.undo_stack = QUndoStack(self)
        self.serial = 0  # bumps on every change: autosave and save use it to spot edits
        self._saved_index = 0
        self._modified = False
        self.undo_stack.indexChanged.connect(self._refresh_modified)

    # ---- edits -------------------------------------------------------------------------
    def push(self, command: Command) -> Command:
        """Apply ``command`` and put it on the undo stack; CommandError propagates untouched."""
        command.apply(self.song)
        self.undo_stack.push(CoreUndoCommand(self, command, already_applied=True))
        return command

    def notify(self, changes: ChangeSet) -> None:
        self.serial += 1
        self.changed.emit(changes)
        self._refresh_modified()

    def merged_into_top(self) -> None:
        """A drag merged into the top command: if that was the saved state, it no longer is."""
        if self.undo_stack.index() == self._saved_index:
            self._saved_index = -1
        self._refresh_modified()

    # ---- whole-document changes --------------------------------------------------------
    def replace(self, song: Song, path: Path | None = None, source_name: str | None = None,
                modified: bool = False) -> None:
        """Load another song: clears the undo history."""
        self.undo_stack.clear()
        self.song = song
        self.serial += 1
        self._saved_index = -1 if modified else self.undo_stack.index()
        self.set_path(path)
        self.source_name = source_name
        self.track_origins.clear()
        self.songReplaced.emit()
        self._refresh_modified()

    def set_path(self, path: Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self.pathChanged.emit(self.path)

    # ---- saved state -------------------------------------------------------------------
    def save_marker(self) -> tuple[int, int]:
        """Take before a save starts; hand back to ``mark_saved`` when it succeeded."""
        return self.undo_stack.index(), self.serial

    def mark_saved(self, marker: tuple[int, int], path: Path | None = None) -> None:
        index, serial = marker
        if path is not None:
            self.set_path(path)
        # If the user edited while the save ran, the saved state is an older one.
        self._saved_index = index if serial == self.serial else -1
        self._refresh_modified()

    @property
    def modified(self) -> bool:
        return self._modified

    def _refresh_modified(self, *_args) -> None:
        modified = self.undo_stack.index() != self._saved_index
        if modified != self._modified:
            self._modified = modified
            self.modifiedChanged.emit(modified)

    @property
    def display_name(self) -> str:
        if self.path is not None:
            return self.path.name
        if self.source_name:
            return self.source_name
        return self.song.title or "Untitled"

    def suggested_project_path(self, folder: Path) -> Path:
        stem = Path(self.display_name).stem or "Untitled"
        return folder / f"{stem}{PROJECT_SUFFIX}"
