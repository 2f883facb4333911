"""The interpreter settings of the app's process: garbage collection on the UI thread only, and a
short GIL switch interval. They are process-wide, so the app's ``run()`` sets them (``UiInterpreter``)
and undoes them on exit; a window never does.

Left alone, the collector runs in whichever thread happens to allocate. A full collection in
a worker then holds the GIL for a long time (the UI freezes) and may finalize Qt objects off the
UI thread. So, like other Qt apps: collect once and freeze start-up objects (they are never
garbage, and skipping them keeps later full collections short), turn automatic collection off,
and collect from a UI-thread timer using Python's own thresholds.

Workers hand the GIL back to the UI thread every 2 ms instead of Python's default 5 ms, so a
busy worker delays a UI event by less.
"""
from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 100
GIL_SWITCH_S = 0.002


class MainThreadGC(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.collect()
        gc.freeze()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> int:
        """Collect the oldest generation whose threshold is exceeded; returns it (or -1)."""
        t0, t1, t2 = gc.get_threshold()
        c0, c1, c2 = gc.get_count()
        gen = -1
        if c0 > t0:
            gen = 0
            if c1 > t1:
                gen = 1
                if c2 > t2:
                    gen = 2
        if gen >= 0:
            gc.collect(gen)
        return gen

    def stop(self) -> None:
        self.timer.stop()
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()


class UiInterpreter:
    """Both settings for as long as the UI runs: create it before the main window, ``restore()``
    after the event loop (tests that build windows do the same around each window)."""

    def __init__(self, parent: QObject | None = None):
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, GIL_SWITCH_S))
        self.gc = MainThreadGC(parent)

    def restore(self) -> None:
        self.gc.stop()
        sys.setswitchinterval(self._switch_interval)
