"""The catalogue in memory: every entry once, and the columns a search looks at as arrays.

Why: a search that returns thousands of rows spends its time making ``LibraryEntry`` objects,
not finding them (SQLite: 240 ms for 16,000 of 100,000 rows). Kept in memory, the entries are
made once per change of the clips (the store's ``clips_rev``), and a search is a few
vectorised comparisons over 100,000 rows (0.1-47 ms; bench_library.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .entries import LibraryEntry, Query
from .store import row_entry, tags_key


@dataclass(frozen=True)
class Texts:
    """One text per row, joined into one string, so a substring search is one C-level scan
    (a needle never holds the separator, so a match never spans two rows)."""

    text: str
    starts: np.ndarray  # where each row's text begins
    rows: int

    @classmethod
    def of(cls, items: list[str]) -> "Texts":
        lengths = np.fromiter((len(t) + 1 for t in items), dtype=np.int64, count=len(items))
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(items) else np.zeros(0, dtype=np.int64)
        return cls("\x00".join(items), starts, len(items))

    def containing(self, needle: str) -> np.ndarray:
        """A bool mask of the rows whose text holds ``needle``."""
        out = np.zeros(self.rows, dtype=bool)
        needle = needle.replace("\x00", "")
        if not needle:
            out[:] = True
            return out
        found = [m.start() for m in re.finditer(re.escape(needle), self.text)]
        if found:
            out[np.searchsorted(self.starts, np.asarray(found), side="right") - 1] = True
        return out


@dataclass(frozen=True)
class Codes:
    """A column of few distinct values as small integers: an equality test is one array compare."""

    codes: np.ndarray
    names: dict[str, int]

    @classmethod
    def of(cls, values: list[str]) -> "Codes":
        names: dict[str, int] = {}
        codes = np.fromiter((names.setdefault(v, len(names)) for v in values), dtype=np.int32, count=len(values))
        return cls(codes, names)

    def equal(self, value: str) -> np.ndarray:
        code = self.names.get(value)
        return np.zeros(len(self.codes), dtype=bool) if code is None else self.codes == code


@dataclass
class Catalogue:
    rev: int
    entries: list[LibraryEntry]
    haystack: Texts
    tags: Texts  # tags_key of each entry
    style: "Codes"  # lower-case
    key: "Codes"
    favourite: np.ndarray  # bool

    @classmethod
    def load(cls, rev: int, rows: list[tuple]) -> "Catalogue":
        n = len(rows)
        entries = [row_entry(r[:13]) for r in rows]
        return cls(rev, entries, Texts.of([r[13] for r in rows]), Texts.of([r[16] for r in rows]),
                   Codes.of([r[14] for r in rows]), Codes.of([r[15] for r in rows]),
                   np.fromiter((bool(e.favourite) for e in entries), dtype=bool, count=n))

    def mask(self, q: Query) -> np.ndarray:
        n = len(self.entries)
        keep = np.ones(n, dtype=bool)
        if q.style:
            keep &= self.style.equal(q.style.lower())
        if q.key:
            keep &= self.key.equal(q.key.lower())
        if q.favourites:
            keep &= self.favourite
        if q.tag:
            keep &= self.with_tags([q.tag])
        for w in q.words:
            keep &= self.haystack.containing(w)
        return keep

    def with_tags(self, tags) -> np.ndarray:
        keep = np.ones(len(self.entries), dtype=bool)
        for t in tags:
            keep &= self.tags.containing(tags_key([t.strip()]))
        return keep

    def search(self, q: Query, limit: int | None = None) -> list[LibraryEntry]:
        if q.empty:
            return self.entries[:limit] if limit is not None else list(self.entries)
        rows = np.flatnonzero(self.mask(q))
        if limit is not None:
            rows = rows[:limit]
        return [self.entries[i] for i in rows]
