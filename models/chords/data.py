"""Lead sheets with chord symbols (OpenEWLD, vendored) and chord labels derived from the Bach
chorales, as arrays the chord and bass models train on.

``build_leadsheets`` parses every ``.mxl`` under ``resources/datasets/openewld/`` (no download;
~0.4 s a file) and keeps, per song, its melody (the track with most notes), meters, key and chord
track; it is cached under the user cache dir (``leadsheets-v1.npz``, JSON metadata, no pickles)
and rebuilt when missing. Songs are split train/valid/test by song with a fixed seed, never by
window. ``chorale_chords`` labels each beat of a 4-voice chorale with the chord its voices sound
(the template detector of ``core.chord_detect`` on all four voices: chordify + a symbol).
"""
from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from latentroll.core.app_paths import AppPaths
from latentroll.core.chords import ChordEvent
from latentroll.core.song import NOTE_DTYPE, KeySignature, Song, TimeSignature, Track

CACHE_VERSION = "leadsheets-v1"
CACHE_ENV = "LATENTROLL_LEADSHEET_CACHE"   # another lead-sheet cache (tests point it at a small one)
SPLIT_SEED = 20261207
SPLITS = ("train", "valid", "test")


class LeadSheetError(ValueError):
    """A lead-sheet cache that cannot be read. For users."""


@dataclass
class LeadSheet:
    song_id: str                         # path under the dataset folder
    title: str
    meters: list[tuple[int, int, int]]   # (tick, numerator, denominator)
    key: tuple[int, str]                 # tonic pitch class, mode
    notes: np.ndarray                    # NOTE_DTYPE: the melody
    chords: list[ChordEvent]

    def to_song(self, with_chords: bool = True) -> Song:
        return Song(title=self.title, tracks=[Track(name="Melody", notes=self.notes.copy())],
                    time_signatures=[TimeSignature(*m) for m in self.meters],
                    keys=[KeySignature(0, *self.key)], chords=list(self.chords) if with_chords else [])

    @property
    def major_tonic(self) -> int:
        """The key signature's major tonic (a minor key's relative major): what the models
        transpose to C, robust to a mode the file got wrong."""
        return (self.key[0] + (3 if self.key[1] == "minor" else 0)) % 12


@dataclass
class LeadSheets:
    songs: list[LeadSheet]
    counts: dict

    def split(self, name: str) -> list[LeadSheet]:
        ids = split_song_ids([s.song_id for s in self.songs])[name]
        keep = set(ids)
        return [s for s in self.songs if s.song_id in keep]

    def chord_changes(self) -> int:
        return sum(_changes(s.chords) for s in self.songs)

    def save(self, path: Path) -> None:
        from latentroll.core.io.atomic import atomic_path

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        lens = np.cumsum([0] + [len(s.notes) for s in self.songs]).astype(np.int64)
        notes = np.concatenate([s.notes for s in self.songs]) if self.songs else np.zeros(0, NOTE_DTYPE)
        meta = {"songs": [{"id": s.song_id, "title": s.title, "meters": s.meters, "key": list(s.key),
                           "chords": [[c.tick, c.symbol.text] for c in s.chords]} for s in self.songs],
                "counts": self.counts}
        with atomic_path(path) as tmp:
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, notes=notes, offsets=lens,
                                    meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))

    @classmethod
    def load(cls, path: Path) -> "LeadSheets":
        from latentroll.core.chords import parse_chord

        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                notes, lens = z["notes"], z["offsets"]
                meta = json.loads(z["meta"].tobytes().decode())
        except FileNotFoundError:
            raise LeadSheetError(f"no lead-sheet cache at {path}") from None
        except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile, UnicodeDecodeError):
            raise LeadSheetError(f"{path} is not a lead-sheet cache") from None
        songs = [LeadSheet(m["id"], m["title"], [tuple(x) for x in m["meters"]], (m["key"][0], m["key"][1]),
                           notes[lens[i]:lens[i + 1]].astype(NOTE_DTYPE),
                           [ChordEvent(t, parse_chord(text)) for t, text in m["chords"]])
                 for i, m in enumerate(meta["songs"])]
        return cls(songs, meta.get("counts", {}))


