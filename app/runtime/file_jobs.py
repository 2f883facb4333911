"""Heavy file jobs in the file helper process.

Threads are enough for most jobs (FluidSynth and libsndfile release the GIL), but music21 parses
MusicXML with ElementTree in one C call that holds the GIL for hundreds of milliseconds on a big
score. Those run in their own helper (not the model process, so a long harmonization never
delays opening a file).
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from latentroll.core.io.errors import MusicFileError

from .helper_process import HelperProcess, HelperStopped

FILES_HELPER = "files"


def run_file_job(fn: Callable[..., Any], *args, cancel: threading.Event | None = None) -> Any:
    """``fn(*args)`` in the file helper (``fn`` and the result must pickle)."""
    try:
        return HelperProcess.shared(FILES_HELPER).run(fn, *args, cancel=cancel)
    except HelperStopped as exc:
        raise MusicFileError(str(exc)) from None


def shutdown_file_helper() -> None:
    """Stop the file helper (a window closed); the next job starts a fresh one."""
    HelperProcess.shared(FILES_HELPER).shutdown()
