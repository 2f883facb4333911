"""``latentroll data build|info``: parse music21's corpus once into the training cache."""
from __future__ import annotations

import json
import os


def register(sub) -> None:
    p = sub.add_parser("data", help="build or describe the training corpus cache")
    p.add_argument("action", choices=["build", "info", "fixture"],
                   help="build the cache, describe it, or write the small held-out test fixture")
    p.add_argument("--workers", type=int, default=2, help="parser processes (default 2)")
    p.add_argument("--out", help="cache file (default: the user cache dir)")
    p.add_argument("--only", choices=["melody", "drums", "chords"],
                   help="build/describe only the melody corpus, the drum cache (GMD) or the lead-sheet cache "
                        "the chord models train on (OpenEWLD); default all three")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from latentroll.models.data.corpus import Corpus, build_corpus, default_cache_path

    from ..errors import UsageError
    from ..progress import progress_bar

    if args.only == "drums":
        return _drums(args)
    if args.only == "chords":
        return _leadsheets(args)
    path = Path(args.out) if args.out else default_cache_path()
    if args.action == "fixture":
        from latentroll.models.data.splits import held_out_sample

        out = Path(args.out or "resources/fixtures/corpus_small.npz")
        check_output_folder(out)
        if not default_cache_path().is_file():
            raise UsageError(f"no corpus cache at {default_cache_path()}; run `latentroll data build` first")
        small = held_out_sample(Corpus.load(default_cache_path()))
        small.save(out)
        print(json.dumps({"path": str(out), "tunes": len(small.tunes), "by_style": small.by_style()}, indent=2))
        return 0
    if args.action == "info":
        if not path.is_file():
            raise UsageError(f"no corpus cache at {path}; run `latentroll data build`")
        c = Corpus.load(path)
        print(json.dumps({"path": str(path), "tunes": len(c.tunes), "by_style": c.by_style()}, indent=2))
        return 0
    check_output_folder(path)
    with progress_bar("parsing corpus", unit="file") as update:
        corpus, failures = build_corpus(workers=args.workers, progress=update)
    path.parent.mkdir(parents=True, exist_ok=True)
    corpus.save(path)
    print(json.dumps({"path": str(path), "tunes": len(corpus.tunes), "failed": failures,
                      "by_style": corpus.by_style()}, indent=2))
    return 0 if args.only == "melody" else _drums(args) or _leadsheets(args)


DRUM_FIXTURE_FILES = 4  # per split: what the drum models' tests train and measure on


def _drums(args) -> int:
    """The drum cache from the vendored Groove MIDI Dataset (``models/drums/data.py``); ``fixture``
    writes a few of its files (4 per split) as the tests' drum fixture."""
    from pathlib import Path

    from latentroll.models.drums.data import (
        DrumCorpus,
        build_drum_corpus,
        default_drum_cache_path,
        groove_dir,
        read_info,
    )

    from ..errors import UsageError
    from ..progress import progress_bar

    if args.action == "fixture":
        out = Path(args.out or "resources/fixtures/groove_small.npz")
        check_output_folder(out)
        rows = read_info(groove_dir())
        ids = {r["id"] for s in ("train", "validation", "test")
               for r in [r for r in rows if r["split"] == s and r["beat_type"] == "beat"
                         and r["time_signature"] == "4-4"][:DRUM_FIXTURE_FILES]}
        small = build_drum_corpus(only=ids)
        small.save(out)
        print(json.dumps({"path": str(out), **small.summary()}, indent=2))
        return 0
    path = Path(args.out) if args.out and args.only == "drums" else default_drum_cache_path()
    if args.action == "info":
        if not path.is_file():
            raise UsageError(f"no drum cache at {path}; run `latentroll data build --only drums`")
        print(json.dumps({"path": str(path), **DrumCorpus.load(path).summary()}, indent=2))
        return 0
    check_output_folder(path)
    with progress_bar("reading drum MIDI", unit="file") as update:
        drums = build_drum_corpus(progress=update)
    drums.save(path)
    print(json.dumps({"path": str(path), **drums.summary()}, indent=2))
    return 0


def _leadsheets(args) -> int:
    """The lead-sheet cache the chord models train on, from the vendored OpenEWLD scores
    (``models/chords/data.py``)."""
    from pathlib import Path

    from latentroll.models.chords.data import LeadSheetError, LeadSheets, default_cache_path

    from ..errors import UsageError

    if args.action == "fixture":
        raise UsageError("`data fixture` writes the melody and drum fixtures only; not --only chords")
    path = Path(args.out) if args.out and args.only == "chords" else default_cache_path()
    if args.action == "info":
        try:
            sheets = LeadSheets.load(path)
        except LeadSheetError as e:
            raise UsageError(f"{e}; run `latentroll data build --only chords`") from None
        print(json.dumps({"path": str(path), "songs": len(sheets.songs), **sheets.counts}, indent=2))
        return 0
    return build_leadsheet_cache(path)


def build_leadsheet_cache(path) -> int:
    """Parse the vendored lead sheets into ``path`` (``data build`` and ``chords data``)."""
    from latentroll.models.chords.data import build_leadsheets

    from ..progress import progress_bar

    check_output_folder(path)
    with progress_bar("parsing lead sheets", unit="file") as update:
        sheets = build_leadsheets(progress=update)
    sheets.save(path)
    print(json.dumps({"path": str(path), "songs": len(sheets.songs), **sheets.counts}, indent=2))
    return 0


def check_output_folder(path) -> None:
    """The cache file's folder can be made and written, checked before minutes of parsing."""
    from latentroll.core.io.errors import MusicFileError

    if path.is_dir():
        raise MusicFileError(f"cannot write {path}: it is a folder, not a file")
    folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), None)
    if folder is None or not folder.is_dir():
        raise MusicFileError(f"cannot write {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK):
        raise MusicFileError(f"cannot write {path}: folder {folder} is not writable")
