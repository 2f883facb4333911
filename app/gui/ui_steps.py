"""UI-thread work split into steps, one step per event-loop turn.

Building widgets and pyqtgraph items must happen on the UI thread, and a big batch of it (a
panel's tabs, a plot's items and legend) would stall the window past the 50 ms budget. Splitting
it only helps if the event loop really gets a turn between the steps: ``QTimer.singleShot(0, f)``
posts an event, and Qt delivers the posted events of one pass together, so a chain of them (and
the repaints they post) can still run back to back. A zero-interval QTimer object fires from the
event dispatcher's timer source instead: posted events (repaints) and input are handled between
two steps, and so are the other timers that fell due during a step.
"""
from __future__ import annotations

from collections import deque
from typing import Callable

from PySide6.QtCore import QObject, QTimer


class UiSteps(QObject):
    """A queue of callables run one per event-loop turn, in order."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._queue: deque[Callable[[], object]] = deque()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_one)

    @property
    def pending(self) -> int:
        return len(self._queue)

    def add(self, *steps: Callable[[], object]) -> None:
        """Queue ``steps`` after those already queued; the first runs on a later turn."""
        self._queue.extend(steps)
        if self._queue and not self._timer.isActive():
            self._timer.start()

    def cancel(self) -> None:
        """Drop the steps not run yet."""
        self._queue.clear()
        self._timer.stop()

    def _run_one(self) -> None:
        if not self._queue:
            return
        try:
            self._queue.popleft()()
        finally:  # a step that raises does not stop the rest
            if self._queue:
                # started after the step, so timers that fell due meanwhile (they are ordered
                # by due time) run before the next step
                self._timer.start()
