"""Import a whole folder of MIDI into the library, with progress, cancel, and a report.

Each file is checked (size, readable MIDI, notes, not already in the library by content), then
copied byte for byte into the library folder and catalogued in its own transaction: a cancel
or a crash part-way leaves every file before it imported whole and nothing half-written. A
cancel raises ``core.cancel.Cancelled`` (the worker's quiet end); files already in stay.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..cancel import Cancelled
from ..io.errors import MusicFileError, one_line
from ..io.midi import song_from_midi_bytes
from .entries import LibraryEntry, LibraryError, describe_song
from .rebuild import MIDI_SUFFIXES, content_digest

if TYPE_CHECKING:
    from .library import MusicLibrary

MAX_FILE_BYTES = 4 * 1024 * 1024  # a melody or song is kilobytes; anything this big is not one
MAX_FILES = 100_000


@dataclass(frozen=True)
class Skipped:
    path: str  # relative to the imported folder
    reason: str


@dataclass
class ImportReport:
    folder: str
    added: list[LibraryEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        skipped = f", skipped {len(self.skipped)}" if self.skipped else ""
        return f"Imported {len(self.added)} file(s) from {self.folder}{skipped}"


def candidates(folder: Path) -> list[Path]:
    """Every file under ``folder`` (hidden files and folders left out), in a stable order."""
    out: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
        if len(out) > MAX_FILES:
            raise LibraryError(f"{folder} holds more than {MAX_FILES:,} files; import a smaller folder")
    return out


def import_folder(library: "MusicLibrary", folder: str | os.PathLike,
                  progress: Callable[[float, float], None] | None = None,
                  cancel: threading.Event | None = None) -> ImportReport:
    folder = Path(folder)
    if not folder.is_dir():
        raise LibraryError(f"{folder} is not a folder")
    if folder.resolve() == library.folder.resolve():
        raise LibraryError("that is the library's own folder; its files are in the library already")
    paths = candidates(folder)
    report = ImportReport(str(folder))
    seen: dict[str, str] = {}  # digest → the path imported with it in this run
    for i, path in enumerate(paths):
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if progress is not None:
            progress(i, len(paths))  # raises Cancelled when the worker was cancelled
        rel = str(path.relative_to(folder))
        reason = _import_one(library, path, rel, report, seen)
        if reason:
            report.skipped.append(Skipped(rel, reason))
    if progress is not None:
        progress(len(paths), len(paths))
    return report


def _import_one(library: "MusicLibrary", path: Path, rel: str, report: ImportReport,
                seen: dict[str, str]) -> str | None:
    """Import one file; why it was skipped, or None."""
    if path.suffix.lower() not in MIDI_SUFFIXES:
        return f"not a MIDI file ({path.suffix or 'no extension'})"
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return f"too large ({size / 1e6:.1f} MB; at most {MAX_FILE_BYTES // 2**20} MB)"
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    digest = content_digest(data)
    if digest in seen:
        return f"the same file as {seen[digest]}"
    there = library.has_digest(digest)
    if there is not None:
        return f"already in the library as {there}"
    try:
        song = song_from_midi_bytes(data, path.stem, rel)
    except MusicFileError as exc:
        return f"not readable MIDI ({one_line(exc, 80)})"
    if song.note_count() == 0:
        return "has no notes"
    entry = library.add_file(data, path.stem, source="import", described=describe_song(song))
    seen[digest] = rel
    report.added.append(entry)
    return None
