"""The user's music library: saved clips and songs as real ``.mid`` files in one folder, plus an
index (``library.json``) holding what a listing needs without opening every file, and what MIDI
cannot hold (style, tags, source, favourite).

The ``.mid`` files are the truth; the index is their catalogue. Every change re-reads the index,
changes it and writes it back atomically (temp file + rename), under a lock, so a crash or a
second app instance never leaves a half-written index. On every read the index is reconciled
with the folder: a file without an entry is catalogued from its contents (so a user can drop
``.mid`` files into the folder), an entry without a file is dropped, and an unreadable index is
set aside and rebuilt from the files instead of failing.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator

from .io.atomic import atomic_write_text
from .io.errors import MusicFileError, one_line
from .io.midi import read_midi, song_to_midi_bytes
from .song import Song
from .theory import NOTE_NAMES

INDEX_NAME = "library.json"
INDEX_VERSION = 1
LOCK_NAME = ".library.lock"
BROKEN_SUFFIX = ".broken"
MAX_STEM = 80
MAX_TAG = 32
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class LibraryError(MusicFileError):
    """A library action that cannot be done; the message is written for users."""


@dataclass(frozen=True)
class LibraryEntry:
    """One saved piece. ``file`` (the .mid's name in the library folder) is its id."""

    file: str
    title: str
    style: str = ""
    tags: tuple[str, ...] = ()
    source: str = "file"  # song (saved from the piano roll), corpus, generated, file (found in the folder)
    bars: int = 0
    key: str = ""  # "D major"
    meter: str = "4/4"
    tempo: float = 120.0
    notes: int = 0
    tracks: int = 1
    created: float = 0.0  # seconds since the epoch
    favourite: bool = False

    @property
    def haystack(self) -> str:
        """What a text search looks in (lower case)."""
        return " ".join((self.title, self.style, *self.tags, self.source, self.key, self.file)).lower()

    def to_json(self) -> dict:
        d = asdict(self)
        d["tags"] = list(self.tags)
        return d

    @classmethod
    def from_json(cls, d: dict) -> "LibraryEntry":
        """An entry from its index record; raises ``ValueError``/``TypeError`` on a bad one."""
        if not isinstance(d, dict) or not isinstance(d.get("file"), str) or not isinstance(d.get("title"), str):
            raise ValueError("an index record needs a file and a title")
        tags = d.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValueError("tags must be a list of strings")
        return cls(
            file=d["file"], title=d["title"], style=str(d.get("style", "")), tags=tuple(tags),
            source=str(d.get("source", "file")), bars=int(d.get("bars", 0)), key=str(d.get("key", "")),
            meter=str(d.get("meter", "4/4")), tempo=float(d.get("tempo", 120.0)), notes=int(d.get("notes", 0)),
            tracks=int(d.get("tracks", 1)), created=float(d.get("created", 0.0)),
            favourite=bool(d.get("favourite", False)),
        )


@dataclass(frozen=True)
class Listing:
    """What a read of the library found; ``problem`` says what was repaired, for the user."""

    entries: list[LibraryEntry] = field(default_factory=list)
    problem: str | None = None


# ---- names and tags ------------------------------------------------------------------------

def sanitize_title(title: str) -> str:
    """A title as a file stem that every OS accepts: no path separators or control characters,
    no reserved device names, no leading/trailing dots or spaces, at most ``MAX_STEM`` long.
    (Unlike ``render.safe_filename`` it keeps spaces and accents: these names are for people.)"""
    text = unicodedata.normalize("NFC", title or "")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r'[<>:"/\\|?*\x00-\x1f\x7f]+', "_", text).strip(" .")[:MAX_STEM].strip(" .")
    if not text:
        return "Untitled"
    if text.split(".")[0].lower() in _RESERVED:
        text = f"{text}_"
    return text


def normalize_tags(tags: str | Iterable[str]) -> tuple[str, ...]:
    """Comma-separated text or a list → distinct, trimmed tags (first spelling wins)."""
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    out: list[str] = []
    seen: set[str] = set()
    for t in items:
        t = re.sub(r"\s+", " ", str(t).replace(",", " ")).strip()[:MAX_TAG].strip()
        if t and t.lower() not in seen:
            seen.add(t.lower())
            out.append(t)
    return tuple(out)


def key_name(tonic: int, mode: str) -> str:
    return f"{NOTE_NAMES[tonic % 12]} {mode}"


