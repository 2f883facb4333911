"""The drum corpus: the vendored Groove MIDI Dataset on the 16th grid, cached as arrays, and the
bar-aligned windows the drum models train on.

``build_drum_corpus`` reads every MIDI file listed in ``resources/datasets/groove/info.csv`` (no
download), keeps the 4/4 ones (other meters are counted and skipped: their bars do not fit the
16-step grid), maps kit keys to the nine pieces (``core.drum_kit``; other keys are dropped and
counted) and stores, per file, its grid (``convert.notes_to_grid``) with drummer, style, tempo,
beat/fill and the dataset's own split. ``drum_windows`` cuts 2- or 4-bar windows from bar lines
with a hop of one bar; splits are by file (the dataset's split column), never by window.
"""
from __future__ import annotations

import csv
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from latentroll.core.app_paths import AppPaths
from latentroll.core.drum_kit import NUM_PIECES
from latentroll.models.data.corpus import CorpusError

from .convert import STEP_TICKS, STEPS_PER_BAR, notes_to_grid

CACHE_VERSION = "drums-v1"
CACHE_ENV = "LATENTROLL_DRUM_CACHE"   # another drum cache file (tests point it at the fixture)
SPLITS = ("train", "validation", "test")

# Styles (the prefix of info.csv's style column) with ≥ 30 training files; the rest train the
# "any style" label only. Order = style index.
DRUM_STYLES: dict[str, str] = {
    "rock": "Rock: backbeat on 2 and 4, straight eighth hats or ride.",
    "funk": "Funk: busy syncopated kick, ghost notes on the snare, sixteenth hats.",
    "hiphop": "Hip-hop: laid-back, sparse kick and snare, swung sixteenths.",
    "jazz": "Jazz: swung ride pattern, feathered kick, comping snare.",
    "latin": "Latin: clave-based patterns, toms and cross-stick.",
    "afrocuban": "Afro-Cuban: 6/8-feel bell and tom patterns over a 4/4 grid.",
    "punk": "Punk: fast, loud, straight eighths, crash-heavy.",
    "neworleans": "New Orleans: second-line snare rolls and syncopated kick.",
    "soul": "Soul: steady backbeat with ghost notes and a gentle swing.",
}
DRUM_STYLE_NAMES = list(DRUM_STYLES)


class DrumDataError(CorpusError):
    """A drum cache that cannot be read. For users."""


@dataclass
class DrumFile:
    file_id: str
    drummer: str
    style: str          # info.csv's style prefix (may be a style outside DRUM_STYLES)
    bpm: float
    beat_type: str      # "beat" or "fill"
    split: str
    hits: np.ndarray    # (T, 9) uint8
    velocity: np.ndarray  # (T, 9) uint8, MIDI velocity
    offset: np.ndarray  # (T, 9) int8, ticks from the step (-60..59)

    @property
    def bars(self) -> int:
        return len(self.hits) // STEPS_PER_BAR


@dataclass
class DrumCorpus:
    files: list[DrumFile]
    counts: dict = field(default_factory=dict)  # skipped meters, dropped keys, …

    def by_split(self, split: str) -> list[DrumFile]:
        return [f for f in self.files if f.split == split]

    def summary(self) -> dict:
        out = {"files": len(self.files), **self.counts}
        for s in SPLITS:
            fs = self.by_split(s)
            out[f"{s}_files"] = len(fs)
            out[f"{s}_bars"] = sum(f.bars for f in fs)
        out["by_style"] = {s: sum(f.style == s for f in self.files) for s in DRUM_STYLE_NAMES}
        return out

    def save(self, path: Path) -> None:
        from latentroll.core.io.atomic import atomic_path

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        lens = np.cumsum([0] + [len(f.hits) for f in self.files]).astype(np.int64)
        meta = {"files": [{"id": f.file_id, "drummer": f.drummer, "style": f.style, "bpm": f.bpm,
                           "beat_type": f.beat_type, "split": f.split} for f in self.files],
                "counts": self.counts}

        def cat(name, dtype):
            arrs = [getattr(f, name) for f in self.files]
            return np.concatenate(arrs).astype(dtype) if arrs else np.zeros((0, NUM_PIECES), dtype)

        with atomic_path(path) as tmp:
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, hits=cat("hits", np.uint8), velocity=cat("velocity", np.uint8),
                                    offset=cat("offset", np.int8), offsets=lens,
                                    meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))

    @classmethod
    def load(cls, path: Path) -> "DrumCorpus":
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                hits, vel, off, lens = z["hits"], z["velocity"], z["offset"], z["offsets"]
                meta = json.loads(z["meta"].tobytes().decode())
        except FileNotFoundError:
            raise DrumDataError(f"no drum cache at {path}; run `latentroll data build`") from None
        except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile, UnicodeDecodeError):
            raise DrumDataError(f"{path} is not a drum cache (an .npz written by `latentroll data build`)") from None
        files = [DrumFile(m["id"], m["drummer"], m["style"], m["bpm"], m["beat_type"], m["split"],
                          hits[lens[i]:lens[i + 1]], vel[lens[i]:lens[i + 1]], off[lens[i]:lens[i + 1]])
                 for i, m in enumerate(meta["files"])]
        return cls(files, meta.get("counts", {}))

    def subset(self, ids) -> "DrumCorpus":
        keep = set(ids)
        return DrumCorpus([f for f in self.files if f.file_id in keep], dict(self.counts))


