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
    w = jobs.start("k", work, on_result=lambda r: got.append((r, threading.current_thread())))
    with qtbot.waitSignal(w.signals.finished, timeout=WAIT):
        pass
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
    second = jobs.start("load", lambda: "new", on_result=got.append)
    with qtbot.waitSignal(second.signals.finished, timeout=WAIT):
        pass
    release.set()
    with qtbot.waitSignal(first.signals.finished, timeout=WAIT):
        pass
    qtbot.wait(20)
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

    w = jobs.start("c", job)
    with qtbot.waitSignal(w.signals.finished, timeout=WAIT):
        pass
    assert seen == [True]


def long_song(seconds: float) -> Song:
    """Chords at 120 BPM for ``seconds``: something that takes a while to render and parse."""
    beats = int(seconds * 2)
    notes = [Note(b * PPQ, p, PPQ, 90) for b in range(beats) for p in (60 + b % 5, 64 + b % 3, 67)]
    return Song(title="Long", tracks=[Track("Pad", 48, notes=notes)], tempos=[TempoChange(0, 120.0)])


@pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")
def test_ui_thread_never_stalls_while_render_and_load_run(make_window, qtbot, tmp_path, monkeypatch):
    """A 10 ms timer on the UI thread records its longest gap while a WAV render and a MusicXML
    load (music21, pure Python) run in workers. Target: < 50 ms."""
    monkeypatch.setenv("LATENTROLL_SOUNDFONT", str(TIMGM))
    xml = tmp_path / "big.musicxml"
    write_song(long_song(60), xml)
    w = make_window(make_song())
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=WAIT)  # start-up imports run in the background first
    gaps = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    qtbot.wait(100)
    gaps.clear()
    last[0] = time.perf_counter()
    w.files.export_audio(stems=False, target=tmp_path / "mix.wav", sample_rate=44100, bits=16)
    w.files.load(xml)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=120000)
    timer.stop()
    assert (tmp_path / "mix.wav").is_file() and w.doc.song.title == "Long"
    worst = max(gaps) * 1000
    typical = sorted(gaps)[len(gaps) // 2] * 1000
    print(f"\nUI stall probe: {len(gaps)} ticks, median gap {typical:.1f} ms, longest gap {worst:.1f} ms")
    assert len(gaps) > 20
    assert worst < 50, f"the UI thread stalled for {worst:.0f} ms"
