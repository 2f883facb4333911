"""One helper process: requests go through a pipe, replies come back tagged with their id.

Why a process: importing torch holds the GIL for 200–350 ms and music21 parses MusicXML in one
GIL-holding C call; in the UI's process either would freeze the window past its 50 ms budget.
The rules, the same for every helper:
- start method: a fork server where the platform has one (single-threaded, so forking is safe),
  else spawn; the child is started on first use.
- cancellation: a waiting caller polls its cancel event and raises ``Cancelled``; the request is
  abandoned, not interrupted, and its late reply is discarded.
- progress: ``run(fn, ..., progress=cb)`` gives the child's ``fn`` a ``progress(done, total)``
  keyword that sends ``(PROGRESS, id, done, total)`` back while it runs; the parent calls ``cb``.
  Such a call can also be stopped: on cancel the parent sends ``(CANCEL, id)``, and the child's
  next ``progress`` call raises ``Cancelled`` there; the parent waits up to ``CANCEL_GRACE_S`` for
  that reply, so the child is free again when ``run`` returns.
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
import time
import traceback
from typing import Any, Callable, ClassVar

from latentroll.core.cancel import Cancelled

POLL_S = 0.05
STOP = "stop"
REPLY, PROGRESS, CANCEL = "reply", "progress", "cancel"  # message tags (STOP is untagged)
CANCEL_GRACE_S = 2.0  # how long a cancelled streaming call may take to stop in the child
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


class _ChildPipe:
    """The child's end: requests that arrive while a call runs (a cancel, or the next request
    sent after the parent gave up waiting) are read by the running call's ``progress`` and kept
    here for the loop."""

    def __init__(self, conn):
        self.conn = conn
        self.pending: list = []
        self.cancelled: set[int] = set()

    def recv(self):
        return self.pending.pop(0) if self.pending else self.conn.recv()

    def _drain(self) -> None:
        while self.conn.poll(0):
            msg = self.conn.recv()
            if isinstance(msg, tuple) and msg[0] == CANCEL:
                self.cancelled.add(msg[1])
            else:
                self.pending.append(msg)

    def progress_for(self, rid: int) -> Callable[[int, int], None]:
        def progress(done, total) -> None:
            self._drain()
            if rid in self.cancelled:
                raise Cancelled()
            self.conn.send((PROGRESS, rid, done, total))
        return progress


def _serve(conn, threads: int) -> None:
    """The child's loop: one request at a time; a request is ``(id, fn, args, stream)`` and runs
    ``fn(*args)`` (``fn`` pickles by reference: a module-level function), with a ``progress``
    keyword when ``stream``."""
    os.environ["OMP_NUM_THREADS"] = str(threads)  # before any torch import in this child
    pipe = _ChildPipe(conn)
    while True:
        try:
            msg = pipe.recv()
        except EOFError:
            return
        if msg == STOP:
            return
        if msg[0] == CANCEL:
            continue  # for a call that has already replied
        rid, fn, args, stream = msg
        try:
            value = fn(*args, progress=pipe.progress_for(rid)) if stream else fn(*args)
            reply = (REPLY, rid, True, value, "")
        except BaseException as exc:  # sent back to the caller, shown to the user there
            reply = (REPLY, rid, False, exc, traceback.format_exc())
        pipe.cancelled.discard(rid)
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result or exception
            conn.send((REPLY, rid, False, RuntimeError(f"{type(exc).__name__}: {exc}"), traceback.format_exc()))


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

    def run(self, fn: Callable[..., Any], *args, cancel: threading.Event | None = None,
            progress: Callable[[int, int], None] | None = None) -> Any:
        """``fn(*args)`` in the child; blocks the calling (worker) thread until the reply, a
        cancel (``Cancelled``) or the child's death (``HelperStopped``). With ``progress``, the
        child calls ``fn(*args, progress=...)`` and each of its reports reaches ``progress`` here;
        a cancel (the event, or ``progress`` raising ``Cancelled``) then stops ``fn`` in the child."""
        with self._lock:
            self._ensure()
            rid = next(self._ids)
            conn, proc = self._conn, self._proc
            try:
                conn.send((rid, fn, args, progress is not None))
                ok, value, tb = self._wait(conn, proc, rid, cancel, progress)
            except (EOFError, OSError, BrokenPipeError):
                self._close()
                raise HelperStopped(f"the {self.name} process stopped unexpectedly; try again") from None
        if ok:
            return value
        if tb:
            value.__latentroll_traceback__ = tb
        raise value

    @staticmethod
    def _wait(conn, proc, rid: int, cancel: threading.Event | None, progress) -> tuple[bool, Any, str]:
        """The reply to ``rid``: (ok, value, traceback). Replies to abandoned requests are dropped."""
        while True:
            try:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                if conn.poll(POLL_S):
                    msg = conn.recv()
                    if msg[1] != rid:
                        continue
                    if msg[0] == REPLY:
                        return msg[2], msg[3], msg[4]
                    if progress is not None:
                        progress(msg[2], msg[3])
                elif not proc.is_alive():
                    raise EOFError
            except Cancelled:
                if progress is not None:  # the child stops at its next report; wait for that
                    conn.send((CANCEL, rid))
                    deadline = time.monotonic() + CANCEL_GRACE_S
                    while time.monotonic() < deadline and conn.poll(max(0.0, deadline - time.monotonic())):
                        msg = conn.recv()
                        if msg[0] == REPLY and msg[1] == rid:
                            break
                raise  # else the reply arrives later and is discarded

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
