"""The training corpus as browsable rows: read in a worker from the parsed cache (numpy only,
no torch), one light row per tune; a tune becomes a Song only when it is previewed or used.
Where there is no cache yet, the panel builds it (``build_corpus_listing``): music21 parses in
helper processes, never in the app's."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from latentroll.core.cancel import Cancelled
from latentroll.core.io.errors import MusicFileError, one_line
from latentroll.core.library import key_name
from latentroll.core.song import PPQ, Song
from latentroll.models.data.corpus import STYLE_NAMES, Corpus, Tune, build_corpus, default_cache_path

BUILD_HINT = "press Build corpus (a few minutes, once), or run `latentroll data build` and press Reload"
Source = tuple[str, str]  # (file, style): what a build parses


@dataclass(frozen=True)
class CorpusRow:
    index: int  # into ``CorpusListing.corpus.tunes``
    title: str
    style: str
    meter: str
    key: str
    bars: int
    voices: int
    tune_id: str
    haystack: str


@dataclass
class CorpusListing:
    path: Path
    corpus: Corpus | None = None  # None: no cache at ``path``
    rows: list[CorpusRow] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return self.corpus is None

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STYLE_NAMES}
        for r in self.rows:
            out[r.style] = out.get(r.style, 0) + 1
        return out

    failed: int = 0  # tunes a build could not read

    def song(self, row: CorpusRow) -> Song:
        assert self.corpus is not None
        song = self.corpus.tunes[row.index].to_song()
        song.title = row.title
        return song


def corpus_path() -> Path:
    """Where the models' data pipeline keeps the parsed corpus (``$LATENTROLL_CACHE`` honoured)."""
    return default_cache_path()


def display_title(tune: Tune) -> str:
    """Chorales have no titles in the corpus: name them by their BWV number."""
    if tune.title and tune.title != "Untitled":
        return tune.title.strip().rstrip(".")
    name = tune.tune_id.split("/")[1] if "/" in tune.tune_id else tune.tune_id
    return f"Chorale {name.upper().replace('BWV', 'BWV ')}" if tune.style == "chorale" else name


def read_corpus_listing(path: Path | None = None) -> CorpusListing:
    """Runs in a worker: the cache's tunes as rows (an empty listing when there is no cache)."""
    path = Path(path) if path is not None else corpus_path()
    if not path.is_file():
        return CorpusListing(path)
    try:
        corpus = Corpus.load(path)
    except Exception as exc:  # a truncated or foreign .npz: tell the user how to fix it
        raise MusicFileError(f"the corpus cache {path} is unreadable ({one_line(exc, 60)}); "
                             f"rebuild it with `latentroll data build`") from None
    return listing_of(path, corpus)


def listing_of(path: Path, corpus: Corpus, failed: int = 0) -> CorpusListing:
    """The corpus's tunes as rows."""
    rows = []
    for i, t in enumerate(corpus.tunes):
        num, den = t.meter
        bar = max(num * PPQ * 4 // max(den, 1), 1)
        end = int((t.notes[:, 0] + t.notes[:, 1]).max()) if len(t.notes) else 0
        title = display_title(t)
        key = key_name(*t.key)
        source = t.tune_id.rsplit("/", 2)[0]
        rows.append(CorpusRow(i, title, t.style, f"{num}/{den}", key, -(-end // bar), t.voices, t.tune_id,
                              f"{title} {t.style} {key} {source}".lower()))
    return CorpusListing(path, corpus, rows, failed)


def build_corpus_listing(path: Path, sources: list[Source] | None = None, workers: int = 2,
                         progress: Callable[[int, int], None] | None = None,
                         cancel: threading.Event | None = None) -> CorpusListing:
    """Runs in a worker: parse ``sources`` (None: music21's corpus) in ``workers`` processes,
    write the cache at ``path`` (a temp file renamed into place: a cancel or a crash leaves no
    half-written cache) and return its rows. Cancelling stops it within a fraction of a second."""
    corpus, failed = build_corpus(sources, workers, progress, cancel)
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    corpus.save(path)
    return listing_of(path, corpus, failed)