def _changes(chords: list[ChordEvent]) -> int:
    n, prev = 0, None
    for c in chords:
        if c.symbol != prev:
            n += 1
        prev = c.symbol
    return n


def split_song_ids(ids: list[str], valid: float = 0.1, test: float = 0.1, seed: int = SPLIT_SEED) -> dict[str, list[str]]:
    """Train/valid/test by song, seeded; the same ids always land in the same split."""
    order = sorted(ids)
    np.random.default_rng(seed).shuffle(order)
    n_test = max(1, int(round(len(order) * test))) if len(order) >= 3 else 0
    n_valid = max(1, int(round(len(order) * valid))) if len(order) >= 3 else 0
    return {"test": order[:n_test], "valid": order[n_test:n_test + n_valid], "train": order[n_test + n_valid:]}


def openewld_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("latentroll.resources"))) / "datasets" / "openewld"


def default_cache_path() -> Path:
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else AppPaths.default().corpus_dir / f"{CACHE_VERSION}.npz"


def read_leadsheet(path: Path, song_id: str) -> LeadSheet | None:
    """One lead sheet (None when it has no chord symbols or no melody)."""
    from latentroll.core.io.formats import read_song

    song = read_song(path)
    tracks = [t for t in song.tracks if len(t.notes)]
    if not tracks or not song.chords:
        return None
    melody = max(tracks, key=len)
    k = song.key
    return LeadSheet(song_id, song.title or Path(path).stem,
                     [(ts.tick, ts.numerator, ts.denominator) for ts in song.time_signatures],
                     (k.tonic, k.mode), melody.sorted_notes().copy(), list(song.chords))


def build_leadsheets(folder: Path | None = None, progress: Callable[[int, int], None] | None = None,
                     limit: int | None = None) -> LeadSheets:
    folder = Path(folder) if folder else openewld_dir()
    files = sorted(folder.rglob("*.mxl"))[:limit]
    songs, failed, no_chords = [], 0, 0
    for i, f in enumerate(files):
        try:
            s = read_leadsheet(f, f.relative_to(folder).as_posix())
        except Exception:  # noqa: BLE001 - a score music21 cannot read is counted, not fatal
            s, failed = None, failed + 1
        else:
            no_chords += s is None
        if s is not None:
            songs.append(s)
        if progress:
            progress(i + 1, len(files))
    out = LeadSheets(songs, {"files": len(files), "failed": failed, "no_chords": no_chords})
    out.counts["chord_changes"] = out.chord_changes()
    return out


def load_leadsheets(path: Path | None = None, build_if_missing: bool = True) -> LeadSheets:
    path = Path(path) if path else default_cache_path()
    if not path.exists() and build_if_missing:
        build_leadsheets().save(path)
    return LeadSheets.load(path)


FIXTURE = "leadsheets_small.npz"


def fixture_path() -> Path:
    from importlib.resources import files

    return Path(str(files("latentroll.resources"))) / "fixtures" / FIXTURE


def leadsheets_for(source: str) -> LeadSheets:
    """``"openewld"``: the vendored lead sheets (cached); ``"fixture"``: the tests' dozen."""
    return LeadSheets.load(fixture_path()) if source == "fixture" else load_leadsheets()


# ---- chorales -------------------------------------------------------------------------------
@dataclass
class ChoraleChords:
    """One chorale: its song (4 voices), the chord each beat sounds and its bass voice."""

    tune_id: str
    song: Song
    chords: list[ChordEvent]


def chorale_chords(tunes) -> list[ChoraleChords]:
    """Each 4-voice chorale with a chord per beat (the detector on all four voices, a repeated
    chord held), spelled in the chorale's key."""
    from latentroll.core.chord_detect import RICH, detect_chords, detected_events

    out = []
    for t in tunes:
        song = t.to_song()
        chords = detected_events(detect_chords(song, per="beat", vocab=RICH))
        out.append(ChoraleChords(t.tune_id, song, chords))
    return out


def chorale_chord_changes(data: list[ChoraleChords]) -> int:
    return sum(_changes(c.chords) for c in data)
