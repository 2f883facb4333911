"""The Generate / Tools / Explorer buttons with docks that share a tab group: pressing the
button of a dock that is open but behind another tab brings it forward (Qt's own toggle would
close it unseen); pressing it again, with the dock in front, closes it."""
from PySide6.QtCore import QCoreApplication
from roll_helpers import make_song

from latentroll.app.gui.dock_toggle import in_front


def test_a_dock_behind_a_tab_comes_forward_then_closes(make_window, monkeypatch, tmp_path):
    for var in ("LATENTROLL_VAE_DIR", "LATENTROLL_LSTM_DIR"):  # the docks only: no weights to load
        monkeypatch.setenv(var, str(tmp_path / "no-model"))
    w = make_window(make_song())
    panels = w.model_panels
    generate, tools = w.actions["generate_panel"], w.actions["tools_panel"]

    def press(action):
        action.trigger()
        QCoreApplication.processEvents()

    press(tools)
    assert in_front(panels.tools_dock) and tools.isChecked()
    press(generate)  # opens in the same tab group, in front
    assert in_front(panels.generate_dock) and not in_front(panels.tools_dock)
    assert generate.isChecked() and tools.isChecked()  # both open
    press(tools)  # behind a tab: comes forward, stays open
    assert in_front(panels.tools_dock) and not panels.tools_dock.isHidden() and tools.isChecked()
    assert not panels.generate_dock.isHidden()
    press(tools)  # in front: closes; the other tab shows
    assert panels.tools_dock.isHidden() and not tools.isChecked()
    assert in_front(panels.generate_dock)
