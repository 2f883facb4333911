"""UiSteps: queued UI-thread work runs in order, one step per event-loop turn, so a timer that
falls due during a step runs before the next one; a failing step does not stop the rest."""
import time

from PySide6.QtCore import QTimer

from latentroll.app.gui.ui_steps import UiSteps


def busy(ms: float) -> None:
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        pass


def test_steps_run_in_order_with_timers_between(qapp, qtbot):
    steps = UiSteps()
    log: list[str] = []
    tick = QTimer()
    tick.setInterval(5)
    tick.timeout.connect(lambda: log.append("tick"))
    tick.start()
    steps.add(*(lambda i=i: (log.append(f"step {i}"), busy(20)) for i in range(5)))
    qtbot.waitUntil(lambda: steps.pending == 0 and log[-1] == "tick", timeout=5000)
    tick.stop()
    ran = [e for e in log if e != "tick"]
    assert ran == [f"step {i}" for i in range(5)]
    pairs = list(zip(log, log[1:]))
    assert not [p for p in pairs if p[0].startswith("step") and p[1].startswith("step")], \
        f"two 20 ms steps ran back to back although the 5 ms timer was due: {log}"
    steps.deleteLater()


def test_a_failing_step_does_not_stop_the_rest_and_cancel_drops_them(qapp, qtbot):
    steps = UiSteps()
    ran: list[int] = []

    def fail():
        raise RuntimeError("broken step")

    with qtbot.capture_exceptions() as errors:
        steps.add(lambda: ran.append(1), fail, lambda: ran.append(3))
        qtbot.waitUntil(lambda: ran == [1, 3], timeout=5000)
    assert len(errors) == 1 and "broken step" in str(errors[0][1])
    steps.add(lambda: ran.append(4), lambda: ran.append(5))
    assert steps.pending == 2
    steps.cancel()
    qtbot.wait(50)
    assert ran == [1, 3] and steps.pending == 0
    steps.deleteLater()
