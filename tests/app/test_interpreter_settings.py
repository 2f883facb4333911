"""The process-wide interpreter settings (GIL switch interval, garbage collection on the UI thread)
are set by the app's ``run()`` for as long as the window lives, and undone after; no window sets them."""
import gc
import sys

from latentroll.app.gui.gc_control import GIL_SWITCH_S, UiInterpreter


def test_ui_interpreter_sets_and_restores_both_settings(qapp):
    before = sys.getswitchinterval()
    assert gc.isenabled() and before > GIL_SWITCH_S
    interpreter = UiInterpreter()
    try:
        assert sys.getswitchinterval() <= GIL_SWITCH_S + 1e-9
        assert not gc.isenabled()
    finally:
        interpreter.restore()
    assert sys.getswitchinterval() == before and gc.isenabled()


def test_run_sets_them_around_the_window(qapp, monkeypatch):
    import latentroll.app.gui.main_window as main_window
    import latentroll.app.gui.theme as theme
    from latentroll.app.gui.app import run

    seen = []

    class Window:
        def __init__(self, initial_file=None):
            seen.append((sys.getswitchinterval(), gc.isenabled(), initial_file))

        def show(self):
            pass

    monkeypatch.setattr(main_window, "MainWindow", Window)
    monkeypatch.setattr(theme, "apply_theme", lambda app: None)
    monkeypatch.setattr(type(qapp), "exec", lambda self: 7)
    before = sys.getswitchinterval()
    assert run("song.mid") == 7
    assert seen == [(min(before, GIL_SWITCH_S), False, "song.mid")]
    assert sys.getswitchinterval() == before and gc.isenabled()


def test_a_main_window_leaves_the_interpreter_alone(qtbot, tmp_path, leak_check):
    from latentroll.app.gui.main_window import MainWindow
    from latentroll.app.gui.paths import AppPaths

    before = sys.getswitchinterval()
    w = MainWindow(paths=AppPaths.under(tmp_path), dialogs=False, probe_audio=False, check_recovery=False)
    try:
        assert sys.getswitchinterval() == before and gc.isenabled()
    finally:
        w._closing_ok = True
        w.close()
        w.deleteLater()
    assert sys.getswitchinterval() == before and gc.isenabled()
