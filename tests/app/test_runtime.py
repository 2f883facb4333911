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
