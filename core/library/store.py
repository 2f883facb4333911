"""The library's catalogue in SQLite (``library.sqlite`` beside the ``.mid`` files).

Why SQLite: one file that a crash never leaves half-written (WAL journal, every change in a
transaction), that two app instances can share (``BEGIN IMMEDIATE`` and a busy timeout
serialise writers), and whose change counters (``clips_rev``, ``latent_rev``, bumped by triggers)
tell every instance when its in-memory catalogue or latent matrix is stale. The schema has a version (``PRAGMA user_version``); ``MIGRATIONS[i]`` brings version
``i`` to ``i + 1`` inside one transaction, so an older library opens in a newer app.

Each thread gets its own connection (sqlite3 connections are not shared across threads); the
store keeps them all so a rebuild can close them.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from .entries import LibraryEntry, LibraryError

DB_NAME = "library.sqlite"
BUSY_TIMEOUT_S = 30.0

MIGRATIONS: tuple[str, ...] = (
    # 0 → 1: clips with their metadata and search columns; latents per model; a change counter
    # for latents (bumped by triggers, so a cached matrix knows when it is stale).
    """
    CREATE TABLE clips (
        file TEXT PRIMARY KEY, title TEXT NOT NULL, style TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]', source TEXT NOT NULL DEFAULT 'file', bars INTEGER NOT NULL DEFAULT 0,
        key TEXT NOT NULL DEFAULT '', meter TEXT NOT NULL DEFAULT '4/4', tempo REAL NOT NULL DEFAULT 120,
        notes INTEGER NOT NULL DEFAULT 0, tracks INTEGER NOT NULL DEFAULT 1, created REAL NOT NULL DEFAULT 0,
        favourite INTEGER NOT NULL DEFAULT 0, digest TEXT NOT NULL DEFAULT '',
        haystack TEXT NOT NULL DEFAULT '', style_lc TEXT NOT NULL DEFAULT '', key_lc TEXT NOT NULL DEFAULT '',
        tags_lc TEXT NOT NULL DEFAULT '');
    CREATE INDEX clips_style ON clips(style_lc);
    CREATE INDEX clips_key ON clips(key_lc);
    CREATE INDEX clips_digest ON clips(digest);
    CREATE TABLE latents (
        file TEXT NOT NULL REFERENCES clips(file) ON DELETE CASCADE ON UPDATE CASCADE,
        model TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (file, model));
    CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    INSERT INTO meta VALUES ('latent_rev', 0);
    CREATE TRIGGER latents_ins AFTER INSERT ON latents BEGIN
        UPDATE meta SET value = value + 1 WHERE name = 'latent_rev'; END;
    CREATE TRIGGER latents_upd AFTER UPDATE ON latents BEGIN
        UPDATE meta SET value = value + 1 WHERE name = 'latent_rev'; END;
    CREATE TRIGGER latents_del AFTER DELETE ON latents BEGIN
        UPDATE meta SET value = value + 1 WHERE name = 'latent_rev'; END;
    """,
    # 1 → 2: a change counter for the clips too (the library keeps its catalogue in memory for
    # fast searches, and reloads it when this moved).
    """
    INSERT INTO meta VALUES ('clips_rev', 0);
    CREATE TRIGGER clips_ins AFTER INSERT ON clips BEGIN
        UPDATE meta SET value = value + 1 WHERE name = 'clips_rev'; END;
    CREATE TRIGGER clips_upd AFTER UPDATE ON clips BEGIN
        UPDATE meta SET value = value + 1 WHERE name = 'clips_rev'; END;
    CREATE TRIGGER clips_del AFTER DELETE ON clips BEGIN
        UPDATE meta SET value = value + 1 WHERE name = 'clips_rev'; END;
    """,
    # 2 → 3: clips a model cannot encode (drums only, no notes in the first two bars), with the
    # file's stamp when it failed: the background job skips them until the file changes.
    """
    CREATE TABLE latent_skips (
        file TEXT NOT NULL REFERENCES clips(file) ON DELETE CASCADE ON UPDATE CASCADE,
        model TEXT NOT NULL, stamp TEXT NOT NULL, why TEXT NOT NULL DEFAULT '', PRIMARY KEY (file, model));
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = ("file", "title", "style", "tags", "source", "bars", "key", "meter", "tempo", "notes", "tracks",
            "created", "favourite")
