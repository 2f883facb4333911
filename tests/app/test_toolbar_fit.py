"""The top tool bar row (transport + models) fits a 1440 px window with the app's theme, and
narrower windows get a compact transport before anything moves into the » overflow."""
import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QToolBar

from latentroll.app.gui.theme import apply_theme
from latentroll.app.gui.transport import FULL, SYMBOLS


@pytest.fixture
def themed(qapp):
    """The real app's style, fonts and stylesheet (they set the widths), put back afterwards."""
    saved = (qapp.style().name(), qapp.palette(), qapp.font(), qapp.styleSheet())
    apply_theme(qapp)
    yield
    style, palette, font, sheet = saved
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


def top_bars(w):
    return [tb for tb in w.findChildren(QToolBar)
            if tb.isVisible() and w.toolBarArea(tb) == Qt.ToolBarArea.TopToolBarArea]


def overflowed(w):
    """Tool bar entries pushed into a » extension menu (their widgets are hidden)."""
    return [a.text() or a.iconText() for tb in top_bars(w) for a in tb.actions()
            if a.isVisible() and tb.widgetForAction(a) is not None and not tb.widgetForAction(a).isVisible()]


def at_width(w, width):
    w.resize(width, 900)
    QCoreApplication.processEvents()
    assert w.width() == width


def test_everything_fits_at_1440_with_labels(themed, window):
    at_width(window, 1440)
    assert window.transport.compact == FULL
    assert sum(tb.sizeHint().width() for tb in top_bars(window)) <= 1440
    assert overflowed(window) == []
    assert window.transport.widgetForAction(window.transport.play_action).text() == "▶  Play"


def test_narrower_windows_compact_the_transport_first(themed, window):
    at_width(window, 1200)
    assert window.transport.compact > FULL
    assert sum(tb.sizeHint().width() for tb in top_bars(window)) <= 1200
    assert overflowed(window) == []
    at_width(window, 900)  # the window's minimum: symbols only, the rest in the overflow menus
    assert window.transport.compact == SYMBOLS
    assert window.transport.widgetForAction(window.transport.play_action).text() == "▶"
    assert window.transport.play_action.text() == "Play"  # the Transport menu keeps the word
    for action in (window.transport.play_action, window.transport.record_action, window.transport.loop_action):
        assert window.transport.widgetForAction(action).isVisible()
    at_width(window, 1440)  # and back
    assert window.transport.compact == FULL and overflowed(window) == []


def test_explorer_and_tools_dock_fit_the_right_area_at_1440(themed, make_window, monkeypatch, tmp_path, qtbot):
    """The explorer is a tab beside the Model Tools dock on the right (under the roll it took the
    roll's height), and a 1440 px window holds it: no row of its tabs pushes the dock wider."""
    for var in ("LATENTROLL_VAE_DIR", "LATENTROLL_LSTM_DIR"):  # layout only: no weights to load
        monkeypatch.setenv(var, str(tmp_path / "no-model"))
    from roll_helpers import make_song

    w = make_window(make_song())
    panels = w.model_panels
    panels.show_tool("continue")
    panels.show_explorer()
    qtbot.waitUntil(lambda: panels.explorer is not None, timeout=30000)
    at_width(w, 1440)
    assert w.minimumSizeHint().width() <= 1440
    assert panels.explorer_dock in w.tabifiedDockWidgets(panels.tools_dock)
    assert panels.explorer_dock.geometry().right() <= w.width()
    ex = panels.explorer
    for tab, button in ((ex.interpolate, ex.interpolate.run_button), (ex.grid, ex.grid.run_button),
                        (ex.map, ex.map.sample_button)):
        ex.tabs.setCurrentWidget(tab)
        QCoreApplication.processEvents()
        assert button.geometry().right() < tab.width()


def test_track_rows_fit_the_track_list_beside_a_right_dock(themed, make_window, monkeypatch, tmp_path):
    """The instrument box gives way (its list still shows whole names) so a track row fits the
    track list when a right dock narrows the window's middle: no sideways scroll bar, and the
    volume slider keeps a usable length."""
    monkeypatch.setenv("LATENTROLL_VAE_DIR", str(tmp_path / "no-model"))
    from roll_helpers import make_song

    w = make_window(make_song())
    at_width(w, 1440)
    w.model_panels.show_generate()
    QCoreApplication.processEvents()
    row = w.track_list.rows[0]
    scroll = row.parentWidget().parentWidget().parentWidget()  # row ← inner ← viewport ← scroll area
    assert not scroll.horizontalScrollBar().isVisible()
    assert row.minimumSizeHint().width() <= scroll.viewport().width()
    assert row.volume.width() >= 60
