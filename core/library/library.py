"""The user's music library: saved clips and songs as real ``.mid`` files in one folder, and a
SQLite catalogue (``library.sqlite``, see ``store``) holding what a listing needs without
opening every file, what MIDI cannot hold (style, tags, source, favourite), and each clip's
latents for "More like this".

The ``.mid`` files are the truth; the database is their catalogue. Changes that touch files
(add, rename, delete) hold a lock (threads, and other app instances where the OS has ``flock``)
and change the rows in one transaction; changes of metadata are a transaction alone. A file is
written in full (temp file + rename) before its row exists, so a crash leaves at worst a file
without a row, which the next listing catalogues. On every listing the rows are reconciled with
the folder; an old ``library.json`` is imported once; a damaged database is rebuilt from the
files (``rebuild``).
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from ..io.midi import read_midi, song_to_midi_bytes
from ..song import Song
from .catalogue import Catalogue
from .entries import LibraryEntry, LibraryError, Listing, Query, describe_song, normalize_tags, sanitize_title
from .migrate import import_json_index
from .rebuild import content_digest, midi_files, open_checked, reconcile, set_aside
from .similar import LatentIndex
from .store import DB_NAME, Store

LOCK_NAME = ".library.lock"


def _join(*problems: str | None) -> str | None:
    found = [p for p in problems if p]
    return "; ".join(found) if found else None


class MusicLibrary:
    """A library folder. Methods are safe to call from worker threads; each returns fresh data."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self._lock = threading.RLock()
        self._held = threading.local()
        self._store: Store | None = None
        self._problem: str | None = None  # found on opening; told by the next listing
        self._indexes: dict[str, LatentIndex] = {}
        self._catalogue: Catalogue | None = None
        self._alignment: tuple[Catalogue, LatentIndex, np.ndarray] | None = None
        self._index_lock = threading.Lock()

    @property
    def db_path(self) -> Path:
        return self.folder / DB_NAME

    def path_of(self, file: str) -> Path:
        return self.folder / Path(file).name

    # ---- the database ------------------------------------------------------------------------
    def _db(self) -> Store:
        """The store, opened once per library object: checked (rebuilt if damaged), the old
        JSON index imported, and the rows reconciled with the folder."""
        if self._store is not None:
            return self._store
        with self._locked():
            if self._store is None:
                store = Store(self.db_path)
                problems = [open_checked(store), import_json_index(store, self.folder)]
                problems.append(reconcile(store, self.folder))
                self._problem = _join(*problems)
                self._store = store
        return self._store

    # ---- reading -----------------------------------------------------------------------------
    def listing(self) -> Listing:
        """All entries, reconciled with the folder (and the database repaired if it needed it)."""
        store = self._db()
        with self._locked():
            problem, self._problem = self._problem, None
            try:
                found = reconcile(store, self.folder)
            except sqlite3.DatabaseError as exc:  # damaged since it was opened
                problem = _join(problem, set_aside(store, str(exc)[:60]))
                found = reconcile(store, self.folder)
            return Listing(list(self._cached(store).entries), _join(problem, found))

    def entries(self) -> list[LibraryEntry]:
        return self.listing().entries

    def entry(self, file: str) -> LibraryEntry:
        found = self._db().entry(file)
        if found is None or not self.path_of(file).is_file():
            raise LibraryError(f"“{file}” is no longer in the library")
        return found

    def search(self, text: str = "", tag: str | None = None, style: str | None = None,
               favourites: bool = False, key: str | None = None, limit: int | None = None) -> list[LibraryEntry]:
        """The catalogue's entries that match (kept in memory: fast on a large library)."""
        return self._cached(self._db()).search(Query(text, tag, style, favourites, key), limit)

    def load(self, file: str) -> Song:
        """The saved song, titled as in the library."""
        path = self.path_of(file)
        if not path.is_file():
            raise LibraryError(f"“{file}” is no longer in the library folder {self.folder}")
        song = read_midi(path)
        entry = self._db().entry(path.name)
        song.title = entry.title if entry is not None else path.stem
        return song

    # ---- changing ----------------------------------------------------------------------------
    def add(self, song: Song, title: str, style: str = "", tags: str | Iterable[str] = (), source: str = "song",
            favourite: bool = False) -> LibraryEntry:
        """Save ``song`` as a new .mid named after ``title`` (made unique) and catalogue it."""
        if song.note_count() == 0:
            raise LibraryError("nothing to save: there are no notes")
        title = (title or "").strip() or "Untitled"
        song = song.copy()
        song.title = title
        return self.add_file(song_to_midi_bytes(song), title, style=style, tags=tags, source=source,
                             favourite=favourite, described=describe_song(song))

    def add_file(self, data: bytes, title: str, style: str = "", tags: str | Iterable[str] = (),
                 source: str = "import", favourite: bool = False, described: dict | None = None,
                 created: float | None = None) -> LibraryEntry:
        """Keep MIDI bytes as they are (an import loses nothing) under a name from ``title``;
        ``described`` is ``describe_song`` of their song."""
        store = self._db()
        with self._locked():
            path = self._write_new(sanitize_title(title), data)
            entry = LibraryEntry(file=path.name, title=title, style=style.strip(), tags=normalize_tags(tags),
                                 source=source, created=time.time() if created is None else created,
                                 favourite=favourite, **(described or {}))
            try:
                with store.write() as conn:
                    store.insert(conn, entry, content_digest(data))
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        return entry

    def rename(self, file: str, title: str) -> LibraryEntry:
        """New title; the file is renamed to match (its id changes: use the returned entry)."""
        title = (title or "").strip()
        if not title:
            raise LibraryError("a library entry needs a name")
        store = self._db()
        with self._locked():
            old = self._find(store, file)
            stem = sanitize_title(title)
            new_file = old.file
            if stem != Path(old.file).stem:
                new_file = self._move_to_free_name(self.path_of(old.file), stem).name
            new = replace(old, file=new_file, title=title)
            try:
                with store.write() as conn:
                    store.replace(conn, old.file, new)
            except BaseException:
                if new_file != old.file:
                    os.replace(self.path_of(new_file), self.path_of(old.file))
                raise
        return new

    def set_tags(self, file: str, tags: str | Iterable[str]) -> LibraryEntry:
        return self._update(file, tags=normalize_tags(tags))

    def set_style(self, file: str, style: str) -> LibraryEntry:
        return self._update(file, style=style.strip())

    def set_favourite(self, file: str, favourite: bool) -> LibraryEntry:
        return self._update(file, favourite=bool(favourite))

    def delete(self, file: str) -> None:
        """Remove the entry (with its latents) and its .mid file."""
        store = self._db()
        with self._locked(), store.write() as conn:
            old = self._find(store, file, conn)
            conn.execute("DELETE FROM clips WHERE file = ?", (old.file,))
            try:
                self.path_of(old.file).unlink(missing_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot delete {old.file}: {exc.strerror or exc}") from None

    def _update(self, file: str, **changes) -> LibraryEntry:
        """One metadata change as one transaction: two writers to the same clip both land, whole."""
        store = self._db()
        with store.write() as conn:
            new = replace(self._find(store, file, conn), **changes)
            store.replace(conn, file, new)
        return new

    @staticmethod
    def _find(store: Store, file: str, conn=None) -> LibraryEntry:
        found = store.entry(file, conn)
        if found is None:
            raise LibraryError(f"“{file}” is no longer in the library")
        return found

    # ---- latents and "More like this" ---------------------------------------------------------
    def set_latent(self, file: str, model: str, vector: np.ndarray) -> None:
        """Store ``file``'s latent under ``model`` (a registry key such as "vae"), as float32."""
        v = np.asarray(vector, dtype=np.float32).reshape(-1)
        if v.size == 0 or not np.all(np.isfinite(v)):
            raise LibraryError("a latent must be a non-empty vector of finite numbers")
        self._db().set_latent(file, model, v)

    def latent(self, file: str, model: str) -> np.ndarray | None:
        return self._db().latent(file, model)

    def missing_latents(self, model: str) -> list[str]:
        """The files that have no latent of ``model`` (those it cannot encode included)."""
        return self._db().missing_latents(model)

    def latents_to_compute(self, model: str) -> list[str]:
        """What the background job computes: the files without a latent of ``model``, less those
        marked as it cannot encode them (``skip_latent``) whose file has not changed since."""
        store = self._db()
        skips = store.latent_skips(model)
        return [f for f in store.missing_latents(model) if f not in skips or skips[f][0] != self._stamp(f)]

    def skip_latent(self, file: str, model: str, why: str) -> None:
        """Mark ``file`` as one ``model`` cannot encode (``why``, for the user): the background job
        leaves it alone until the file changes. Storing its latent clears the mark."""
        stamp = self._stamp(file)
        if stamp is not None:
            self._db().skip_latent(file, model, stamp, why)

    def latent_skips(self, model: str) -> dict[str, str]:
        """file → why, for the clips marked as ``model`` cannot encode them."""
        return {f: why for f, (_, why) in self._db().latent_skips(model).items()}

    def _stamp(self, file: str) -> str | None:
        """What tells that a file changed: its size and modification time (None: it is gone)."""
        try:
            st = self.path_of(file).stat()
        except (OSError, LibraryError):
            return None
        return f"{st.st_size}:{st.st_mtime_ns}"

    def similar(self, query: np.ndarray | str, model: str = "vae", k: int = 10, style: str | None = None,
                key: str | None = None, tags: str | Iterable[str] | None = ()) -> list[tuple[LibraryEntry, float]]:
        """The ``k`` clips whose ``model`` latents are nearest ``query`` by cosine similarity, best
        first, among those of ``style``/``key`` with every one of ``tags`` when given. ``query``
        is a latent or a library file's name (that file is never in the answer)."""
        store = self._db()
        exclude = None
        if isinstance(query, str):
            self._find(store, query)
            vector = store.latent(query, model)
            if vector is None:
                raise LibraryError(f"“{query}” has no {model} latent yet (they are computed in the background)")
            exclude = query
        else:
            vector = np.asarray(query, dtype=np.float32)
        tag_list = normalize_tags(tags or ())  # a str is one comma-separated list
        index = self._latent_index(store, model)
        keep = None
        if style or key or tag_list:
            catalogue = self._cached(store)
            wanted = catalogue.mask(Query(style=style or None, key=key or None)) & catalogue.with_tags(tag_list)
            rows = self._aligned(catalogue, index)[wanted]
            keep = np.zeros(len(index.files), dtype=bool)
            keep[rows[rows >= 0]] = True
        hits = index.nearest(vector, int(k), keep, exclude)
        found = store.entries_by_file([f for f, _ in hits])
        return [(found[f], s) for f, s in hits if f in found]

    def _cached(self, store: Store) -> Catalogue:
        """The catalogue in memory, reloaded when the clips changed (here or in another instance)."""
        with self._index_lock:
            if self._catalogue is None or self._catalogue.rev != store.clips_rev():
                self._catalogue = Catalogue.load(*store.catalogue_rows())
            return self._catalogue

    def _aligned(self, catalogue: Catalogue, index: LatentIndex) -> np.ndarray:
        """The latent row of each catalogue entry (-1: none), kept while neither changes."""
        with self._index_lock:
            if self._alignment is None or self._alignment[0] is not catalogue or self._alignment[1] is not index:
                self._alignment = (catalogue, index, index.align([e.file for e in catalogue.entries]))
            return self._alignment[2]

    def _latent_index(self, store: Store, model: str) -> LatentIndex:
        with self._index_lock:
            rev = store.latent_rev()
            index = self._indexes.get(model)
            if index is None or index.rev != rev:
                files, matrix = store.all_latents(model)
                index = self._indexes[model] = LatentIndex.build(rev, files, matrix)
            return index

    def import_folder(self, folder: str | os.PathLike, progress: Callable[[float, float], None] | None = None,
                      cancel: threading.Event | None = None):
        """Import every MIDI file under ``folder`` (see ``folder_import``)."""
        from .folder_import import import_folder  # noqa: PLC0415 - it imports this module

        return import_folder(self, folder, progress, cancel)

    def has_digest(self, digest: str) -> str | None:
        """The file already holding these exact bytes, if any."""
        return self._db().file_with_digest(digest)

    # ---- internals ---------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's threads one at a time, and (where the OS has ``flock``) other app
        instances too. Re-entrant within a thread (a second ``flock`` on a fresh descriptor
        would wait for itself)."""
        with self._lock:
            depth = getattr(self._held, "depth", 0)
            if depth:
                self._held.depth = depth + 1
                try:
                    yield
                finally:
                    self._held.depth = depth
                return
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot create the library folder {self.folder}: {exc.strerror or exc}") from None
            self._held.depth = 1
            try:
                try:
                    import fcntl
                except ImportError:  # Windows: SQLite's own locking still keeps the rows whole
                    yield
                    return
                with open(self.folder / LOCK_NAME, "a+b") as fh:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
                    try:
                        yield
                    finally:
                        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            finally:
                self._held.depth = 0

    def _midi_files(self) -> list[Path]:
        return midi_files(self.folder)

    def _write_new(self, stem: str, data: bytes) -> Path:
        """Write ``data`` under the first free name ``stem.mid``, ``stem (2).mid``, … without
        ever replacing an existing file (another instance may be saving the same name)."""
        fd, tmp = tempfile.mkstemp(prefix=".new.", suffix=".part", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            return self._move_to_free_name(Path(tmp), stem)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def _move_to_free_name(self, src: Path, stem: str) -> Path:
        """Give ``src`` the first free name for ``stem``; a hard link claims a name atomically."""
        taken = {p.name.lower() for p in self.folder.iterdir() if p.name != src.name}
        for n in range(1, 10_000):
            target = self.folder / (f"{stem}.mid" if n == 1 else f"{stem} ({n}).mid")
            if target.name.lower() in taken:
                continue
            try:
                os.link(src, target)
            except FileExistsError:
                continue
            except OSError:  # no hard links here (some file systems): a plain rename, checked first
                if target.exists():
                    continue
                os.replace(src, target)
                return target
            src.unlink()
            return target
        raise LibraryError(f"too many library files named {stem}")
