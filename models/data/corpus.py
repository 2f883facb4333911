"""The training corpus: tunes from music21's bundled corpus, labelled by style, cached as arrays.

Parsing ABC with music21 is slow (~0.1 s a tune), so it happens once, in parallel (parser
processes; the build can be cancelled, from the CLI or the app's Library panel), and the result
is cached under the user cache dir in a versioned ``.npz`` (no pickles: metadata is JSON). Each
tune keeps all its voices (chorales have four), so the melody models and the chorale CNN read
the same cache.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import threading
import zipfile
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import numpy as np

from latentroll.core.app_paths import AppPaths
from latentroll.core.cancel import Cancelled

if TYPE_CHECKING:
    from latentroll.core.song import Song

CACHE_VERSION = "corpus-v3"  # v2: meters read from the unflattened score; v3: ABC tune by tune, chord symbols skipped

# Which music21 corpus file goes to which style. Order = style index.
STYLES: dict[str, str] = {
    "german": "German folk songs (Essen collection): plain diatonic tunes, mostly 4/4 and 3/4.",
    "chinese": "Han Chinese folk songs (Essen han1/han2): pentatonic lines with ornamental steps.",
    "irish": "Irish dance tunes and airs (O'Neill's 1850): running eighths, jigs and reels.",
    "fiddle": "Fiddle tunes (Ryan's Mammoth Collection): busy Scottish/American reels and hornpipes.",
    "scottish_air": "Scottish airs (Aird's Airs): lyrical melodies with dotted rhythms and wide leaps.",
    "chorale": "Bach chorale melodies (soprano lines): stepwise hymn tunes in quarter notes.",
}
STYLE_NAMES = list(STYLES)


@dataclass(frozen=True)
class StyleInfo:
    name: str
    description: str


def style_infos(names) -> list[StyleInfo]:
    """Name and description of each style a model was trained on (what style menus list)."""
    return [StyleInfo(s, STYLES.get(s, s)) for s in names]

class CorpusError(ValueError):
    """A corpus cache that cannot be read (a folder, an empty or foreign file). For users."""


_ESSEN_GERMAN = ("altdeu", "ballad", "boehme", "dva", "erk", "fink", "kinder", "lot", "zuccal")

NOTE_COLS = ("start", "duration", "pitch", "voice")


def style_of(corpus_path: str) -> str | None:
    """Style for a music21 corpus file path, or None if the file is not used."""
    p = corpus_path.replace("\\", "/")
    name = p.rsplit("/", 1)[-1]
    if "/essenFolksong/" in p:
        if name.startswith(("han1", "han2")):
            return "chinese"
        if name.startswith("irl"):
            return "irish"
        if name.startswith(_ESSEN_GERMAN):
            return "german"
        return None
    for folder, style in (("/oneills1850/", "irish"), ("/ryansMammoth/", "fiddle"), ("/airdsAirs/", "scottish_air")):
        if folder in p:
            return style
    if "/bach/" in p and name.startswith("bwv") and not name.endswith(".krn"):
        return "chorale"
    return None


@dataclass
class Tune:
    """One tune: notes as rows (start tick, duration ticks, MIDI pitch, voice) and its meta."""

    tune_id: str
    style: str
    title: str
    meter: tuple[int, int]
    key: tuple[int, str]
    notes: np.ndarray  # int32 (n, 4)

    def voice(self, v: int = 0) -> np.ndarray:
        return self.notes[self.notes[:, 3] == v]

    @property
    def voices(self) -> int:
        return int(self.notes[:, 3].max()) + 1 if len(self.notes) else 0

    def to_song(self) -> "Song":
        """The tune as a core Song (one track per voice, accented velocities): what the app's
        library shows, plays and inserts."""
        from latentroll.core.song import NOTE_DTYPE, KeySignature, Song, TimeSignature, Track

        from .tracks import velocities_for

        ts = TimeSignature(0, *self.meter)
        names = VOICE_NAMES if self.voices == 4 else ("Melody",) + tuple(f"Voice {v + 1}" for v in range(1, 4))
        tracks = []
        for v in range(self.voices):
            rows = self.voice(v)
            notes = np.zeros(len(rows), NOTE_DTYPE)
            notes["start"], notes["duration"], notes["pitch"] = rows[:, 0], rows[:, 1], rows[:, 2]
            notes["velocity"] = velocities_for(notes["start"], bar_ticks=ts.bar_ticks)
            tracks.append(Track(name=names[v] if v < len(names) else f"Voice {v + 1}", channel=v, notes=notes))
        return Song(title=self.title, tracks=tracks, time_signatures=[ts],
                    keys=[KeySignature(0, self.key[0] % 12, self.key[1])])


VOICE_NAMES = ("Soprano", "Alto", "Tenor", "Bass")


@dataclass
class Corpus:
    tunes: list[Tune]

    def by_style(self) -> dict[str, int]:
        out = {s: 0 for s in STYLE_NAMES}
        for t in self.tunes:
            out[t.style] += 1
        return out

    def save(self, path: Path) -> None:
        from latentroll.core.io.atomic import atomic_path

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        notes = np.concatenate([t.notes for t in self.tunes]) if self.tunes else np.zeros((0, 4), np.int32)
        offsets = np.cumsum([0] + [len(t.notes) for t in self.tunes]).astype(np.int64)
        meta = [
            {"id": t.tune_id, "style": t.style, "title": t.title, "meter": list(t.meter), "key": list(t.key)}
            for t in self.tunes
        ]
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, notes=notes.astype(np.int32), offsets=offsets,
                                    meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))

    @classmethod
    def load(cls, path: Path) -> "Corpus":
        """Read a cache written by ``save``; anything else is a CorpusError saying what it is."""
        path = Path(path)
        if path.is_dir():
            raise CorpusError(f"cannot read the corpus cache {path}: it is a folder, not an .npz file")
        not_a_cache = f"{path} is not a corpus cache (an .npz file written by `latentroll data build`)"
        try:
            with np.load(path, allow_pickle=False) as z:
                notes, offsets = z["notes"], z["offsets"]
                meta = json.loads(z["meta"].tobytes().decode())
            tunes = [
                Tune(m["id"], m["style"], m["title"], tuple(m["meter"]), (m["key"][0], m["key"][1]),
                     notes[offsets[i]: offsets[i + 1]])
                for i, m in enumerate(meta)
            ]
        except FileNotFoundError:
            raise CorpusError(f"no corpus cache at {path}") from None
        except OSError as exc:
            raise CorpusError(f"cannot read the corpus cache {path}: {exc.strerror or exc}") from None
        except EOFError:
            raise CorpusError(f"{not_a_cache}: the file is empty") from None
        except KeyError as exc:
            raise CorpusError(f"{not_a_cache}: it has no {exc.args[0].split()[0]!r} array") from None
        except (ValueError, TypeError, IndexError, zipfile.BadZipFile, UnicodeDecodeError):
            raise CorpusError(not_a_cache) from None
        return cls(tunes)

    def subset(self, ids: Iterable[str]) -> "Corpus":
        keep = set(ids)
        return Corpus([t for t in self.tunes if t.tune_id in keep])


def cache_dir() -> Path:
    """The app's one cache root (``core.app_paths``; ``$LATENTROLL_CACHE`` honoured)."""
    return AppPaths.default().corpus_dir


