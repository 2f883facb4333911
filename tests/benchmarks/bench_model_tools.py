"""The Model Tools (Continue, Repair, Harmonize, Infill): how long each takes, and whether the UI
thread ever stalls meanwhile (building and showing the candidates, accepting one).

Opens the main window (offscreen unless DISPLAY is set) on an 8-bar chorale from the fixture
corpus and times each tool on it with the models in LATENTROLL_LSTM_DIR, LATENTROLL_REPAIR_DIR (and _AE_DIR) and
LATENTROLL_CNN_DIR (else the shipped ones): first use (model process + weights), the run, and the
accept. A 5 ms timer on the UI thread records the longest gap between its ticks (budget: 50 ms).

Run: ``.venv/bin/python tests/benchmarks/bench_model_tools.py``
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1] / "app")]

from bench_model_panels import Probe, open_window, report, waiter  # noqa: E402
from roll_helpers import chorale_song  # noqa: E402


def main() -> int:
    app, w = open_window()
    w.doc.replace(chorale_song(8))
    w.after_load(None)
    app.processEvents()
    probe = Probe()
    until = waiter(app, probe)

    def settle(phase: str, seconds: float = 0.1) -> None:
        """Let the event loop run, so each step's stall is told apart from the next one's."""
        end = time.perf_counter() + seconds
        until(lambda: time.perf_counter() > end, phase)

    mp = w.model_panels
    tools = mp.tools
    results: dict[str, float] = {}
    setups = {
        "continue": lambda: (tools.pages["continue"].variations.setValue(8), tools.pages["continue"].bars.setValue(8)),
        "repair": lambda: tools.pages["repair"].strength.setValue(0.5),
        "harmonize": lambda: tools.pages["harmonize"].candidates.setValue(3),
        "infill": lambda: (w.state.set_loop(w.doc.song.bar_start(2), w.doc.song.bar_start(4), enabled=True),
                           tools.pages["infill"].candidates.setValue(3)),
    }
    for tool, setup in setups.items():
        key = tools.models[tool]
        probe.phase = f"{tool} open"
        mp.show_tool(tool)
        settle(f"{tool} open")
        results[f"{tool}: model ready"] = until(lambda: mp.host.status(key) not in ("not loaded", "loading…"),
                                                f"{tool} load")
        if not mp.host.ready(key):
            print(f"{tool}: {mp.host.errors.get(key)}")
            continue
        probe.phase = f"{tool} set-up"
        w.state.set_current_track(0)
        setup()
        settle(f"{tool} set-up")
        before = len(tools.cards)
        probe.phase = f"{tool} run"
        worker = tools.run(seed=1)
        results[f"{tool}: run"] = until(lambda: worker is None or not w.jobs.busy, f"{tool} run")
        if len(tools.cards) > before:
            t = time.perf_counter()
            probe.phase = f"{tool} accept"
            tools.accept(tools.cards[0].clip)
            app.processEvents()
            results[f"{tool}: accept"] = time.perf_counter() - t
            settle(f"{tool} accept")
            probe.phase = f"{tool} undo"
            w.doc.undo_stack.undo()
            settle(f"{tool} undo")
    probe.phase = "idle"
    w._closing_ok = True
    w.close()

    report(results, probe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
