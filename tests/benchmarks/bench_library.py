"""The music library at size (issue 15, part 2).

1. Search/filter over 100,000 clips (synthetic rows straight into the database: titles, styles,
   keys, tags, favourites): words, style, tag, key + style, favourites; median ms of 7 runs, and
   how many rows each returns. Target ≤ 50 ms.
2. "More like this" over 100,000 random 256-d latents: the first query (reads the matrix from
   the database) and the median of 20 later ones, unfiltered and with a style filter. Target ≤ 50 ms.
3. Import 1,000 small MIDI files (random 2-bar melodies) with their latents from the real
   shipped VAE (``--threads``, default 2): seconds for the import, the latents and both. Target ≤ 60 s.
Prints figures; asserts only correctness.

Run: ``.venv/bin/python tests/benchmarks/bench_library.py [--rows 100000] [--files 1000] [--threads 2]``
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from latentroll.core.io.midi import write_midi
from latentroll.core.library import LibraryEntry, MusicLibrary
from latentroll.core.library.entries import key_name
from latentroll.core.library.store import INSERT, entry_row
from latentroll.core.song import PPQ, Note, Song, Track

WORDS = ("reel jig air waltz morning evening river hill dance song march slow fast little old new blue green "
         "anna mary john kate north south lament hornpipe polka theme idea riff loop bass").split()
STYLES = ("irish", "german", "chinese", "fiddle", "scottish_air", "chorale")
TAGS = ("loop", "idea", "bass line", "hook", "dark", "happy", "6/8", "draft")


def ms(fn, runs: int = 7) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out


def synthetic(lib: MusicLibrary, rows: int, dim: int = 256, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    store = lib._db()
    files = []
    with store.write() as conn:
        for start in range(0, rows, 10_000):
            batch = []
            for i in range(start, min(rows, start + 10_000)):
                title = " ".join(rng.choice(WORDS, size=3)).capitalize() + f" {i}"
                e = LibraryEntry(file=f"{title}.mid", title=title, style=str(rng.choice(STYLES)),
                                 tags=tuple(rng.choice(TAGS, size=int(rng.integers(0, 3)), replace=False)),
                                 source="import", bars=int(rng.integers(1, 33)),
                                 key=key_name(int(rng.integers(0, 12)), str(rng.choice(["major", "minor"]))),
                                 notes=int(rng.integers(4, 400)), created=1.7e9 + i,
                                 favourite=bool(rng.random() < 0.05))
                batch.append(entry_row(e))
                files.append(e.file)
            conn.executemany(INSERT, batch)
            vectors = rng.normal(size=(len(batch), dim)).astype(np.float32)
            conn.executemany("INSERT INTO latents (file, model, vector) VALUES (?, 'vae', ?)",
                             [(r[0], v.tobytes()) for r, v in zip(batch, vectors)])
    return files


def bench_search(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        lib = MusicLibrary(tmp)
        t = time.perf_counter()
        files = synthetic(lib, rows)
        print(f"built {rows:,} rows with 256-d latents in {time.perf_counter() - t:.1f} s "
              f"(database {(Path(tmp) / 'library.sqlite').stat().st_size / 1e6:.0f} MB)")
        print("\nsearch/filter over", f"{rows:,} clips (median of 7; target ≤ 50 ms):")
        for label, kwargs in (
            ("words 'reel anna'", {"text": "reel anna"}),
            ("words 'morning 4'", {"text": "morning 4"}),
            ("style irish", {"style": "irish"}),
            ("tag loop", {"tag": "loop"}),
            ("key D minor + style german", {"key": "D minor", "style": "german"}),
            ("favourites", {"favourites": True}),
            ("style irish, first 500", {"style": "irish", "limit": 500}),
            ("everything", {}),
        ):
            took, found = ms(lambda kw=kwargs: lib.search(**kw))
            print(f"  {label:<30} {took:8.1f} ms  {len(found):>7,} rows")

        print(f"\nmore like this over {rows:,} latents (target ≤ 50 ms):")
        rng = np.random.default_rng(1)
        t = time.perf_counter()
        first = lib.similar(files[0], k=10)
        print(f"  first query (reads the matrix) {1000 * (time.perf_counter() - t):8.1f} ms")
        assert files[0] not in {e.file for e, _ in first} and len(first) == 10
        queries = rng.choice(files, size=20)
        took, _ = ms(lambda: [lib.similar(str(q), k=10) for q in queries], runs=1)
        print(f"  by file, k=10 (mean of 20)     {took / 20:8.1f} ms")
        vec = rng.normal(size=256).astype(np.float32)
        took, hits = ms(lambda: lib.similar(vec, k=10), runs=20)
        print(f"  by latent, k=10 (median of 20) {took:8.1f} ms")
        scores = [s for _, s in hits]
        assert scores == sorted(scores, reverse=True)
        took, hits = ms(lambda: lib.similar(vec, k=10, style="irish"), runs=20)
        print(f"  style irish (median of 20)     {took:8.1f} ms")
        assert {e.style for e, _ in hits} == {"irish"}
        took, hits = ms(lambda: lib.similar(vec, k=10, key="D minor", tags=["loop"]), runs=20)
        print(f"  key D minor + tag loop         {took:8.1f} ms  ({len(hits)} hits)")


def melody(rng: np.random.Generator) -> Song:
    notes, t = [], 0
    while t < 8 * PPQ:
        d = int(rng.choice([PPQ // 2, PPQ, PPQ // 2, PPQ * 2]))
        notes.append(Note(t, int(rng.integers(55, 80)), d, 90))
        t += d
    return Song(title="m", tracks=[Track("Melody", 0, notes=notes)])


def bench_import(count: int, threads: int) -> None:
    import torch

    from latentroll.app.calls.library import encode_missing_latents
    from latentroll.models.vae.service import MelodyVAEService

    torch.set_num_threads(threads)
    rng = np.random.default_rng(2)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for i in range(count):
            write_midi(melody(rng), src / f"melody {i:04d}.mid")
        lib = MusicLibrary(Path(tmp) / "lib")
        t0 = time.perf_counter()
        report = lib.import_folder(src)
        t1 = time.perf_counter()
        svc = MelodyVAEService.load()
        t2 = time.perf_counter()
        latents = encode_missing_latents(svc, lib)
        t3 = time.perf_counter()
        assert len(report.added) == count and latents.encoded == count and not lib.missing_latents("vae")
        print(f"\nimport {count:,} small MIDI files with latents ({threads} torch thread(s); target ≤ 60 s):")
        print(f"  import                 {t1 - t0:6.1f} s  ({len(report.added)} added, {len(report.skipped)} skipped)")
        print(f"  load the VAE           {t2 - t1:6.1f} s")
        print(f"  latents                {t3 - t2:6.1f} s  ({latents.encoded} encoded)")
        print(f"  import + latents       {(t1 - t0) + (t3 - t2):6.1f} s  (with the VAE's load: {t3 - t0:.1f} s)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    bench_search(args.rows)
    bench_import(args.files, args.threads)


if __name__ == "__main__":
    main()