def default_cache_path() -> Path:
    return cache_dir() / f"{CACHE_VERSION}.npz"


def corpus_files() -> list[tuple[str, str]]:
    """(path, style) for every music21 corpus file we use."""
    from music21 import corpus

    out = []
    for p in corpus.getCorePaths():
        style = style_of(str(p))
        if style:
            out.append((str(p), style))
    return sorted(out)


def _tunes_from_song(song, style: str, tune_id: str) -> Tune | None:
    rows = []
    for v, track in enumerate(song.tracks):
        n = track.sorted_notes()
        if len(n):
            rows.append(np.stack([n["start"], n["duration"], n["pitch"], np.full(len(n), v)], axis=1))
    if not rows:
        return None
    ts, k = song.time_signature, song.key
    return Tune(tune_id, style, song.title, (ts.numerator, ts.denominator), (k.tonic, k.mode),
                np.concatenate(rows).astype(np.int32))


def _abc_tune_score(text: str):
    """One tune of an ABC book as a music21 Score, refused before parsing if it would blow up."""
    from latentroll.core.io.abc import abc_problem, abc_tune_score

    problem = abc_problem(text)
    if problem:
        raise ValueError(problem)
    return abc_tune_score(text)


def parse_file(path: str, style: str) -> tuple[list[Tune], int]:
    """Parse one corpus file (an ABC book or a chorale) into tunes; returns (tunes, failures).

    ABC books are parsed tune by tune, as ``read_song`` does: music21 parsing a whole book lets
    one tune's ``L:`` leak into the next, doubling or halving its durations.
    """
    from music21 import converter, stream

    from latentroll.core.io.abc import decode_abc, split_abc_tunes
    from latentroll.core.io.music21_convert import score_to_song

    base = Path(path).stem
    folder = Path(path).parent.name
    if path.lower().endswith(".abc"):
        scores = [partial(_abc_tune_score, text) for text in split_abc_tunes(decode_abc(Path(path).read_bytes()))]
    else:
        try:
            parsed = converter.parse(path)
        except Exception:  # music21 raises many types on malformed corpus entries
            return [], 1
        found = list(parsed.scores) if isinstance(parsed, stream.Opus) else [parsed]
        scores = [partial(lambda sc: sc, sc) for sc in found]
    tunes, failures = [], 0
    for i, get_score in enumerate(scores):
        try:
            score = get_score()
            if style == "chorale" and len(score.parts) != 4:
                continue
            number = score.metadata.number if score.metadata is not None and score.metadata.number else i
            song = score_to_song(score)
            tune = _tunes_from_song(song, style, f"{folder}/{base}/{number}/{i}")
        except Exception:  # one bad tune must not spoil its book
            failures += 1
            continue
        if tune is not None:
            tunes.append(tune)
    return tunes, failures


