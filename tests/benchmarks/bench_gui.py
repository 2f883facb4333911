"""GUI speed: piano-roll repaint with 20,000 notes, and cold start to a shown window.

Repaint: an offscreen PianoRollView (1400x800) with a 20,000-note track plus two ghost tracks
is rendered into a QImage repeatedly, at a working zoom (a few bars visible) and zoomed out
until every note is on screen. Goal: ≤ 16 ms per full repaint.
Wall times suffer when other processes share the cores; the CPU time of the painting thread
is printed too, as the figure that does not depend on the machine's load.
Cold start: a fresh Python process creates the app and main window and reports when the first
frame was painted. Goal: ≤ 2 s; torch must never be imported on that path.
Run: ``.venv/bin/python tests/benchmarks/bench_gui.py``.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from latentroll.core.song import NOTE_DTYPE, PPQ, Song, Track  # noqa: E402

STARTUP_SCRIPT = r"""
import time, sys
t_main = time.time()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from latentroll.app.gui.paths import AppPaths
app = QApplication([])
from latentroll.app.gui.theme import apply_theme
from latentroll.app.gui.main_window import MainWindow
apply_theme(app)
w = MainWindow(AppPaths.under(sys.argv[1]), check_recovery=False)
w.show()
def shown():
    print(f"SHOWN {time.time():.6f} {t_main:.6f} torch={'torch' in sys.modules}", flush=True)
    w._closing_ok = True
    w.close()
    app.quit()
QTimer.singleShot(0, shown)  # runs after the first paint of the shown window
app.exec()
"""


def dense_track(n: int, bars: int, seed: int, name: str) -> Track:
    rng = np.random.default_rng(seed)
    notes = np.zeros(n, dtype=NOTE_DTYPE)
    step = PPQ // 4
    notes["start"] = np.sort(rng.integers(0, bars * 4 * PPQ // step, n)) * step
    notes["duration"] = rng.choice([step, 2 * step, 4 * step, 8 * step], n)
    notes["pitch"] = np.clip(rng.normal(64, 10, n).round(), 21, 108)
    notes["velocity"] = rng.integers(40, 127, n)
    return Track(name=name, notes=notes)


def bench_repaint(n_notes: int, repeats: int) -> None:
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from latentroll.app.gui.document import Document
    from latentroll.app.gui.editor_state import EditorState
    from latentroll.app.gui.piano_roll.view import PianoRollView

    app = QApplication.instance() or QApplication([])
    bars = 400
    song = Song(title="Bench", tracks=[dense_track(n_notes, bars, 1, "Dense"),
                                       dense_track(2000, bars, 2, "Ghost A"), dense_track(2000, bars, 3, "Ghost B")])
    doc = Document(song)
    state = EditorState(doc)
    view = PianoRollView(doc, state)
    view.resize(1400, 800)
    view.show()
    app.processEvents()
    state.set_selection(np.arange(0, n_notes, 7))  # some selected notes, as while editing
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)

    def timed(label: str) -> None:
        times, cpu = [], []
        for _ in range(repeats):
            image.fill(0)
            painter = QPainter(image)
            t, c = time.perf_counter(), time.thread_time()
            view.render(painter)
            painter.end()
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
        m = view.mapping()
        t0, t1 = m.tick(0), m.tick(view.viewport().width())
        track = song.tracks[0]
        on_screen = int(np.count_nonzero((track.notes["start"] < t1) & (track.notes["start"] + track.notes["duration"] > t0)))
        print(f"repaint {label:<24} {on_screen:>6} notes on screen: median {statistics.median(times):6.2f} ms, "
              f"p95 {sorted(times)[int(0.95 * len(times)) - 1]:6.2f} ms, max {max(times):6.2f} ms, "
              f"CPU median {statistics.median(cpu):6.2f} ms (goal ≤ 16 ms)")

    view.set_zoom(sx=0.1, sy=14)
    view.show_notes()
    timed("working zoom (5 bars)")
    view.set_zoom(sx=0.02, sy=6)
    timed("zoomed out (~25 bars)")
    view.fit_song()
    view.set_zoom(sy=5)
    timed("whole song (all notes)")


def bench_startup(runs: int) -> None:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            t0 = time.time()
            out = subprocess.run([sys.executable, "-c", STARTUP_SCRIPT, home], capture_output=True, text=True,
                                 timeout=60, env={**os.environ, "QT_QPA_PLATFORM": os.environ["QT_QPA_PLATFORM"]})
            line = next((ln for ln in out.stdout.splitlines() if ln.startswith("SHOWN")), None)
            if line is None:
                print("startup run failed:", out.stderr[-2000:])
                return
            _, shown, _main, torch = line.split()
            times.append(float(shown) - t0)
            if torch != "torch=False":
                print("WARNING: torch was imported while starting the GUI")
    print(f"cold start to window shown: median {statistics.median(times):.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s over {runs} runs (goal ≤ 2 s); torch imported: no")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--startup-runs", type=int, default=5)
    args = parser.parse_args()
    bench_repaint(args.notes, args.repeats)
    bench_startup(args.startup_runs)


if __name__ == "__main__":
    main()
