"""Entry point of the ``latentroll`` command.

Each sub-command lives in ``commands/<name>.py`` with a ``register(subparsers)`` that adds its
parser and sets ``func``. User mistakes raise one of ``USER_ERRORS``: they print one line and exit
2, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from latentroll.core.commands import CommandError
from latentroll.core.io.errors import MusicFileError
from latentroll.core.theory import ScaleError
from latentroll.models.common.errors import MelodyError
from latentroll.models.data.corpus import CorpusError

from . import commands
from .errors import UsageError
from .ranges import check_ranges

USER_ERRORS: tuple[type[BaseException], ...] = (MusicFileError, CommandError, ScaleError, MelodyError, UsageError,
                                                CorpusError)
EXIT_USER_ERROR = 2


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("latentroll")
    except PackageNotFoundError:
        return "dev"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="latentroll",
        description="LatentRoll: sketch, generate, explore and export music, offline.",
    )
    parser.add_argument("--version", action="version", version=f"latentroll {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        check_ranges(parser, args)
        return int(args.func(args) or 0)
    except USER_ERRORS as exc:
        print(f"latentroll: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("latentroll: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `latentroll info F | head -1`: the reader left, which is fine
        _silence_stdout()
        return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