SELECT = f"SELECT {', '.join(_COLUMNS)} FROM clips"
INSERT = (f"INSERT INTO clips ({', '.join(_COLUMNS)}, digest, haystack, style_lc, key_lc, tags_lc) "
           f"VALUES ({', '.join('?' * (len(_COLUMNS) + 5))})")
INSERT_OR_IGNORE = INSERT.replace("INSERT INTO", "INSERT OR IGNORE INTO", 1)


def tags_key(tags: Iterable[str]) -> str:
    """Tags as one lower-case string where ``\\n<tag>\\n`` finds a whole tag."""
    return "\n" + "\n".join(t.lower() for t in tags) + "\n"


def entry_row(e: LibraryEntry, digest: str = "") -> tuple:
    """The INSERT parameters of an entry: its fields, then the search columns."""
    return (e.file, e.title, e.style, json.dumps(list(e.tags), ensure_ascii=False), e.source, e.bars, e.key, e.meter,
            e.tempo, e.notes, e.tracks, e.created, int(e.favourite), digest, e.haystack, e.style.lower(),
            e.key.lower(), tags_key(e.tags))


def row_entry(row: Sequence) -> LibraryEntry:
    (file, title, style, tags, source, bars, key, meter, tempo, notes, tracks, created, favourite) = row
    return LibraryEntry(file=file, title=title, style=style, tags=tuple(json.loads(tags)), source=source,
                        bars=int(bars), key=key, meter=meter, tempo=float(tempo), notes=int(notes),
                        tracks=int(tracks), created=float(created), favourite=bool(favourite))


