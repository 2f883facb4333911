"""Keeping the catalogue true to the folder: the ``.mid`` files are the truth.

``reconcile`` runs on every listing: a file without a row is catalogued from its contents (a
user may drop ``.mid`` files into the folder), a row without a file is dropped. ``open_checked``
runs once per library object: a database SQLite cannot read, or whose ``quick_check`` fails, is
moved aside (``library.sqlite.broken``) and a fresh one is made, which ``reconcile`` then fills
from the files (titles, styles and tags that only the database held are lost; the broken file
is kept for the curious).
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

from ..io.errors import MusicFileError, one_line
from ..io.midi import song_from_midi_bytes
from .entries import LibraryEntry, LibraryError, describe_song
from .store import INSERT_OR_IGNORE, Store, entry_row

BROKEN_SUFFIX = ".broken"
MIDI_SUFFIXES = (".mid", ".midi")


def content_digest(data: bytes) -> str:
    """What finds the same file imported twice."""
    return hashlib.sha1(data).hexdigest()


def midi_files(folder: Path) -> list[Path]:
    """The library's own .mid files (not hidden ones: those are half-written temp files)."""
    try:
        return sorted(p for p in folder.iterdir()
                      if p.suffix.lower() in MIDI_SUFFIXES and not p.name.startswith(".") and p.is_file())
    except OSError as exc:
        raise LibraryError(f"cannot read the library folder {folder}: {exc.strerror or exc}") from None


def catalogue(path: Path, data: bytes | None = None, title: str | None = None,
              source: str = "file") -> tuple[LibraryEntry, str]:
    """An entry for a MIDI file read from its contents, and the file's digest; raises
    ``MusicFileError`` for a file that is not MIDI or has no notes."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MusicFileError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    song = song_from_midi_bytes(data, path.stem, path.name)
    if song.note_count() == 0:
        raise MusicFileError(f"{path.name} has no notes")
    try:
        created = path.stat().st_mtime
    except OSError:
        created = 0.0
    entry = LibraryEntry(file=path.name, title=title or path.stem, source=source, created=created,
                         **describe_song(song))
    return entry, content_digest(data)


def reconcile(store: Store, folder: Path) -> str | None:
    """Bring the rows in line with the files; what could not be catalogued, for the user."""
    files = {p.name: p for p in midi_files(folder)}
    known = set(store.files())
    gone = known - files.keys()
    new = sorted(files.keys() - known)
    if not gone and not new:
        return None
    added, unreadable = [], []
    for name in new:
        try:
            added.append(catalogue(files[name]))
        except MusicFileError:
            unreadable.append(name)
    if gone or added:
        with store.write() as conn:
            conn.executemany("DELETE FROM clips WHERE file = ?", [(f,) for f in gone])
            conn.executemany(INSERT_OR_IGNORE, [entry_row(e, d) for e, d in added])
    if unreadable:
        return f"skipped unreadable file(s): {', '.join(unreadable[:3])}" + ("…" if len(unreadable) > 3 else "")
    return None


def open_checked(store: Store) -> str | None:
    """Open the database, making a fresh one if it is damaged; what was repaired, or None."""
    try:
        problem = store.quick_check()
    except sqlite3.DatabaseError as exc:
        problem = one_line(exc, 60)
    return None if problem is None else set_aside(store, problem)


def set_aside(store: Store, why: str) -> str:
    """Move the damaged database (and its journal files) aside and start an empty one."""
    store.close_all()
    path = store.path
    kept = path.with_name(path.name + BROKEN_SUFFIX)
    where = f"; the old one is kept as {kept.name}"
    try:
        os.replace(path, kept)
    except OSError:
        where = ""
        path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            try:
                os.replace(side, kept.with_name(kept.name + suffix))
            except OSError:
                side.unlink(missing_ok=True)
    store.connection()
    return f"the library database was damaged ({why}) and was rebuilt from the files{where}"
