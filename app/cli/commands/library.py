"""``latentroll library import FOLDER | list [--search TEXT] | similar FILE``: the music library
(the same folder and database as the app's Library panel) from the command line."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("library", help="import MIDI into your music library, list it, find clips like one")
    p.add_argument("--library", metavar="DIR", help="the library folder (default: the app's, in the user data dir)")
    cmds = p.add_subparsers(dest="library_command", metavar="ACTION", required=True)

    imp = cmds.add_parser("import", help="import every MIDI file under a folder (a report says what was skipped)")
    imp.add_argument("folder")
    imp.add_argument("--no-latents", action="store_true",
                     help="do not compute the VAE latents now (the app computes them in the background)")
    imp.set_defaults(func=run_import)

    ls = cmds.add_parser("list", help="list the library (or what a search finds)")
    ls.add_argument("--search", default="", metavar="TEXT", help="every word in the title, style, tags, key…")
    ls.add_argument("--style")
    ls.add_argument("--tag")
    ls.add_argument("--favourites", action="store_true")
    ls.add_argument("--json", action="store_true", help="print JSON records instead of text")
    ls.set_defaults(func=run_list)

    sim = cmds.add_parser("similar", help="the library clips most like FILE (by the VAE's latent, cosine)")
    sim.add_argument("file", help="a library file name (as `library list` shows) or a MIDI file anywhere")
    sim.add_argument("-k", type=int, default=10, help="how many (1-100, default 10)")
    sim.add_argument("--style")
    sim.add_argument("--key", help="only clips in this key, e.g. 'D minor'")
    sim.add_argument("--tag", action="append", default=[], help="only clips with this tag (repeatable)")
    sim.add_argument("--json", action="store_true")
    sim.set_defaults(func=run_similar)


def _library(args):
    from latentroll.core.app_paths import AppPaths
    from latentroll.core.library import MusicLibrary

    return MusicLibrary(Path(args.library) if args.library else AppPaths.default().library_dir)


def _vae():
    from latentroll.models.vae.service import MelodyVAEService  # torch: only when latents are needed

    return MelodyVAEService.load()


def run_import(args) -> int:
    from latentroll.app.calls.library import encode_missing_latents

    from ..progress import progress_bar

    lib = _library(args)
    with progress_bar("Importing", unit="file") as update:
        report = lib.import_folder(args.folder, update)
    print(report.summary())
    for s in report.skipped:
        print(f"  skipped {s.path}: {s.reason}")
    if report.added and not args.no_latents:
        with progress_bar("Latents", unit="clip") as update:
            latents = encode_missing_latents(_vae(), lib, progress=update)
        print(f"computed {latents.encoded} latent(s)" +
              (f"; {len(latents.skipped)} clip(s) have no melody to compare" if latents.skipped else ""))
    return 0


def run_list(args) -> int:
    lib = _library(args)
    listing = lib.listing()
    if listing.problem:
        print(f"latentroll: note: {listing.problem}", file=sys.stderr)
    entries = lib.search(args.search, tag=args.tag, style=args.style, favourites=args.favourites)
    if args.json:
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=1))
        return 0
    for e in entries:
        extra = " · ".join(x for x in (e.style, e.key, f"{e.bars} bars", ", ".join(e.tags)) if x)
        print(f"{'★' if e.favourite else ' '} {e.file}  {e.title if e.title != Path(e.file).stem else ''}"
              f"  [{extra}]".replace("   [", "  ["))
    if not entries:
        print("(nothing)" if args.search or args.style or args.tag or args.favourites else "(the library is empty)")
    return 0


def run_similar(args) -> int:
    from latentroll.app.calls.library import SimilarRequest, similar_clips, similar_stored, song_melody

    from ..clips import melody_track
    from ..errors import UsageError

    if not 1 <= args.k <= 100:
        raise UsageError("-k must be between 1 and 100")
    lib = _library(args)
    lib.listing()
    filters = {"k": args.k, "style": args.style, "key": args.key, "tags": tuple(args.tag)}
    in_library = Path(args.file).name == args.file and lib.path_of(args.file).is_file()
    if in_library:
        req = SimilarRequest(file=args.file, **filters)
        result = similar_stored(lib, req) or similar_clips(_vae(), lib, req)
    else:
        if not Path(args.file).is_file():
            raise UsageError(f"{args.file} is neither a library file (see `latentroll library list`) nor a file")
        song, _ = melody_track(args.file)  # a clear error for a file without a melody
        req = SimilarRequest(track=song_melody(song), **filters)
        result = similar_clips(_vae(), lib, req)
    if args.json:
        print(json.dumps([{**e.to_json(), "score": round(s, 4)} for e, s in result.hits], ensure_ascii=False,
                         indent=1))
    else:
        for e, s in result.hits:
            print(f"{s:6.3f}  {e.file}  [{' · '.join(x for x in (e.style, e.key) if x)}]")
        if not result.hits:
            print("(no clips to compare with)")
    if result.missing:
        print(f"latentroll: note: {result.missing} clip(s) have no latent yet and were not compared "
              "(`latentroll library import` or the app computes them)", file=sys.stderr)
    return 0