class Store:
    """The database file: connections per thread, transactions, schema migrations."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._generation = 0

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened, and the schema brought up to date, on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.generation == self._generation:
            return conn
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # a file system without shared memory: the rollback journal still keeps it whole
                conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        with self._guard:
            self._all.append(conn)
        self._local.conn, self._local.generation = conn, self._generation
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LibraryError(f"the library database {self.path.name} was made by a newer LatentRoll "
                               f"(schema {version}, this app knows {SCHEMA_VERSION})")
        if version == SCHEMA_VERSION:
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]  # another instance may have migrated
            for step in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[step]):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def quick_check(self) -> str | None:
        """None when the file is sound, else what SQLite found wrong (raises ``DatabaseError``
        when it is not a database at all)."""
        rows = self.connection().execute("PRAGMA quick_check").fetchall()
        found = [str(r[0]) for r in rows]
        return None if found == ["ok"] else "; ".join(found[:3])

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or (on any exception, a kill included) none."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close_all(self) -> None:
        """Close every thread's connection (before the file is moved aside)."""
        with self._guard:
            conns, self._all = self._all, []
            self._generation += 1
        for c in conns:
            try:
                c.close()
            except sqlite3.Error:
                pass

    # ---- queries ---------------------------------------------------------------------------
    def files(self) -> list[str]:
        return [r[0] for r in self.connection().execute("SELECT file FROM clips")]

    def entry(self, file: str, conn: sqlite3.Connection | None = None) -> LibraryEntry | None:
        row = (conn or self.connection()).execute(f"{SELECT} WHERE file = ?", (file,)).fetchone()
        return None if row is None else row_entry(row)

    def entries_by_file(self, files: Sequence[str]) -> dict[str, LibraryEntry]:
        out: dict[str, LibraryEntry] = {}
        conn = self.connection()
        for i in range(0, len(files), 500):
            chunk = list(files[i:i + 500])
            sql = f"{SELECT} WHERE file IN ({', '.join('?' * len(chunk))})"
            out.update((r[0], row_entry(r)) for r in conn.execute(sql, chunk))
        return out

    def insert(self, conn: sqlite3.Connection, entry: LibraryEntry, digest: str = "") -> None:
        conn.execute(INSERT, entry_row(entry, digest))

    def replace(self, conn: sqlite3.Connection, old_file: str, entry: LibraryEntry) -> None:
        """Rewrite a row (its file may change: the latents follow by ON UPDATE CASCADE)."""
        row = entry_row(entry)
        sets = ", ".join(f"{c} = ?" for c in (*_COLUMNS, "haystack", "style_lc", "key_lc", "tags_lc"))
        conn.execute(f"UPDATE clips SET {sets} WHERE file = ?", (*row[:len(_COLUMNS)], *row[-4:], old_file))

    def file_with_digest(self, digest: str) -> str | None:
        row = self.connection().execute("SELECT file FROM clips WHERE digest = ? LIMIT 1", (digest,)).fetchone()
        return None if row is None else row[0]

    def catalogue_rows(self) -> tuple[int, list[tuple]]:
        """The clips' revision and every row with its search columns, read as one snapshot."""
        conn = self.connection()
        conn.execute("BEGIN")
        try:
            rev = self._rev(conn, "clips_rev")
            rows = conn.execute(f"SELECT {', '.join(_COLUMNS)}, haystack, style_lc, key_lc, tags_lc FROM clips "
                                "ORDER BY rowid").fetchall()
        finally:
            conn.execute("COMMIT")
        return rev, rows

    def clips_rev(self) -> int:
        return self._rev(self.connection(), "clips_rev")

    @staticmethod
    def _rev(conn: sqlite3.Connection, name: str) -> int:
        return int(conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()[0])

    # ---- latents -----------------------------------------------------------------------------
    def latent_rev(self) -> int:
        return self._rev(self.connection(), "latent_rev")

    def set_latent(self, file: str, model: str, vector: np.ndarray) -> None:
        blob = np.ascontiguousarray(vector, dtype=np.float32).tobytes()
        with self.write() as conn:
            if conn.execute("SELECT 1 FROM clips WHERE file = ?", (file,)).fetchone() is None:
                raise LibraryError(f"“{file}” is no longer in the library")
            conn.execute("INSERT OR REPLACE INTO latents (file, model, vector) VALUES (?, ?, ?)", (file, model, blob))
            conn.execute("DELETE FROM latent_skips WHERE file = ? AND model = ?", (file, model))

    def skip_latent(self, file: str, model: str, stamp: str, why: str) -> None:
        """Mark ``file`` as one ``model`` cannot encode while its file keeps ``stamp`` (nothing
        when the clip left the library meanwhile)."""
        with self.write() as conn:
            if conn.execute("SELECT 1 FROM clips WHERE file = ?", (file,)).fetchone() is not None:
                conn.execute("INSERT OR REPLACE INTO latent_skips (file, model, stamp, why) VALUES (?, ?, ?, ?)",
                             (file, model, stamp, why))

    def latent_skips(self, model: str) -> dict[str, tuple[str, str]]:
        """file → (stamp, why) of the clips marked as ``model`` cannot encode them."""
        rows = self.connection().execute("SELECT file, stamp, why FROM latent_skips WHERE model = ?", (model,))
        return {f: (stamp, why) for f, stamp, why in rows}

    def latent(self, file: str, model: str) -> np.ndarray | None:
        row = self.connection().execute("SELECT vector FROM latents WHERE file = ? AND model = ?",
                                        (file, model)).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.float32).copy()

    def missing_latents(self, model: str) -> list[str]:
        sql = ("SELECT file FROM clips WHERE file NOT IN (SELECT file FROM latents WHERE model = ?) "
               "ORDER BY rowid")
        return [r[0] for r in self.connection().execute(sql, (model,))]

    def all_latents(self, model: str) -> tuple[list[str], np.ndarray]:
        """Every stored latent of ``model``: the files and an (n, d) float32 matrix."""
        rows = self.connection().execute("SELECT file, vector FROM latents WHERE model = ? ORDER BY file",
                                         (model,)).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        sizes = {len(r[1]) for r in rows}
        if len(sizes) != 1:
            raise LibraryError(f"the stored {model} latents have different sizes; recompute them")
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1)
        return [r[0] for r in rows], matrix


def _statements(script: str) -> list[str]:
    """A migration script split into statements (``executescript`` would commit mid-migration)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]