def groove_dir() -> Path:
    from importlib.resources import files

    return Path(str(files("latentroll.resources"))) / "datasets" / "groove"


def default_drum_cache_path() -> Path:
    override = os.environ.get(CACHE_ENV)
    return Path(override) if override else AppPaths.default().corpus_dir / f"{CACHE_VERSION}.npz"


def read_info(folder: Path) -> list[dict]:
    with open(Path(folder) / "info.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def read_drum_file(path: Path, row: dict) -> tuple[DrumFile | None, int]:
    """One GMD file on the grid (None unless its meter is 4/4) and its count of dropped notes."""
    from latentroll.core.io.midi import read_midi

    song = read_midi(path)
    sigs = {(t.numerator, t.denominator) for t in song.time_signatures}
    if row["time_signature"] != "4-4" or sigs != {(4, 4)}:
        return None, 0
    notes = np.concatenate([t.notes for t in song.tracks]) if song.tracks else np.zeros(0)
    grid = notes_to_grid(notes)
    f = DrumFile(row["id"], row["drummer"], row["style"].split("/")[0], float(song.tempos[0].bpm),
                 row["beat_type"], row["split"], grid.hits.astype(np.uint8),
                 np.round(grid.velocity * 127).astype(np.uint8),
                 np.round(grid.offset * STEP_TICKS).astype(np.int8))
    return f, grid.dropped


def build_drum_corpus(folder: Path | None = None, progress: Callable[[int, int], None] | None = None,
                      only: set[str] | None = None) -> DrumCorpus:
    """Parse the vendored GMD (or ``folder``) into a DrumCorpus; ``only`` limits it to those ids."""
    folder = Path(folder) if folder else groove_dir()
    rows = [r for r in read_info(folder) if only is None or r["id"] in only]
    files, meters, dropped = [], {}, 0
    for i, row in enumerate(rows):
        f, d = read_drum_file(folder / row["midi_filename"], row)
        dropped += d
        if f is None:
            meters[row["time_signature"]] = meters.get(row["time_signature"], 0) + 1
        else:
            files.append(f)
        if progress:
            progress(i + 1, len(rows))
    counts = {"listed": len(rows), "skipped_meters": meters, "dropped_notes": dropped}
    return DrumCorpus(files, counts)


def load_drum_corpus(path: Path | None = None, build_if_missing: bool = True) -> DrumCorpus:
    path = Path(path) if path else default_drum_cache_path()
    if not path.exists() and build_if_missing:
        build_drum_corpus().save(path)
    return DrumCorpus.load(path)


def drum_corpus(corpus=None) -> DrumCorpus:
    """What a drum model's train/eval/ship entry trains on: ``corpus`` if it is a DrumCorpus,
    else the drum cache (the registry passes the melody corpus to every model)."""
    return corpus if isinstance(corpus, DrumCorpus) else load_drum_corpus()


@dataclass
class DrumWindows:
    """Windows of one split: ``x`` (N, T, 27) stacked hits/velocities/offsets, ``style`` (N,)
    (``len(DRUM_STYLE_NAMES)`` = not one of the styles), ``file`` (N,) index into the split's files."""

    x: np.ndarray
    style: np.ndarray
    file: np.ndarray

    def __len__(self) -> int:
        return len(self.x)


def file_stacked(f: DrumFile) -> np.ndarray:
    hits = f.hits.astype(np.float32)
    return np.concatenate([hits, f.velocity / np.float32(127.0) * hits,
                           f.offset.astype(np.float32) / STEP_TICKS * hits], axis=-1).astype(np.float32)


def drum_windows(files: list[DrumFile], bars: int = 4, hop_bars: int = 1, min_hits_per_bar: int = 1) -> DrumWindows:
    """Every ``bars``-bar window from a bar line (hop ``hop_bars``) whose every bar has a hit."""
    t = bars * STEPS_PER_BAR
    xs, styles, idx = [], [], []
    for i, f in enumerate(files):
        if f.bars < bars:
            continue
        x = file_stacked(f)
        per_bar = f.hits[: f.bars * STEPS_PER_BAR].reshape(f.bars, -1).sum(1)
        for b in range(0, f.bars - bars + 1, hop_bars):
            if (per_bar[b:b + bars] < min_hits_per_bar).any():
                continue
            xs.append(x[b * STEPS_PER_BAR: b * STEPS_PER_BAR + t])
            styles.append(DRUM_STYLE_NAMES.index(f.style) if f.style in DRUM_STYLES else len(DRUM_STYLE_NAMES))
            idx.append(i)
    x = np.stack(xs) if xs else np.zeros((0, t, 3 * NUM_PIECES), np.float32)
    return DrumWindows(x, np.array(styles, np.int64), np.array(idx, np.int64))


@dataclass
class DrumData:
    train: DrumWindows
    valid: DrumWindows
    test: DrumWindows
    counts: dict


def drum_data(corpus: DrumCorpus, bars: int) -> DrumData:
    parts = {s: drum_windows(corpus.by_split(s), bars) for s in SPLITS}
    counts = {**corpus.summary(), "bars": bars,
              **{f"{s}_windows": len(w) for s, w in parts.items()}}
    return DrumData(parts["train"], parts["validation"], parts["test"], counts)
