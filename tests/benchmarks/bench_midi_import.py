"""MIDI import speed: LatentRoll's ``read_midi`` vs ``pretty_midi.PrettyMIDI`` on 1,000 corpus files,
plus the time and memory to load one million-note file.

The 1,000 files are music21's own MIDI renderings of Bach chorales and Essen folk songs (so they
are not written by our writer), made once and cached in the temp folder. Run:

    .venv/bin/python tests/benchmarks/bench_midi_import.py [--files 1000] [--skip-huge-pretty]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

CACHE = Path(tempfile.gettempdir()) / "latentroll-bench-midi"
CHORALES = 300
FOLK_BOOKS = ("essenFolksong/altdeu10", "essenFolksong/han1", "essenFolksong/ballad10", "essenFolksong/kinder0")


def _corpus_sources(limit: int):
    """Yield (name, music21 stream factory) for chorales first, then folk tunes."""
    from music21 import converter, corpus

    from latentroll.core.io.formats import split_abc_tunes

    chorales = [p for p in corpus.getComposer("bach") if str(p).endswith(".mxl")][:CHORALES]
    for p in chorales:
        yield f"bach_{Path(p).stem}", lambda p=p: converter.parse(p)
    for book in FOLK_BOOKS:
        text = Path(corpus.getWork(book)).read_text(encoding="latin-1")
        for i, tune in enumerate(split_abc_tunes(text)):
            yield f"{Path(book).name}_{i:04d}", lambda tune=tune: converter.parseData(tune, format="abc")


def build_cache(n_files: int) -> list[Path]:
    CACHE.mkdir(exist_ok=True)
    existing = sorted(CACHE.glob("*.mid"))
    if len(existing) >= n_files:
        return existing[:n_files]
    print(f"writing {n_files} MIDI files to {CACHE} (once; music21 is slow) ...", flush=True)
    made, skipped = len(existing), 0
    for name, make in _corpus_sources(n_files):
        if made >= n_files:
            break
        target = CACHE / f"{name}.mid"
        if target.exists():
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                make().write("midi", fp=str(target))
            made += 1
        except Exception:  # music21 cannot render some tunes as MIDI; they are simply skipped
            skipped += 1
            continue
        if made % 100 == 0:
            print(f"  {made}/{n_files} ({skipped} tunes music21 could not write)", flush=True)
    return sorted(CACHE.glob("*.mid"))[:n_files]


def time_reader(label: str, read, files: list[Path], repeats: int = 2) -> float:
    best = float("inf")
    notes = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        notes = sum(read(f) for f in files)
        best = min(best, time.perf_counter() - t0)
    rate = len(files) / best
    print(f"{label:<28} {best:7.3f} s   {rate:8.1f} files/s   ({notes} notes)")
    return rate


def ours(path: Path) -> int:
    from latentroll.core.io.midi import read_midi

    return read_midi(path).note_count()


def pretty(path: Path) -> int:
    import pretty_midi

    return sum(len(i.notes) for i in pretty_midi.PrettyMIDI(str(path)).instruments)


def make_huge(path: Path, n_notes: int = 1_000_000) -> None:
    from latentroll.core.io.midi import write_midi
    from latentroll.core.song import NOTE_DTYPE, Song, Track

    rng = np.random.default_rng(0)
    per = n_notes // 8
    tracks = []
    for i in range(8):
        notes = np.zeros(per, dtype=NOTE_DTYPE)
        notes["start"] = np.arange(per) * 60 + rng.integers(0, 30, per)
        notes["duration"] = rng.integers(1, 30, per)
        notes["pitch"] = rng.integers(0, 128, per)
        notes["velocity"] = rng.integers(1, 128, per)
        tracks.append(Track(name=f"T{i}", program=i * 8, channel=i, notes=notes))
    t0 = time.perf_counter()
    write_midi(Song(title="Huge", tracks=tracks), path)
    print(f"write_midi, 1M notes           {time.perf_counter() - t0:7.3f} s   ({path.stat().st_size / 1e6:.1f} MB)")


def _load_in_child(reader: str, path: str, out) -> None:
    """Load in a fresh process so peak RSS belongs to this load alone."""
    import pretty_midi  # noqa: F401  (import costs stay outside the measurement)

    import latentroll.core.io.midi  # noqa: F401

    base = _peak_rss_mb()
    t0 = time.perf_counter()
    n = ours(Path(path)) if reader == "ours" else pretty(Path(path))
    dt = time.perf_counter() - t0
    out.put((n, dt, _peak_rss_mb() - base))


def _peak_rss_mb() -> float:
    """This process's resident-memory high-water mark (VmHWM; unlike ru_maxrss it is not
    inherited from the parent across fork + exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_huge(reader: str, path: Path) -> None:
    ctx = mp.get_context("spawn")  # a fresh interpreter: no memory high-water mark inherited
    q = ctx.Queue()
    proc = ctx.Process(target=_load_in_child, args=(reader, str(path), q))
    proc.start()
    n, dt, mb = q.get()
    proc.join()
    print(f"{reader:<6} load, 1M-note file   {dt:7.3f} s   peak RSS +{mb:.0f} MB   ({n} notes)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--skip-huge-pretty", action="store_true", help="skip pretty_midi on the 1M-note file")
    args = ap.parse_args()
    files = build_cache(args.files)
    print(f"{len(files)} files, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB")
    ours(files[0]), pretty(files[0])  # warm imports
    ours_rate = time_reader("latentroll read_midi", ours, files)
    pretty_rate = time_reader("pretty_midi.PrettyMIDI", pretty, files)
    print(f"ratio (ours / pretty_midi)   {ours_rate / pretty_rate:7.1f}x")
    huge = CACHE.parent / "latentroll-bench-huge.mid"
    make_huge(huge)
    time_huge("ours", huge)
    if not args.skip_huge_pretty:
        time_huge("pretty", huge)


if __name__ == "__main__":
    main()
