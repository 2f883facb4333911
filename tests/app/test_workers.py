"""Workers: results and errors reach the UI thread, stale results are dropped, jobs cancel,
and the UI thread keeps ticking while a render runs with a file load, or with a generation by the
shipped VAE in the model process."""
import os
import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox
from roll_helpers import TIMGM, make_song
from stall_probe import GapProbe

from latentroll.app.gui.notify import ERROR
from latentroll.app.gui.workers import Jobs
from latentroll.core.io.formats import write_song
from latentroll.core.song import PPQ, Note, Song, TempoChange, Track
from latentroll.models.registry import WEIGHTS_FILE, entry, shipped_model_dir

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


BUDGET_MS = 50  # the budget for the UI thread


def assert_ui_keeps_ticking(qtbot, start_jobs, done, what: str, attempts: int = 2) -> GapProbe:
    """Start ``start_jobs(attempt)`` on a later event-loop turn while a 10 ms timer probes the UI
    thread, run the event loop until ``done()``, and fail if the UI thread's longest *own* gap
    (``stall_probe``: the wall gap minus the time the OS kept the runnable UI thread off the
    CPU) reaches the budget.

    Why own gaps: on a loaded machine (a CI runner, training jobs) the scheduler alone delays a
    timer by tens of milliseconds, whatever the app does; that is not the app's stall and is
    subtracted. What stays counted is everything the app controls: UI-thread work in our handlers
    and painting, and the UI thread blocked (on the GIL held by a worker, a pipe to the model
    process, a lock). Model work done on the UI thread shows either as CPU time or as a blocking
    wait for the model process, and fails. What the subtraction cannot remove is a GIL holder
    kept off the CPU by the load while the UI thread waits for it; a failing measurement is
    therefore repeated once (a stall the app causes repeats; that noise rarely does twice)."""
    probe = GapProbe(interval_ms=10)
    for attempt in range(attempts):
        probe.clear()
        probe.start(what)
        QTimer.singleShot(30, lambda a=attempt: start_jobs(a))
        t = time.perf_counter()
        qtbot.waitUntil(lambda: len(probe.gaps) > 5 and done(), timeout=120000)
        probe.stop()
        print(f"\nUI stall probe, {what}: {len(probe.gaps)} ticks over {time.perf_counter() - t:.2f} s, "
              f"median gap {probe.median():.1f} ms, longest {probe.worst():.1f} ms wall, "
              f"{probe.worst_own():.1f} ms own (run-queue accounting: {probe.clock.available}; "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)")
        assert len(probe.gaps) > 20
        if probe.worst_own() < BUDGET_MS:
            return probe
    pytest.fail(f"the UI thread stalled for {probe.worst_own():.0f} ms of its own ({probe.worst():.0f} ms wall) "
                f"while {what} ran, in {attempts} attempts")


@pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")
def test_ui_thread_never_stalls_while_render_and_load_run(make_window, qtbot, tmp_path, monkeypatch):
    """A WAV render and a MusicXML load (music21, in the helper process) run together; the UI
    thread's longest gap stays within 50 ms (how it is measured: ``assert_ui_keeps_ticking``)."""
    monkeypatch.setenv("LATENTROLL_SOUNDFONT", str(TIMGM))
    xml = tmp_path / "big.musicxml"
    write_song(long_song(60), xml)
    w = make_window(make_song())
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=WAIT)  # start-up imports run in the background first

    def start_jobs(attempt: int) -> None:
        w.doc.replace(make_song())
        w.files.export_audio(stems=False, target=tmp_path / f"mix{attempt}.wav", sample_rate=44100, bits=16)
        w.files.load(xml)

    assert_ui_keeps_ticking(qtbot, start_jobs, lambda: not w.jobs.busy, "a render and a file load")
    assert list(tmp_path.glob("mix*.wav")) and w.doc.song.title == "Long"


SHIPPED_VAE = entry("vae")


@pytest.mark.timeout(240)
@pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")
@pytest.mark.skipif(not (shipped_model_dir(SHIPPED_VAE.folder.folder) / WEIGHTS_FILE).exists(),
                    reason="no shipped VAE weights")
def test_ui_thread_never_stalls_while_a_generation_and_a_render_run(make_window, qtbot, tmp_path, monkeypatch):
    """The shipped melody VAE writes 16 melodies of 8 bars through the real model process while
    a minute of audio renders; the UI thread's longest gap stays within 50 ms (how it is
    measured: ``assert_ui_keeps_ticking``). The model is loaded first: its one-time start is
    not what is measured here."""
    monkeypatch.setenv("LATENTROLL_SOUNDFONT", str(TIMGM))
    monkeypatch.delenv(SHIPPED_VAE.env_var, raising=False)
    w = make_window(long_song(60))
    panels = w.model_panels
    panels.show_generate()
    qtbot.waitUntil(lambda: panels.host.ready("vae") and not w.jobs.busy, timeout=120000)
    gen = panels.generate
    gen.variations.setValue(16)
    gen.bars.setValue(8)
    finished: dict[str, float] = {}
    w.files.exported.connect(lambda *_a: finished.setdefault("render", time.perf_counter()))
    panels.ctx.shelf.changed.connect(lambda: finished.setdefault("generation", time.perf_counter()))

    def start_jobs(attempt: int) -> None:
        finished.clear()
        finished["start"] = time.perf_counter()
        gen.clear_candidates()
        w.files.export_audio(stems=False, target=tmp_path / f"mix{attempt}.wav", sample_rate=44100, bits=16)
        assert gen.generate() is not None

    assert_ui_keeps_ticking(qtbot, start_jobs, lambda: len(finished) == 3 and not w.jobs.busy,
                            "a VAE generation and a render")
    assert len(gen.cards) > 8 and list(tmp_path.glob("mix*.wav"))
    print(f"generation took {finished['generation'] - finished['start']:.2f} s, "
          f"the render {finished['render'] - finished['start']:.2f} s")
