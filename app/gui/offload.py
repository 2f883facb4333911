"""Run GIL-holding work in a helper process so the UI thread keeps its 50 ms budget.

Threads are enough for most jobs (FluidSynth and libsndfile release the GIL), but music21
parses MusicXML with ElementTree in one C call that holds the GIL for hundreds of milliseconds
on a big score. Those parses go to a one-process pool (started from a fork server, which is
single-threaded, so forking is safe). A worker thread waits for the result, polling its cancel
event; a cancelled request simply leaves its result unread. No Qt here: the child process must
not import it.
"""
from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from latentroll.core.io.errors import MusicFileError

PRELOAD = ["latentroll.core.io.formats"]
POLL_S = 0.05

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


class OffloadCancelled(Exception):
    """The caller cancelled while the helper process was still working."""


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=_context())
        return _pool


def run(fn: Callable[..., Any], *args, cancel: threading.Event | None = None) -> Any:
    """``fn(*args)`` in the helper process (``fn`` and the result must pickle)."""
    future: Future = _get_pool().submit(fn, *args)
    try:
        while True:
            if cancel is not None and cancel.is_set():
                future.cancel()
                raise OffloadCancelled()
            try:
                return future.result(timeout=POLL_S)
            except TimeoutError:
                continue
    except BrokenProcessPool:
        shutdown()
        raise MusicFileError("the file reader process stopped unexpectedly; try again") from None


def shutdown() -> None:
    """Stop the helper process (window closed); the next ``run`` starts a new one."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