def describe_song(song: Song) -> dict:
    """The catalogue fields a song gives: bars, key, meter, tempo, notes, tracks."""
    ts, k = song.time_signature, song.key
    return {"bars": song.bar_count(), "key": key_name(k.tonic, k.mode), "meter": f"{ts.numerator}/{ts.denominator}",
            "tempo": round(float(song.bpm), 2), "notes": song.note_count(), "tracks": len(song.tracks)}


@dataclass(frozen=True)
class Query:
    """A search: every word of ``text`` somewhere in the title/style/tags/…, the ``tag`` and
    ``style`` if given (case-insensitive), favourites only if asked. The app's list filters
    (the library's and the corpus's) ask ``accepts`` with facets they computed once per row."""

    text: str = ""
    tag: str | None = None
    style: str | None = None
    favourites: bool = False

    @cached_property
    def _words(self) -> tuple[str, ...]:
        return tuple(self.text.lower().split())

    @property
    def empty(self) -> bool:
        return not (self._words or self.tag or self.style or self.favourites)

    def accepts(self, haystack: str, style: str = "", tags: Iterable[str] = (), favourite: bool = False) -> bool:
        return (all(w in haystack for w in self._words)
                and (not self.tag or self.tag.lower() in (t.lower() for t in tags))
                and (not self.style or style.lower() == self.style.lower())
                and (not self.favourites or favourite))

    def matches(self, entry: LibraryEntry) -> bool:
        return self.accepts(entry.haystack, entry.style, entry.tags, entry.favourite)


def search(entries: Iterable[LibraryEntry], text: str = "", tag: str | None = None, style: str | None = None,
           favourites: bool = False) -> list[LibraryEntry]:
    """The entries a ``Query`` with these fields matches."""
    q = Query(text, tag, style, favourites)
    return [e for e in entries if q.matches(e)]


# ---- the library -----------------------------------------------------------------------------

