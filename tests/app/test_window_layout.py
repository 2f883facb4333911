"""The default layout at 1440×900: with any one panel open (opened by its tool-bar button) the
roll keeps two octaves, the explorer's map is 300 px tall and the corner grid's cells 60 px;
the user's own dock layout comes back at the next start."""
import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QToolBar, QToolButton
from test_toolbar_fit import themed  # noqa: F401 (the app's fonts and style set the widths)

from latentroll.app.gui.window_layout import (
    MIN_GRID_CELL,
    MIN_MAP_HEIGHT,
    MIN_ROLL_SEMITONES,
    RIGHT_DOCK_MIN,
    layout_figures,
    right_dock_width,
)
from latentroll.core.song import Note, Track

pytestmark = pytest.mark.timeout(180)


def _button(w, name: str) -> QToolButton:
    bar = w.findChild(QToolBar, "modelsToolBar")
    return bar.widgetForAction(w.model_panels.actions[name])


def _settle(qtbot, ms: int = 150) -> None:
    qtbot.wait(ms)
    QCoreApplication.processEvents()


def _five_by_five(grid) -> None:
    """25 cells of two-bar clips: what Build grid shows (the layout is under test, not the model)."""
    notes = [Note(i * 240, 60 + i % 7, 240, 90) for i in range(16)]
    grid.show([[Track(name=f"cell {r}{c}", notes=notes) for c in range(5)] for r in range(5)])


def test_each_panel_leaves_the_roll_two_octaves_and_the_explorer_room(themed, model_window, qtbot):  # noqa: F811
    w = model_window()
    panels = w.model_panels
    w.resize(1440, 900)
    panels.generate_dock.hide()
    _settle(qtbot)
    view = w.editor.view

    for name in ("generate_panel", "tools_panel"):
        qtbot.mouseClick(_button(w, name), Qt.MouseButton.LeftButton)
        _settle(qtbot)
        figures = layout_figures(view, panels.explorer)
        assert figures.roll_semitones >= MIN_ROLL_SEMITONES, (name, figures)

    qtbot.mouseClick(_button(w, "explorer_panel"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panels.explorer is not None, timeout=30000)
    explorer = panels.explorer
    assert w.dockWidgetArea(panels.explorer_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    # the right area got about its default width, and no control row pushes the explorer wider
    assert RIGHT_DOCK_MIN <= panels.explorer_dock.width() <= 1.25 * right_dock_width(1440)
    assert panels.explorer_dock.geometry().right() <= w.width()

    explorer.show_tab("grid")
    _five_by_five(explorer.grid)
    _settle(qtbot)
    figures = layout_figures(view, explorer)
    assert figures.roll_semitones >= MIN_ROLL_SEMITONES, figures
    assert min(figures.grid_cell_width, figures.grid_cell_height) >= MIN_GRID_CELL, figures

    explorer.show_tab("map")
    _settle(qtbot)
    figures = layout_figures(view, explorer)
    assert figures.roll_semitones >= MIN_ROLL_SEMITONES, figures
    assert figures.map_height >= MIN_MAP_HEIGHT, figures
    # nothing of the window is cut: every tab's controls fit the dock
    for tab in (explorer.interpolate, explorer.grid, explorer.map):
        assert tab.minimumSizeHint().width() <= panels.explorer_dock.width(), type(tab).__name__


def test_the_users_layout_comes_back(make_window, tmp_path, qtbot):
    from latentroll.app.gui.paths import AppPaths

    paths = AppPaths.under(tmp_path / "home")
    w = make_window(paths=paths)
    dock = w.library_dock.dock  # a panel that loads no model
    # the user moves the Library panel under the roll and makes it 260 px tall (or its least height)
    w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.show()
    w.resizeDocks([dock], [260], Qt.Orientation.Vertical)
    _settle(qtbot)
    height = dock.height()
    w.doc.undo_stack.setClean()
    w.close()
    _settle(qtbot)

    again = make_window(paths=paths)
    _settle(qtbot)
    dock = again.library_dock.dock
    assert again.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock.isVisible()
    assert dock.height() == pytest.approx(height, abs=30)
    # a restored layout is the user's: opening a panel does not reset the right area's width
    assert not again.model_panels.sizer.pending

    fresh = make_window()  # another home: the default layout
    assert not fresh.library_dock.dock.isVisible()
    assert fresh.model_panels.sizer.pending
