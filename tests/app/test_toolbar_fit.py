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
