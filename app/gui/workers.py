"""Background work without freezing the UI.

``Worker`` runs a function on a QThreadPool and reports through Qt signals that arrive on the
UI thread: started, progress(done, total), returned(result), errored(exception), finished.
A function with a ``progress`` parameter gets a ``progress(done, total)`` callback; after
``cancel()`` that callback raises ``Cancelled`` (core's one cancellation exception) so the job stops at its next report. A function
with a ``cancel`` parameter gets the worker's ``threading.Event``.

``Jobs`` starts workers by *kind* ("load", "render", "export:/path/x.wav"...). Each start gets a
request id; when a newer request of the same kind exists, the older one's result is dropped (and
the older job cancelled), so a slow, superseded load can never overwrite a newer one.
"""
from __future__ import annotations

import inspect
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from latentroll.core.cancel import Cancelled

PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress signals a second reach the UI


class WorkerSignals(QObject):
    started = Signal()
    progress = Signal(float, float)
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()


class Worker(QRunnable):
    def __init__(self, fn: Callable[..., Any], *args, **kwargs):
        super().__init__()
        self.setAutoDelete(False)  # Python owns it; Jobs drops the reference on ``finished``
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.signals = WorkerSignals()
        self._cancel = threading.Event()
        self._last_progress = 0.0
        self.done = False  # set before ``finished`` is emitted: a late listener can tell it missed it
        self.traceback: str | None = None
        params = _parameters(fn)
        if "progress" in params and "progress" not in kwargs:
            self.kwargs["progress"] = self.report
        if "cancel" in params and "cancel" not in kwargs:
            self.kwargs["cancel"] = self._cancel  # a threading.Event, as core.audio.render expects

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: float, total: float) -> None:
        """The ``progress`` callback handed to the job (thread-safe, rate limited)."""
        if self._cancel.is_set():
            raise Cancelled()
        now = time.monotonic()
        if done >= total or now - self._last_progress >= PROGRESS_INTERVAL_S:
            self._last_progress = now
            self.signals.progress.emit(float(done), float(total))

    def run(self) -> None:
        self.signals.started.emit()
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Cancelled:
            pass
        except BaseException as exc:  # reported to the user, never swallowed
            self.traceback = traceback.format_exc()
            exc.__latentroll_traceback__ = self.traceback
            if not self.cancelled:
                self.signals.errored.emit(exc)
        else:
            if not self.cancelled:
                self.signals.returned.emit(result)
        finally:
            self.done = True
            self.signals.finished.emit()


def _parameters(fn: Callable) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


@dataclass
class JobInfo:
    kind: str
    label: str
    request_id: int
    worker: Worker
    on_result: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    done: float = 0.0
    total: float = 0.0
    extra: dict = field(default_factory=dict)


class Jobs(QObject):
    """Starts workers and routes their results; drops results of superseded requests."""

    jobsChanged = Signal()  # a job started, finished or reported progress
    failed = Signal(str, object)  # label, exception (when the caller gave no on_error)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.pool = pool or QThreadPool(self)
        if pool is None:
            self.pool.setMaxThreadCount(2)
        self._latest: dict[str, int] = {}
        self._running: dict[int, JobInfo] = {}  # keyed by id(worker)
        self._counter = 0

    def start(
        self,
        kind: str,
        fn: Callable[..., Any],
        *args,
        label: str = "",
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        supersede: bool = True,
        **kwargs,
    ) -> Worker:
        """Run ``fn(*args, **kwargs)`` in the pool. With ``supersede`` a running job of the same
        kind is cancelled and its result will be dropped."""
        self._counter += 1
        rid = self._counter
        if supersede:
            for info in self._running.values():
                if info.kind == kind:
                    info.worker.cancel()
        self._latest[kind] = rid
        worker = Worker(fn, *args, **kwargs)
        info = JobInfo(kind, label or kind, rid, worker, on_result, on_error)
        self._running[id(worker)] = info
        # Queued to this (UI) thread; the guard drops events that arrive after the window is gone.
        sig = worker.signals
        sig.returned.connect(lambda r, i=info: self._alive() and self._on_returned(i, r))
        sig.errored.connect(lambda e, i=info: self._alive() and self._on_errored(i, e))
        sig.progress.connect(lambda d, t, i=info: self._alive() and self._on_progress(i, d, t))
        sig.finished.connect(lambda i=info: self._alive() and self._on_finished(i))
        self.pool.start(worker)
        self.jobsChanged.emit()
        return worker

    def _alive(self) -> bool:
        return shiboken6.isValid(self)

    def is_current(self, info: JobInfo) -> bool:
        return self._latest.get(info.kind) == info.request_id and not info.worker.cancelled

    def _on_returned(self, info: JobInfo, result: Any) -> None:
        if self.is_current(info) and info.on_result is not None:
            try:
                info.on_result(result)
            except Exception as exc:  # a failing result handler is a failed job, shown to the user
                exc.__latentroll_traceback__ = traceback.format_exc()
                self.failed.emit(info.label, exc)

    def _on_errored(self, info: JobInfo, exc: BaseException) -> None:
        if not self.is_current(info):
            return
        if info.on_error is not None:
            info.on_error(exc)
        else:
            self.failed.emit(info.label, exc)

    def _on_progress(self, info: JobInfo, done: float, total: float) -> None:
        info.done, info.total = done, total
        self.jobsChanged.emit()

    def _on_finished(self, info: JobInfo) -> None:
        self._running.pop(id(info.worker), None)
        self.jobsChanged.emit()

    # ---- inspection and shutdown -------------------------------------------------------
    def running(self) -> list[JobInfo]:
        return list(self._running.values())

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def cancel(self, kind: str) -> None:
        for info in self._running.values():
            if info.kind == kind:
                info.worker.cancel()

    def cancel_all(self) -> None:
        for info in self._running.values():
            info.worker.cancel()

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the pool is idle (shutdown and tests)."""
        return self.pool.waitForDone(timeout_ms)
