"""A timer probe of the UI thread: how long it went without running its timers, and how much of
that was the app's doing rather than the machine's.

A gap between two ticks of a short QTimer on the UI thread is a stall the user would feel. On a
machine whose cores are busy with other processes (a CI runner, a training job) part of a gap is
only the OS keeping the runnable UI thread off the CPU. Linux counts that time per thread (the
run-queue wait, second field of ``/proc/self/task/<tid>/schedstat``), so each gap is also given
minus it: the ``own`` gap is time the UI thread spent running our code or blocked on something
(the GIL, a pipe, a lock), which is what the app controls. Without schedstat the own gap is the
wall gap.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer


class RunQueueClock:
    """Seconds the calling thread has waited for a CPU while runnable (Linux schedstat)."""

    def __init__(self, native_id: int | None = None):
        tid = native_id if native_id is not None else threading.get_native_id()
        self.path = Path(f"/proc/self/task/{tid}/schedstat")
        self.available = self._read() is not None

    def _read(self) -> float | None:
        try:
            return int(self.path.read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return None

    def now(self) -> float:
        got = self._read() if self.available else None
        return got if got is not None else 0.0


@dataclass(frozen=True)
class Gap:
    phase: str
    wall_ms: float  # between two ticks
    own_ms: float   # minus the UI thread's run-queue wait in that time


class GapProbe:
    """Ticks every ``interval_ms`` on the UI thread (create it there) and records every gap."""

    def __init__(self, interval_ms: int = 10):
        self.clock = RunQueueClock()
        self.gaps: list[Gap] = []
        self.phase = ""
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self._last = self._queued = 0.0

    def start(self, phase: str | None = None) -> None:
        if phase is not None:
            self.phase = phase
        self._last, self._queued = time.perf_counter(), self.clock.now()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def clear(self) -> None:
        self.gaps = []

    def _tick(self) -> None:
        now, queued = time.perf_counter(), self.clock.now()
        wall = (now - self._last) * 1000
        self.gaps.append(Gap(self.phase, wall, max(0.0, wall - (queued - self._queued) * 1000)))
        self._last, self._queued = now, queued

    def of(self, phase: str | None = None) -> list[Gap]:
        return [g for g in self.gaps if phase is None or g.phase == phase]

    def worst(self, phase: str | None = None) -> float:
        return max((g.wall_ms for g in self.of(phase)), default=0.0)

    def worst_own(self, phase: str | None = None) -> float:
        return max((g.own_ms for g in self.of(phase)), default=0.0)

    def median(self, phase: str | None = None) -> float:
        walls = sorted(g.wall_ms for g in self.of(phase))
        return walls[len(walls) // 2] if walls else 0.0

    def phases(self) -> list[str]:
        return list(dict.fromkeys(g.phase for g in self.gaps))
