"""``latentroll gui [FILE]``: open the desktop app (Qt is imported only when this runs)."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError


def register(subparsers) -> None:
    p = subparsers.add_parser("gui", help="open the LatentRoll window",
                              description="Open the LatentRoll desktop app, optionally with a file loaded.")
    p.add_argument("file", nargs="?", type=Path,
                   help="a project (.lrproj) or music file (.mid, .musicxml, .mxl, .abc) to open")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.file is not None and not args.file.exists():
        raise UsageError(f"no such file: {args.file}")
    try:
        from latentroll.app.gui.app import run as run_gui
    except ImportError as exc:
        raise UsageError(f"the desktop app needs PySide6: pip install 'latentroll[gui]' ({exc})") from None
    try:
        return run_gui(args.file)
    except RuntimeError as exc:  # a broken Qt binding: one line, not a crash minutes later
        raise UsageError(str(exc)) from None
