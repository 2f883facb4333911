"""The model runtime: one helper-process mechanism for models and file jobs, with one
cancellation exception and one restart policy, and folders sent from the parent with each load."""
import operator
import threading
import time

import pytest

from latentroll.app.runtime.helper_process import HelperProcess, HelperStopped
from latentroll.app.runtime.models import ModelUnavailable, RemoteService, WeightsMissing, check_weights
from latentroll.core.cancel import Cancelled
from latentroll.core.song import PPQ
from latentroll.models.registry import MAIN, entry


@pytest.fixture
def helper():
    h = HelperProcess("test", threads=1)
    yield h
    h.shutdown()
    assert not h.running


def test_a_crash_is_reported_then_a_fresh_process_takes_over(tiny_vae_dir, helper):
    svc = RemoteService(helper, entry("vae"), {MAIN: tiny_vae_dir})
    assert svc.load().clip_ticks == 8 * PPQ
    helper._proc.kill()
    with pytest.raises(ModelUnavailable, match="stopped unexpectedly"):
        svc.sample(1, seed=1)
    assert len(svc.sample(2, temperature=1.0, seed=1)) == 2


def test_a_cancelled_call_gives_up_at_once_and_its_late_reply_is_dropped(helper):
    assert helper.run(operator.add, 1, 1) == 2  # the child is up: what follows times the cancel only
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        helper.run(time.sleep, 1.5, cancel=cancel)
    assert time.monotonic() - started < 0.6
    assert helper.run(operator.add, 2, 3) == 5, "the next call gets its own reply, not the abandoned one"


def test_the_child_dying_inside_a_file_job_says_so(helper):
    import os

    helper.run(operator.add, 0, 0)
    with pytest.raises(HelperStopped, match="test process stopped"):
        helper.run(os._exit, 3)
    assert helper.run(operator.mul, 3, 4) == 12


def test_folders_chosen_after_the_process_started_take_effect(tiny_vae_dir, helper, monkeypatch, tmp_path):
    """The parent resolves folders (and the LATENTROLL_* settings) with each load: a variable set
    after the fork server started is honoured, which a child reading its own environment misses."""
    monkeypatch.delenv("LATENTROLL_VAE_DIR", raising=False)
    shipped = RemoteService(helper, entry("vae"))
    assert shipped.model_dir != tiny_vae_dir
    monkeypatch.setenv("LATENTROLL_VAE_DIR", str(tiny_vae_dir))
    redirected = RemoteService(helper, entry("vae"))
    assert redirected.model_dir == tiny_vae_dir
    assert redirected.load().name == "tiny"
    monkeypatch.setenv("LATENTROLL_VAE_DIR", str(tmp_path))
    with pytest.raises(WeightsMissing, match="LATENTROLL_VAE_DIR"):
        check_weights(entry("vae"), entry("vae").folder_paths())


def test_private_methods_are_not_service_calls(tiny_vae_dir, helper):
    svc = RemoteService(helper, entry("vae"), {MAIN: tiny_vae_dir})
    with pytest.raises(AttributeError):
        svc._means


def _melody():
    from latentroll.core.song import NOTE_DTYPE, Track

    pitches = [72, 71, 69, 67, 69, 71, 72, 74]
    notes = [(i * PPQ, PPQ, p, 80) for i, p in enumerate(pitches * 2)]
    import numpy as np

    return Track(name="Melody", notes=np.array(notes, dtype=NOTE_DTYPE))


def test_a_streaming_call_reports_every_sweep_for_all_candidates(tiny_tool_dirs, helper):
    """Harmonize's K candidates are one model call whose Gibbs sweeps report through the pipe:
    more reports than candidates, each (done, sweeps)."""
    from latentroll.app.calls.tools import HarmonizeRequest, harmonize_job

    svc = RemoteService(helper, entry("cnn"), {MAIN: tiny_tool_dirs["cnn"]})
    svc.load()
    seen = []
    out = harmonize_job(svc, HarmonizeRequest(_melody(), candidates=3, seed=1), progress=lambda d, t: seen.append((d, t)))
    assert len(out) == 3 and all(len(c) == 3 for c in out)
    sweeps = seen[-1][1]
    assert seen == [(i, sweeps) for i in range(1, sweeps + 1)] and len(seen) > 3


def test_cancel_stops_the_sweeps_in_the_child(tiny_tool_dirs, helper):
    """A cancel mid-sweep returns at once and stops the child's loop (the next call is not stuck
    behind 20000 sweeps)."""
    svc = RemoteService(helper, entry("cnn"), {MAIN: tiny_tool_dirs["cnn"]}, cancel=threading.Event())
    svc.load()
    seen = []

    def progress(done, total):
        seen.append(done)
        if done == 20:
            svc._cancel.set()

    started = time.monotonic()
    with pytest.raises(Cancelled):
        svc.harmonize(_melody(), steps=20000, progress=progress)
    took = time.monotonic() - started
    print(f"cancel after sweep 20: returned in {took:.3f} s")
    assert 20 <= len(seen) < 20000 and took < 2.0
    svc._cancel.clear()
    started = time.monotonic()
    assert svc.info().name == "tiny"
    print(f"next call: {time.monotonic() - started:.3f} s")
    assert time.monotonic() - started < 1.0, "the child stopped sweeping"


def test_progress_raising_cancelled_stops_the_child_too(tiny_tool_dirs, helper):
    """The worker's progress callback raises Cancelled once its job is cancelled: the same stop."""
    svc = RemoteService(helper, entry("cnn"), {MAIN: tiny_tool_dirs["cnn"]})

    def progress(done, total):
        if done >= 5:
            raise Cancelled()

    with pytest.raises(Cancelled):
        svc.harmonize(_melody(), steps=20000, progress=progress)
    started = time.monotonic()
    assert helper.run(operator.add, 2, 3) == 5
    assert time.monotonic() - started < 1.0
