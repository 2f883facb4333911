"""One helper process: requests go through a pipe, replies come back tagged with their id.

Why a process: importing torch holds the GIL for 200–350 ms and music21 parses MusicXML in one
GIL-holding C call; in the UI's process either would freeze the window past its 50 ms budget.
The rules, the same for every helper:
- start method: a fork server where the platform has one (single-threaded, so forking is safe),
  else spawn; the child is started on first use.
- cancellation: a waiting caller polls its cancel event and raises ``Cancelled``; the request is
  abandoned, not interrupted, and its late reply is discarded.
- restart: if the child dies, the waiting call raises ``HelperStopped`` with a message for users,
  and the next request starts a fresh child.
- the child gets everything it needs with each request (functions, folders, settings); it never
  relies on the parent's environment as it was when the fork server started.
No Qt here: the child must not import it.
"""
from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.util
import os
import threading
import traceback
from typing import Any, Callable, ClassVar

from latentroll.core.cancel import Cancelled

POLL_S = 0.05
STOP = "stop"
# Imported once by the fork server, so each child starts with them loaded (no torch: the file
# helper never needs it, and the model helper imports it on its first model).
PRELOAD = ["latentroll.core.io.formats"]


class HelperStopped(RuntimeError):
    """The helper process died while working; the next request starts a fresh one."""


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def default_threads() -> int:
    """Half the cores: the UI, audio and renders keep the rest."""
    return max(1, (os.cpu_count() or 2) // 2)


def _serve(conn, threads: int) -> None:
    """The child's loop: one request at a time; a request is ``(id, fn, args)`` and runs
    ``fn(*args)`` (``fn`` pickles by reference: a module-level function)."""
    os.environ["OMP_NUM_THREADS"] = str(threads)  # before any torch import in this child
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg == STOP:
            return
        rid, fn, args = msg
        try:
            reply = (rid, True, fn(*args), "")
        except BaseException as exc:  # sent back to the caller, shown to the user there
            reply = (rid, False, exc, traceback.format_exc())
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result or exception
            conn.send((rid, False, RuntimeError(f"{type(exc).__name__}: {exc}"), traceback.format_exc()))


class HelperProcess:
    """A helper process and the pipe to it. Thread-safe; requests run one at a time.

    ``shared(name)`` gives the app's one helper of that name ("models", "files"): every window
    (and every test) talks to the same child, whose loaded state stays warm."""

    _shared: ClassVar[dict[str, "HelperProcess"]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def shared(cls, name: str) -> "HelperProcess":
        with cls._shared_lock:
            if name not in cls._shared:
                cls._shared[name] = cls(name)
            return cls._shared[name]

    @classmethod
    def shutdown_all(cls) -> None:
        with cls._shared_lock:
            helpers = list(cls._shared.values())
        for helper in helpers:
            helper.shutdown()

    def __init__(self, name: str, threads: int | None = None):
        self.name = name
        self.threads = threads or default_threads()
        self._lock = threading.Lock()
        self._proc = None
        self._conn = None
        self._ids = itertools.count(1)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    def _ensure(self) -> None:
        if self.running:
            return
        self._close()
        ctx = _context()
        parent, child = ctx.Pipe()
        # Not a daemon: a daemonic child may not start processes of its own, and the ABC reader
        # parses each tune in a forked child under a time and memory limit. The child still ends
        # with the app: ``shutdown_all`` runs at exit, and a parent that dies closes the pipe.
        proc = ctx.Process(target=_serve, args=(child, self.threads), name=f"latentroll-{self.name}")
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def run(self, fn: Callable[..., Any], *args, cancel: threading.Event | None = None) -> Any:
        """``fn(*args)`` in the child; blocks the calling (worker) thread until the reply, a
        cancel (``Cancelled``) or the child's death (``HelperStopped``)."""
        with self._lock:
            self._ensure()
            rid = next(self._ids)
            conn, proc = self._conn, self._proc
            try:
                conn.send((rid, fn, args))
                while True:
                    if cancel is not None and cancel.is_set():
                        raise Cancelled()  # the reply arrives later and is discarded
                    if conn.poll(POLL_S):
                        got, ok, value, tb = conn.recv()
                        if got == rid:
                            break
                    elif not proc.is_alive():
                        raise EOFError
            except (EOFError, OSError, BrokenPipeError):
                self._close()
                raise HelperStopped(f"the {self.name} process stopped unexpectedly; try again") from None
        if ok:
            return value
        if tb:
            value.__latentroll_traceback__ = tb
        raise value

    def shutdown(self, timeout: float = 5.0) -> None:
        with self._lock:
            if self._conn is not None and self.running:
                try:
                    self._conn.send(STOP)
                except (OSError, BrokenPipeError):
                    pass
                self._proc.join(timeout)
            self._close()

    def _close(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(2.0)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None


# Stop the helpers when the interpreter exits, before multiprocessing's exit hook joins every
# non-daemon child (a helper waiting for its next request would keep that join waiting forever).
multiprocessing.util.Finalize(None, HelperProcess.shutdown_all, exitpriority=10)
