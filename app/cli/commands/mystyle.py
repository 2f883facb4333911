"""``latentroll mystyle train|list|delete|rename``: the user's own styles ("My style").

``train NAME FILES…`` fits a style on the melodies in 3-50 files (each file's first pitched track;
an ABC book gives each of its tunes, or tune N of each with ``--tune N``) and saves it in the user
data dir; ``latentroll generate --style NAME`` then samples in it.
"""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("mystyle", help="fit, list, rename or delete your own styles (My style)")
    cmds = p.add_subparsers(dest="mystyle_command", metavar="ACTION", required=True)
    t = cmds.add_parser("train", help="fit a style on 3-50 of your melodies (MIDI, MusicXML, ABC, .lrproj)")
    t.add_argument("name", help="the new style's name (letters, digits, spaces, - and _)")
    t.add_argument("files", nargs="+", metavar="FILE", help="melody files")
    t.add_argument("--tune", type=int, metavar="N", help="take tune N (1-based) of each multi-tune ABC book "
                                                        "(default: every tune of a book)")
    t.add_argument("--model-dir", help="VAE model folder (default: the shipped one)")
    t.set_defaults(func=run_train)
    ls = cmds.add_parser("list", help="list your styles")
    ls.set_defaults(func=run_list)
    d = cmds.add_parser("delete", help="delete one of your styles")
    d.add_argument("name")
    d.set_defaults(func=run_delete)
    r = cmds.add_parser("rename", help="rename one of your styles")
    r.add_argument("old")
    r.add_argument("new")
    r.set_defaults(func=run_rename)


def read_melodies(paths: list[str], tune: int | None = None):
    """One melody track per file (per tune of an ABC book); a file without one is a UsageError."""
    from latentroll.core.io.formats import tune_count

    from ..clips import melody_track

    out = []
    for path in paths:
        count = 1 if tune is not None else tune_count(path)
        for i in ([tune] if tune is not None else range(1, count + 1) if count > 1 else [None]):
            out.append(melody_track(path, tune=i)[1])
    return out


def run_train(args) -> int:
    from latentroll.models.mystyle.store import MAX_MELODIES, MyStyleStore, check_name
    from latentroll.models.mystyle.train import check_melodies

    from ..errors import UsageError
    from ..progress import progress_bar

    store = MyStyleStore()
    name = check_name(args.name)
    if name in store:
        raise UsageError(f"a style named {name!r} exists; choose another name or delete it first")
    if len(args.files) > MAX_MELODIES:
        raise UsageError(f"a style is fitted on at most {MAX_MELODIES} melodies (got {len(args.files)} files)")
    melodies = read_melodies(args.files, args.tune)
    check_melodies(melodies)  # before torch loads: bad input fails at once
    from latentroll.models.mystyle.train import train_my_style
    from latentroll.models.vae.service import MelodyVAEService

    svc = MelodyVAEService.load(args.model_dir)
    with progress_bar("Fitting", unit="step", enabled=sys.stderr.isatty()) as update:
        info = train_my_style(name, melodies, svc, store, progress=update)
    print(f"saved style {info.name!r}: {info.melodies} melodies, {info.windows} two-bar phrases, "
          f"nearest corpus style {info.base_style}, fitted in {info.fit_seconds:.2f} s ({store.folder / info.name})")
    print(f"try: latentroll generate --style {_quoted(info.name)} -o mine.mid")
    return 0


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name


def run_list(args) -> int:
    from latentroll.models.mystyle.store import MyStyleStore

    store = MyStyleStore()
    styles = store.list()
    if not styles:
        print(f"no styles of yours yet (they live in {store.folder}); fit one with "
              "`latentroll mystyle train NAME FILES…`", file=sys.stderr)
        return 0
    width = max(len(s.name) for s in styles)
    for s in styles:
        print(f"{s.name:<{width}}  {s.melodies} melodies, {s.windows} phrases, near {s.base_style}, {s.created}")
    return 0


def run_delete(args) -> int:
    from latentroll.models.mystyle.store import MyStyleStore

    MyStyleStore().delete(args.name)
    print(f"deleted style {args.name!r}")
    return 0


def run_rename(args) -> int:
    from latentroll.models.mystyle.store import MyStyleStore

    info = MyStyleStore().rename(args.old, args.new)
    print(f"renamed {args.old!r} to {info.name!r}")
    return 0
