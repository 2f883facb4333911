"""The model panels: how long the user waits, and whether the UI thread ever stalls meanwhile.

Opens the main window (offscreen unless DISPLAY is set), opens the Generate panel and the Latent
Explorer, and times: window shown, model ready (model process + torch + weights), 8 melodies of
4 bars, a 7-step interpolation, an 11 × 11 corner grid, 8 samples from a map region. A 5 ms
timer on the UI thread records the longest gap between its ticks through all of it (budget:
50 ms), also without the time the OS kept the UI thread waiting for a CPU ("own", Linux; see
tests/app/stall_probe.py), which is what tells the app's stalls from a busy machine's. Uses the
shipped weights, or the folder in LATENTROLL_VAE_DIR.

Run: ``.venv/bin/python tests/benchmarks/bench_model_panels.py``
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
sys.path.insert(0, str(Path(__file__).parents[1] / "app"))

from stall_probe import GapProbe  # noqa: E402


class Probe(GapProbe):
    """A 5 ms UI-thread timer; its longest gap per phase, wall and own (see ``stall_probe``)."""

    def __init__(self):
        super().__init__(interval_ms=5)
        self.phase = "idle"
        self.start()


def open_window():
    """The themed QApplication and a shown main window with a temporary home."""
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from latentroll.app.gui.gc_control import UiInterpreter
    from latentroll.app.gui.main_window import MainWindow
    from latentroll.app.gui.paths import AppPaths
    from latentroll.app.gui.theme import apply_theme

    apply_theme(app)
    UiInterpreter(app)  # the app's run() sets the same interpreter settings
    w = MainWindow(paths=AppPaths.under(tempfile.mkdtemp()), dialogs=False, probe_audio=False,
                   check_recovery=False)
    w.resize(1600, 1000)
    w.show()
    app.processEvents()
    return app, w


SETTLE_S = 0.2


def waiter(app, probe: Probe):
    """``until(cond, phase)``: run the event loop until ``cond()``, counting stalls under ``phase``;
    returns the seconds it took. The loop then runs SETTLE_S more under the same phase: the
    repaints a phase causes count in it, and the next phase starts from an idle window."""
    from PySide6.QtCore import QEventLoop

    def run(cond, phase: str, timeout: float) -> float:
        t = time.perf_counter()
        while not cond():
            # blocks until an event (at the latest the probe's next tick): a spinning loop would
            # hold the GIL and a core, and slow the very workers it waits for
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            if time.perf_counter() - t > timeout:
                raise TimeoutError(phase)
        return time.perf_counter() - t

    def until(cond, phase: str, timeout: float = 300.0) -> float:
        probe.phase = phase
        took = run(cond, phase, timeout)
        end = time.perf_counter() + SETTLE_S
        run(lambda: time.perf_counter() > end, phase, timeout)
        return took

    return until


def main() -> int:
    app, w = open_window()
    shown = time.perf_counter() - T0
    probe = Probe()
    until = waiter(app, probe)
    mp = w.model_panels
    results: dict[str, float] = {}
    mp.show_generate()
    mp.show_explorer()
    results["model ready (first use)"] = until(lambda: mp.host.ready("vae") and mp.explorer is not None, "load")
    if not mp.host.ready("vae"):
        print(mp.host.errors)
        return 1
    gen = mp.generate
    gen.variations.setValue(8)
    gen.bars.setValue(4)
    gen.generate()
    results["generate 8 × 4 bars"] = until(lambda: len(gen.cards) >= 8 or not w.jobs.busy, "generate")
    ex = mp.explorer
    clips = [c.clip for c in gen.cards]
    ex.interpolate.a.set_clip(clips[0])
    ex.interpolate.b.set_clip(clips[1])
    ex.interpolate.steps.setValue(7)
    ex.interpolate.run()
    results["interpolate 7 steps"] = until(lambda: len(ex.interpolate.canvas.items) == 7, "interpolate")
    ex.show_tab("grid")
    for picker, clip in zip(ex.grid.corners, clips[:4]):
        picker.set_clip(clip)
    ex.grid.size.setValue(11)
    ex.grid.run()
    results["grid 11 × 11"] = until(lambda: len(ex.grid.canvas.items) == 121, "grid")
    drawn: list[bool] = []
    ex.map.pointsShown.connect(lambda: drawn.append(True))
    ex.show_tab("map")
    results["map: draw corpus"] = until(lambda: bool(drawn), "map")
    ex.map.count.setValue(8)
    ex.map.sample_region()
    results["map: sample 8 in a region"] = until(lambda: len(ex.map.results.items) == 8, "map sample")
    probe.phase = "idle"
    w._closing_ok = True
    w.close()

    print(f"window shown after start: {shown:.2f} s (torch imported in UI process: {'torch' in sys.modules})")
    report(results, probe)
    return 0


def report(results: dict[str, float], probe: Probe) -> None:
    """Print the timings and the longest UI-thread gap of each phase: the wall gap, and the gap
    without the time the OS kept the UI thread waiting for a CPU (other processes' load)."""
    for k, v in results.items():
        print(f"{k:28s} {v * 1000:8.0f} ms")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print("longest UI-thread gap per phase (budget 50 ms):      wall     own")
    for phase in probe.phases():
        print(f"  {phase:18s} {probe.worst(phase):30.1f} ms {probe.worst_own(phase):6.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