POLL_S = 0.1  # how often a build checks its cancel event while it waits for the parsers


def _pool_context():
    """A fork server where the platform has one, else spawn: never a plain fork, since the app
    builds from a process with threads (Qt's, the audio's), which must not be forked."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the parsers now (a book can take half a minute): ``terminate_workers`` from Python
    3.14, the executor's own process table before it. The executor then fails what is left and
    its ``shutdown`` returns at once."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        proc.terminate()


def _next_done(pending: set[Future], cancel: threading.Event | None) -> set[Future]:
    """The futures of ``pending`` that are done, once one is; ``Cancelled`` once ``cancel`` is set."""
    while True:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        done, _ = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
        if done:
            return done


def build_corpus(files: list[tuple[str, str]] | None = None, workers: int = 2,
                 progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None) -> tuple[Corpus, int]:
    """Parse ``files`` (default: all of music21's corpus that we use) in ``workers`` processes.
    Returns (corpus, failed tunes).

    ``cancel`` set (or ``progress`` raising) stops it within ``POLL_S``: the parser processes
    are killed and ``Cancelled`` (or what ``progress`` raised) propagates. Nothing is written
    here; the caller saves the corpus, atomically (``Corpus.save``).
    """
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context())
    try:
        if files is None:  # music21 is imported in a parser, never in the caller (the app)
            listing = pool.submit(corpus_files)
            _next_done({listing}, cancel)
            files = listing.result()
        # Big opus files first so the pool stays busy to the end.
        files = sorted(files, key=lambda f: -os.path.getsize(f[0]))
        pending = {pool.submit(parse_file, p, s) for p, s in files}
        if progress:
            progress(0, len(files))
        tunes: list[Tune] = []
        failures = 0
        while pending:
            done = _next_done(pending, cancel)
            pending -= done
            for fut in done:
                t, f = fut.result()
                tunes += t
                failures += f
            if progress:
                progress(len(files) - len(pending), len(files))
    except BaseException:
        _stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    tunes.sort(key=lambda t: t.tune_id)
    return Corpus(tunes), failures


def load_corpus(path: Path | None = None, build_if_missing: bool = True,
                progress: Callable[[int, int], None] | None = None) -> Corpus:
    """The corpus cache at ``path`` (default: the user cache), built there first if missing.

    A cache that holds no tunes is a CorpusError: nothing can be trained or measured on it.
    """
    path = Path(path) if path else default_cache_path()
    if path.exists():
        corpus = Corpus.load(path)
        if not corpus.tunes:
            raise CorpusError(f"the corpus cache {path} holds no tunes")
        return corpus
    if not build_if_missing:
        raise FileNotFoundError(f"no corpus cache at {path}; run `latentroll data build`")
    corpus, _ = build_corpus(progress=progress)
    corpus.save(path)
    return corpus
