"""Long work (harmonize, infill, render) as jobs: ``POST`` answers 202 with a job id at once; the
work runs in a bounded thread pool; progress, result and cancel go through the job's id.

Each job has its own cancel event: the progress callback raises ``Cancelled`` once it is set, and
model calls waiting on the model process give up at once (``RemoteService``'s cancel).
"""
from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from latentroll.core.cancel import Cancelled

from .errors import status_of

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINISHED = (DONE, FAILED, CANCELLED)

Progress = Callable[[int, int], None]


@dataclass
class Job:
    id: str
    kind: str
    cancel: threading.Event = field(default_factory=threading.Event)
    state: str = QUEUED
    done: int = 0
    total: int = 0
    error: str | None = None
    error_status: int | None = None
    result: Any = None
    created: float = field(default_factory=time.time)
    version: int = 0                  # bumped on every change: the event stream sends what changed
    future: Future | None = field(default=None, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def status(self) -> dict:
        out = {"id": self.id, "kind": self.kind, "state": self.state,
               "progress": {"done": self.done, "total": self.total}, "created": self.created}
        if self.error is not None:
            out["error"] = self.error
        if self.state == DONE:
            out["result"] = f"/jobs/{self.id}/result"
        return out


class JobManager:
    def __init__(self, workers: int = 2, kept: int = 200):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="latentroll-api-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._kept = kept

    def submit(self, kind: str, work: Callable[[Progress, threading.Event], Any]) -> Job:
        """Run ``work(progress, cancel)`` in the pool; its return value is the job's result."""
        job = Job(uuid.uuid4().hex, kind)
        with self._lock:
            self._jobs[job.id] = job
            self._prune()
        job.future = self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Ask the job to stop; a queued job stops at once, a running one at its next check."""
        job = self.get(job_id)
        if job is None:
            return None
        job.cancel.set()
        if job.future is not None and job.future.cancel():
            self._set(job, state=CANCELLED)
        return job

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)

    def shutdown(self) -> None:
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    # ---- internals -------------------------------------------------------------------------------
    def _run(self, job: Job, work: Callable[[Progress, threading.Event], Any]) -> None:
        if job.cancel.is_set():
            self._set(job, state=CANCELLED)
            return
        self._set(job, state=RUNNING)

        def progress(done: int, total: int) -> None:
            if job.cancel.is_set():
                raise Cancelled()
            self._set(job, done=int(done), total=int(total))

        try:
            result = work(progress, job.cancel)
        except Cancelled:
            self._set(job, state=CANCELLED)
        except Exception as exc:  # shown to the client as the job's error
            status = status_of(exc)
            message = str(exc) if status is not None else f"internal error: {type(exc).__name__}: {exc}"
            self._set(job, state=FAILED, error=message, error_status=status or 500)
        else:
            if job.cancel.is_set():
                self._set(job, state=CANCELLED)
            else:
                self._set(job, state=DONE, result=result, done=max(job.done, job.total))

    def _set(self, job: Job, **changes) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(job, k, v)
            job.version += 1

    def _prune(self) -> None:
        """Keep at most ``kept`` jobs: the oldest finished ones go first (running ones stay)."""
        excess = len(self._jobs) - self._kept
        for job_id in [j.id for j in self._jobs.values() if j.finished][:max(0, excess)]:
            del self._jobs[job_id]
