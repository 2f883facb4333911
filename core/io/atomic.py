"""Atomic writes: write to a temp file beside the target, fsync, then rename over it.

A crash or an error mid-write leaves the old file untouched and no half-written file behind.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import MusicFileError

_UMASK = os.umask(0)
os.umask(_UMASK)


def writable_folder(target: str | os.PathLike) -> Path:
    """The folder ``target`` would be written in; a clear error when it is missing or read-only."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise MusicFileError(f"cannot write {target}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise MusicFileError(f"cannot write {target}: folder {folder} is not writable")
    return folder


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """Yield a temp path to write; on success it replaces ``target``, on error it is removed."""
    target = Path(target)
    folder = writable_folder(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp makes 0600 files; give the result the old file's mode, or the usual umask one
        mode = target.stat().st_mode & 0o7777 if target.is_file() else 0o666 & ~_UMASK
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def atomic_write_bytes(target: str | os.PathLike, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(target: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))
