"""What one library piece is (``LibraryEntry``), how a search is asked (``Query``), and the rules
for the names and tags users type. Plain data; the store and the library build on it."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Iterable

from ..io.errors import MusicFileError
from ..song import Song
from ..theory import NOTE_NAMES

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
    source: str = "file"  # song (saved from the piano roll), corpus, generated, import, file (found in the folder)
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
        """An entry from its JSON record (the old index, the API); raises ``ValueError``/``TypeError`` on a bad one."""
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
    """A search: every word of ``text`` somewhere in the title/style/tags/…, the ``tag``,
    ``style`` and ``key`` if given (case-insensitive), favourites only if asked. The app's list
    filters (the library's and the corpus's) ask ``accepts`` with facets they computed once per
    row; the library's in-memory catalogue asks the same with arrays (``catalogue.Catalogue.mask``)."""

    text: str = ""
    tag: str | None = None
    style: str | None = None
    favourites: bool = False
    key: str | None = None

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.lower().split())

    @property
    def empty(self) -> bool:
        return not (self.words or self.tag or self.style or self.favourites or self.key)

    def accepts(self, haystack: str, style: str = "", tags: Iterable[str] = (), favourite: bool = False,
                key: str = "") -> bool:
        return (all(w in haystack for w in self.words)
                and (not self.tag or self.tag.lower() in (t.lower() for t in tags))
                and (not self.style or style.lower() == self.style.lower())
                and (not self.key or key.lower() == self.key.lower())
                and (not self.favourites or favourite))

    def matches(self, entry: LibraryEntry) -> bool:
        return self.accepts(entry.haystack, entry.style, entry.tags, entry.favourite, entry.key)


def search(entries: Iterable[LibraryEntry], text: str = "", tag: str | None = None, style: str | None = None,
           favourites: bool = False) -> list[LibraryEntry]:
    """The entries a ``Query`` with these fields matches."""
    q = Query(text, tag, style, favourites)
    return [e for e in entries if q.matches(e)]