class MusicLibrary:
    """A library folder. Methods are safe to call from worker threads; each returns fresh data."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self._lock = threading.Lock()

    @property
    def index_path(self) -> Path:
        return self.folder / INDEX_NAME

    def path_of(self, file: str) -> Path:
        return self.folder / Path(file).name

    # ---- reading -----------------------------------------------------------------------------
    def listing(self) -> Listing:
        """All entries, reconciled with the folder (and the index repaired if it needed it)."""
        with self._locked():
            entries, problem = self._read()
            return Listing(list(entries), problem)

    def entries(self) -> list[LibraryEntry]:
        return self.listing().entries

    def entry(self, file: str) -> LibraryEntry:
        found = next((e for e in self.entries() if e.file == file), None)
        if found is None:
            raise LibraryError(f"“{file}” is no longer in the library")
        return found

    def search(self, text: str = "", tag: str | None = None, style: str | None = None,
               favourites: bool = False) -> list[LibraryEntry]:
        return search(self.entries(), text, tag, style, favourites)

    def load(self, file: str) -> Song:
        """The saved song, titled as in the library."""
        path = self.path_of(file)
        if not path.is_file():
            raise LibraryError(f"“{file}” is no longer in the library folder {self.folder}")
        song = read_midi(path)
        entry = next((e for e in self.entries() if e.file == path.name), None)
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
        data = song_to_midi_bytes(song)
        with self._locked():
            entries, _ = self._read()
            path = self._write_new(sanitize_title(title), data)
            entry = LibraryEntry(file=path.name, title=title, style=style.strip(), tags=normalize_tags(tags),
                                 source=source, created=time.time(), favourite=favourite, **describe_song(song))
            self._write_index([*entries, entry])
        return entry

    def rename(self, file: str, title: str) -> LibraryEntry:
        """New title; the file is renamed to match (its id changes: use the returned entry)."""
        title = (title or "").strip()
        if not title:
            raise LibraryError("a library entry needs a name")
        with self._locked():
            entries, _ = self._read()
            old = self._find(entries, file)
            stem = sanitize_title(title)
            new_file = old.file
            if stem != Path(old.file).stem:
                new_file = self._move_to_free_name(self.path_of(old.file), stem).name
            new = replace(old, file=new_file, title=title)
            self._write_index([new if e.file == old.file else e for e in entries])
        return new

    def set_tags(self, file: str, tags: str | Iterable[str]) -> LibraryEntry:
        return self._update(file, tags=normalize_tags(tags))

    def set_style(self, file: str, style: str) -> LibraryEntry:
        return self._update(file, style=style.strip())

    def set_favourite(self, file: str, favourite: bool) -> LibraryEntry:
        return self._update(file, favourite=bool(favourite))

    def delete(self, file: str) -> None:
        """Remove the entry and its .mid file."""
        with self._locked():
            entries, _ = self._read()
            old = self._find(entries, file)
            try:
                self.path_of(old.file).unlink(missing_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot delete {old.file}: {exc.strerror or exc}") from None
            self._write_index([e for e in entries if e.file != old.file])

    def _update(self, file: str, **changes) -> LibraryEntry:
        with self._locked():
            entries, _ = self._read()
            new = replace(self._find(entries, file), **changes)
            self._write_index([new if e.file == new.file else e for e in entries])
        return new

    @staticmethod
    def _find(entries: list[LibraryEntry], file: str) -> LibraryEntry:
        found = next((e for e in entries if e.file == file), None)
        if found is None:
            raise LibraryError(f"“{file}” is no longer in the library")
        return found

    # ---- internals ---------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's threads one at a time, and (where the OS has ``flock``) other app
        instances too. Without ``flock`` the atomic rename still keeps the index whole."""
        with self._lock:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot create the library folder {self.folder}: {exc.strerror or exc}") from None
            try:
                import fcntl
            except ImportError:  # Windows
                yield
                return
            with open(self.folder / LOCK_NAME, "a+b") as fh:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def _read(self) -> tuple[list[LibraryEntry], str | None]:
        """The index reconciled with the folder; rewritten when anything had to change."""
        records, problem = self._read_index()
        files = {p.name: p for p in self._midi_files()}
        entries: list[LibraryEntry] = []
        seen: set[str] = set()
        bad_records = 0
        for rec in records:
            try:
                e = LibraryEntry.from_json(rec)
            except (ValueError, TypeError):
                bad_records += 1
                continue
            if e.file in files and e.file not in seen:
                entries.append(e)
                seen.add(e.file)
        changed = problem is not None or bad_records > 0 or len(entries) != len(records)
        unreadable = []
        for name in sorted(set(files) - seen):
            try:
                entries.append(self._catalogue(files[name]))
                changed = True
            except MusicFileError:
                unreadable.append(name)
        if bad_records and problem is None:
            problem = f"{bad_records} damaged index record(s) were rebuilt from their files"
        if unreadable:
            extra = f"skipped unreadable file(s): {', '.join(unreadable[:3])}" + ("…" if len(unreadable) > 3 else "")
            problem = f"{problem}; {extra}" if problem else extra
        if changed:
            self._write_index(entries)
        return entries, problem

    def _read_index(self) -> tuple[list, str | None]:
        path = self.index_path
        if not path.exists():
            return [], None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
                raise ValueError("not a library index")
            if int(data.get("version", 0)) > INDEX_VERSION:
                raise ValueError(f"index version {data.get('version')} is newer than this app's")
            return data["entries"], None
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            kept = path.with_name(path.name + BROKEN_SUFFIX)
            try:
                os.replace(path, kept)
                where = f"; the old one is kept as {kept.name}"
            except OSError:
                where = ""
            return [], f"the library index was unreadable ({one_line(exc, 60)}) and was rebuilt from the files{where}"

    def _midi_files(self) -> list[Path]:
        try:
            return sorted(p for p in self.folder.iterdir()
                          if p.suffix.lower() in (".mid", ".midi") and not p.name.startswith(".") and p.is_file())
        except OSError as exc:
            raise LibraryError(f"cannot read the library folder {self.folder}: {exc.strerror or exc}") from None

    def _catalogue(self, path: Path) -> LibraryEntry:
        """An entry for a file the index did not know (its title is the file's name)."""
        song = read_midi(path)
        if song.note_count() == 0:
            raise MusicFileError(f"{path.name} has no notes")
        return LibraryEntry(file=path.name, title=path.stem, source="file", created=path.stat().st_mtime,
                            **describe_song(song))

    def _write_index(self, entries: list[LibraryEntry]) -> None:
        text = json.dumps({"version": INDEX_VERSION, "entries": [e.to_json() for e in entries]},
                          indent=1, ensure_ascii=False)
        atomic_write_text(self.index_path, text)

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
