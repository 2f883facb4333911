"""Whole-file reads and atomic writes whose failures reach users as one MusicFileError line."""
from __future__ import annotations

import os
from pathlib import Path

from .atomic import atomic_write_bytes
from .errors import MusicFileError


def read_file_bytes(path: str | os.PathLike) -> bytes:
    path = Path(path)
    if not path.exists():
        raise MusicFileError(f"no such file: {path}")
    if path.is_dir():
        raise MusicFileError(f"{path} is a folder, not a file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MusicFileError(f"cannot read {path}: {exc.strerror or exc}") from None


def write_file_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; the old file survives any failure."""
    path = Path(path)
    if path.is_dir():
        raise MusicFileError(f"cannot write {path}: it is a folder")
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise MusicFileError(f"cannot write {path}: {exc.strerror or exc}") from None
