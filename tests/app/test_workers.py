"""Workers: results and errors reach the UI thread, stale results are dropped, jobs cancel,
and the UI thread keeps ticking while a render and a file load run."""
import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from latentroll.app.gui.notify import ERROR
from latentroll.app.gui.workers import Jobs
from latentroll.core.io.formats import write_song
from latentroll.core.song import PPQ, Note, Song, TempoChange, Track

from roll_helpers import TIMGM, make_song

WAIT = 15000


@pytest.fixture
def jobs(qapp, leak_check):
    j = Jobs()
    yield j
    j.cancel_all()
    assert j.wait(10000)
    qapp.processEvents()
    j.deleteLater()


def boom():
    raise ValueError("broken on purpose")


def test_worker_returns_on_the_ui_thread(jobs, qtbot):
    threads = []

    def work():
        threads.append(threading.current_thread())
        return 42

    got = []
    jobs.start("k", work, on_result=lambda r: got.append((r, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(got), timeout=WAIT)
    assert got[0][0] == 42
    assert got[0][1] is threading.main_thread()
    assert threads[0] is not threading.main_thread()


def test_unhandled_error_is_reported(jobs, qtbot):
    with qtbot.waitSignal(jobs.failed, timeout=WAIT) as blocker:
        jobs.start("k", boom, label="Testing")
    label, exc = blocker.args
    assert label == "Testing" and isinstance(exc, ValueError)
    assert "broken on purpose" in exc.__latentroll_traceback__


def test_worker_error_reaches_the_user(make_window, qtbot, tmp_path):
    w = make_window(make_song(), dialogs=True)
    bad = tmp_path / "broken.mid"
    bad.write_bytes(b"MThd this is not midi")
    with qtbot.waitSignal(w.notifier.notified, timeout=WAIT,
                          check_params_cb=lambda n: n.level == ERROR) as blocker:
        w.files.load(bad)
    note = blocker.args[0]
    assert "broken.mid" in note.text and not note.details  # a user error: its message, verbatim
    box = w.findChild(QMessageBox, "errorBox")
    assert box is not None and box.isVisible() and "broken.mid" in box.text()
    assert "broken.mid" in w.statusBar().currentMessage()
    assert w.doc.song.note_count() == 11, "the open song is untouched"
    box.done(0)


def test_unexpected_error_shows_details(make_window, qtbot):
    w = make_window(make_song())
    with qtbot.waitSignal(w.notifier.notified, timeout=WAIT) as blocker:
        w.jobs.start("x", boom, label="Doing things")
    note = blocker.args[0]
    assert note.text.startswith("Doing things failed: ValueError")
    assert "Traceback" in note.details


def test_stale_result_of_a_superseded_request_is_dropped(jobs, qtbot):
    release = threading.Event()
    got = []

    def slow():
        release.wait(5)
        return "old"

    first = jobs.start("load", slow, on_result=got.append)
    jobs.start("load", lambda: "new", on_result=got.append)
    qtbot.waitUntil(lambda: got == ["new"], timeout=WAIT)
    release.set()
    qtbot.waitUntil(lambda: not jobs.busy, timeout=WAIT)  # the old job finished, its result unused
    assert got == ["new"]
    assert first.cancelled


def test_cancel_stops_a_job_through_its_progress_callback(jobs, qtbot):
    started = threading.Event()
    results, progress = [], []

    def long(progress):
        for i in range(1000):
            started.set()
            progress(i, 1000)
            time.sleep(0.005)
        return "done"

    w = jobs.start("render", long, on_result=results.append)
    w.signals.progress.connect(lambda d, t: progress.append(d))
    started.wait(5)
    qtbot.waitUntil(lambda: bool(progress), timeout=WAIT)
    with qtbot.waitSignal(w.signals.finished, timeout=WAIT):
        w.cancel()
    assert results == []
    assert progress == sorted(progress) and max(progress) < 999
    assert len(progress) < 200, "progress is rate limited"
    assert not jobs.busy


def test_cancel_event_is_passed_to_functions_that_take_one(jobs, qtbot):
    seen = []

    def job(cancel):
        seen.append(isinstance(cancel, threading.Event))
        return 1

    jobs.start("c", job)
    qtbot.waitUntil(lambda: not jobs.busy, timeout=WAIT)
    assert seen == [True]


def long_song(seconds: float) -> Song:
    """Chords at 120 BPM for ``seconds``: something that takes a while to render and parse."""
    beats = int(seconds * 2)
    notes = [Note(b * PPQ, p, PPQ, 90) for b in range(beats) for p in (60 + b % 5, 64 + b % 3, 67)]
    return Song(title="Long", tracks=[Track("Pad", 48, notes=notes)], tempos=[TempoChange(0, 120.0)])


class GapProbe:
    """A 10 ms QTimer on the UI thread that records the gaps between its ticks."""

    def __init__(self):
        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self._last = 0.0

    def _tick(self):
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def run(self, qtbot, until=None, seconds=None):
        self.gaps = []
        self._last = time.perf_counter()
        self.timer.start()
        start = time.perf_counter()
        if until is not None:
            qtbot.waitUntil(until, timeout=120000)
        else:
            qtbot.wait(int(seconds * 1000))
        self.timer.stop()
        return time.perf_counter() - start

    @property
    def worst(self) -> float:
        return max(self.gaps)

    @property
    def median(self) -> float:
        return sorted(self.gaps)[len(self.gaps) // 2]


@pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")
def test_ui_thread_never_stalls_while_render_and_load_run(make_window, qtbot, tmp_path, monkeypatch):
    """A 10 ms timer on the UI thread records its longest gap while a WAV render and a MusicXML
    load (music21, in the helper process) run. Target: < 50 ms.

    On a machine whose cores are busy with other work the OS alone delays timers: the probe then
    also runs idle for as long, only the excess over that baseline counts, and a failing
    measurement is repeated once (a real stall in the app repeats; scheduler noise rarely does)."""
    monkeypatch.setenv("LATENTROLL_SOUNDFONT", str(TIMGM))
    xml = tmp_path / "big.musicxml"
    write_song(long_song(60), xml)
    w = make_window(make_song())
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=WAIT)  # start-up imports run in the background first
    probe = GapProbe()
    for attempt in range(2):
        wav = tmp_path / f"mix{attempt}.wav"

        def start_jobs():
            w.files.export_audio(stems=False, target=wav, sample_rate=44100, bits=16)
            w.files.load(xml)

        w.doc.replace(make_song())
        QTimer.singleShot(30, start_jobs)
        busy_s = probe.run(qtbot, until=lambda: len(probe.gaps) > 5 and not w.jobs.busy)
        worst, median, ticks = probe.worst, probe.median, len(probe.gaps)
        assert wav.is_file() and w.doc.song.title == "Long"
        probe.run(qtbot, seconds=busy_s)
        idle_worst = probe.worst
        print(f"\nUI stall probe: {ticks} ticks over {busy_s:.2f} s with a render and a load running: "
              f"median gap {median:.1f} ms, longest {worst:.1f} ms (idle baseline longest {idle_worst:.1f} ms)")
        assert ticks > 20
        if worst < 50 or worst - idle_worst < 50:
            break
    else:
        pytest.fail(f"the UI thread stalled for {worst:.0f} ms (idle: {idle_worst:.0f} ms), twice")
