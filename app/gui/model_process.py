"""Run the neural models in a helper process, so torch never enters the UI process.

Importing torch holds the GIL for 200–350 ms (its C extension loads in one call); in the UI
process that alone would freeze the window far past the 50 ms budget, and every model call
would compete with painting for the GIL. So the services live in one child process, started on
first use: worker threads send it requests through a pipe and wait, polling their cancel event.
A cancelled request is abandoned (its late reply is discarded), not interrupted. If the child
dies, the call fails with a clear message and the next call starts a fresh one.

No Qt here: the child must not import it. Results are plain data (core Tracks, NumPy arrays).
"""
from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from latentroll.models.data.melody import MelodyError

POLL_S = 0.05
STOP = "stop"


class ModelUnavailable(MelodyError):
    """No weights, or the model process is gone: the message tells the user what to do."""


class WeightsMissing(ModelUnavailable):
    """The model's folder has no weights file."""


class ModelCancelled(Exception):
    """The caller cancelled while the model process was still working."""


@dataclass(frozen=True)
class ModelInfo:
    """What the app needs to know about a loaded model (plain data: it crosses the pipe)."""

    name: str
    styles: tuple[tuple[str, str], ...]  # (name, one-line description)
    attributes: tuple[str, ...]
    clip_ticks: int  # the model's clip length; 0 when it has none
    map_points: Any = None  # (n, 2) float32 corpus points of the 2-D map, or None
    map_styles: Any = None  # (n,) style index per point


# ---- the child --------------------------------------------------------------------------

_services: dict[tuple[str, str], Any] = {}


def _service(ref: str, model_dir: str):
    key = (ref, model_dir)
    if key not in _services:
        module, _, cls = ref.partition(":")
        _services[key] = getattr(importlib.import_module(module), cls).load(model_dir)
    return _services[key]


def child_load(ref: str, model_dir: str) -> ModelInfo:
    """What the panels need to know; a service without styles, attributes or a clip length
    (the chorale CNN, the autoencoder) reports none."""
    svc = _service(ref, model_dir)
    stats = getattr(svc, "stats", None)
    styles = svc.styles() if hasattr(svc, "styles") else ()
    attributes = svc.attributes() if hasattr(svc, "attributes") else ()
    return ModelInfo(
        name=svc.name,
        styles=tuple((s.name, s.description) for s in styles),
        attributes=tuple(attributes),
        clip_ticks=int(getattr(svc, "clip_ticks", 0)),
        map_points=None if stats is None else stats.map_points,
        map_styles=None if stats is None else stats.map_styles,
    )


def child_call(ref: str, model_dir: str, method: str, args: tuple, kwargs: dict):
    if method.startswith("_"):
        raise ValueError(f"not a service call: {method!r}")
    return getattr(_service(ref, model_dir), method)(*args, **kwargs)


_CHILD_FUNCTIONS = {"load": child_load, "call": child_call}


def _serve(conn, threads: int) -> None:
    """The child's loop: one request at a time, replies tagged with the request id."""
    import torch

    torch.set_num_threads(threads)
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg == STOP:
            return
        rid, name, args = msg
        try:
            reply = (rid, True, _CHILD_FUNCTIONS[name](*args), "")
        except BaseException as exc:  # sent back to the caller, shown to the user there
            reply = (rid, False, exc, traceback.format_exc())
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result or exception
            conn.send((rid, False, RuntimeError(f"{type(exc).__name__}: {exc}"), traceback.format_exc()))


# ---- the parent -------------------------------------------------------------------------

def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def default_threads() -> int:
    """Half the cores: the UI, audio and renders keep the rest."""
    return max(1, (os.cpu_count() or 2) // 2)


class ModelProcess:
    """The helper process and the pipe to it. Thread-safe; requests run one at a time.

    ``shared()`` is the one the app uses: every window (and every test) talks to the same
    child, whose services stay loaded, keyed by model folder."""

    _shared: "ModelProcess | None" = None
    _shared_lock = threading.Lock()

    @classmethod
    def shared(cls) -> "ModelProcess":
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def __init__(self, threads: int | None = None):
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
        proc = ctx.Process(target=_serve, args=(child, self.threads), name="latentroll-models", daemon=True)
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def request(self, name: str, *args, cancel: threading.Event | None = None):
        """Run ``_CHILD_FUNCTIONS[name](*args)`` in the child; blocks the calling (worker) thread."""
        with self._lock:
            self._ensure()
            rid = next(self._ids)
            conn, proc = self._conn, self._proc
            try:
                conn.send((rid, name, args))
                while True:
                    if cancel is not None and cancel.is_set():
                        raise ModelCancelled()  # the reply arrives later and is discarded
                    if conn.poll(POLL_S):
                        got, ok, value, tb = conn.recv()
                        if got == rid:
                            break
                    elif not proc.is_alive():
                        raise EOFError
            except (EOFError, OSError, BrokenPipeError):
                self._close()
                raise ModelUnavailable("the model process stopped unexpectedly; try again") from None
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


class RemoteService:
    """Stands in for a service inside a worker: ``svc.generate(...)`` runs in the child.

    Job functions take this (or, in tests of their logic, a real service) as their first
    argument. The worker's cancel event makes a waiting call give up at once."""

    def __init__(self, process: ModelProcess, ref: str, model_dir: Path, cancel: threading.Event | None = None):
        self._process = process
        self._ref = ref
        self._dir = str(model_dir)
        self._cancel = cancel

    def load(self) -> ModelInfo:
        return self._process.request("load", self._ref, self._dir, cancel=self._cancel)

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args, **kwargs):
            return self._process.request("call", self._ref, self._dir, method, args, kwargs, cancel=self._cancel)

        call.__name__ = method
        return call
