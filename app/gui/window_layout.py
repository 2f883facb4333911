"""The window's layout: what the default must leave each part, and the user's own layout kept.

The default puts every panel on the right, as tabs, so opening one never takes height from the
roll (docked under it, the explorer once left the roll one octave, the grid 22 px strips and the
map a 20 px band). When the user moves or resizes docks, ``save_layout`` keeps that in the
settings on close and ``restore_layout`` brings it back at the next start, with the tab each
``remember_tab`` bar was on (the Model Tools panel's family and tool).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from PySide6.QtCore import QByteArray, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QWidget

MIN_ROLL_SEMITONES = 24  # two octaves of the roll stay on screen with any one panel open
MIN_MAP_HEIGHT = 300     # px of the explorer's map
MIN_GRID_CELL = 60       # px, the corner grid's cells (5 × 5) both ways
RIGHT_DOCK_SHARE = 0.36  # of the window's width: the right panels' default width
RIGHT_DOCK_MIN = 440     # px: the 5 × 5 grid's cells stay 60 px wide and the map's axes fit
LAYOUT_VERSION = 2       # bump when the docks' default places change: older saved layouts are dropped

_STATE, _GEOMETRY, _TABS = "window/state", "window/geometry", "window/tabs/"
_REMEMBERED = "latentrollRememberTab"  # the QTabBar property remember_tab sets


def right_dock_width(window_width: int) -> int:
    """The right panels' default width for a window ``window_width`` wide."""
    return max(RIGHT_DOCK_MIN, int(window_width * RIGHT_DOCK_SHARE))


class RightDockSizer(QObject):
    """Gives the right dock area its default width the first time one of its docks opens, in a
    session that did not restore the user's own layout (``skip``)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.pending = True

    def watch(self, dock: QDockWidget) -> None:
        dock.visibilityChanged.connect(lambda visible, d=dock: visible and self._opened(d))

    def skip(self) -> None:
        self.pending = False

    def _opened(self, dock: QDockWidget) -> None:
        if not self.pending or dock.isFloating() \
                or self.window.dockWidgetArea(dock) != Qt.DockWidgetArea.RightDockWidgetArea:
            return
        self.pending = False
        self.window.resizeDocks([dock], [right_dock_width(self.window.width())], Qt.Orientation.Horizontal)
        QTimer.singleShot(0, lambda: self.window.resizeDocks([dock], [right_dock_width(self.window.width())],
                                                             Qt.Orientation.Horizontal))


def remember_tab(bar: QTabBar) -> None:
    """Keep ``bar``'s current tab with the layout (by its tab data, else its text); the bar's
    objectName names it in the settings."""
    bar.setProperty(_REMEMBERED, True)


def _tab_key(bar: QTabBar, index: int) -> str:
    data = bar.tabData(index)
    return data if isinstance(data, str) else bar.tabText(index)


def _remembered_tabs(window: QMainWindow) -> list[QTabBar]:
    return [b for b in window.findChildren(QTabBar) if b.property(_REMEMBERED) and b.objectName()]


def save_layout(window: QMainWindow, settings: QSettings) -> None:
    """Keep the docks' places and sizes, the window's geometry and the remembered tabs for the next start."""
    settings.setValue(_STATE, window.saveState(LAYOUT_VERSION))
    settings.setValue(_GEOMETRY, window.saveGeometry())
    for bar in _remembered_tabs(window):
        if bar.currentIndex() >= 0:
            settings.setValue(_TABS + bar.objectName(), _tab_key(bar, bar.currentIndex()))


def restore_layout(window: QMainWindow, settings: QSettings) -> bool:
    """The user's layout from the last session, if any (and of this layout version)."""
    state, geometry = settings.value(_STATE), settings.value(_GEOMETRY)
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    for bar in _remembered_tabs(window):
        key = settings.value(_TABS + bar.objectName())
        index = next((i for i in range(bar.count()) if _tab_key(bar, i) == key), None)
        if index is not None:
            bar.setCurrentIndex(index)
    return isinstance(state, QByteArray) and not state.isEmpty() and window.restoreState(state, LAYOUT_VERSION)


@dataclass(frozen=True)
class LayoutFigures:
    """What a layout leaves the user, in screen pixels (0 where the part is not shown)."""

    roll_semitones: float
    map_height: int
    grid_cell_width: int
    grid_cell_height: int

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def roll_semitones(view) -> float:
    """Pitch rows of the piano roll on screen (a ``QGraphicsView`` scaled one row per unit)."""
    return view.viewport().height() / view.transform().m22()


def cell_size(canvas, index: int = 0) -> tuple[int, int]:
    """Width and height on screen of cell ``index`` of an explorer clip canvas."""
    rect = canvas.vb.mapViewToDevice(canvas.cell_rect(index)).boundingRect()
    return round(rect.width()), round(rect.height())


def shown(widget: QWidget | None) -> bool:
    return widget is not None and widget.isVisible()


def layout_figures(view, explorer=None) -> LayoutFigures:
    """Measure the roll ``view`` and, where shown, the explorer panel's map and grid."""
    grid = explorer.grid if explorer is not None else None
    cell = cell_size(grid.canvas) if shown(grid) and grid.n else (0, 0)
    plot = explorer.map.plot if explorer is not None and explorer.map is not None else None
    return LayoutFigures(round(roll_semitones(view), 1), plot.height() if shown(plot) else 0, *cell)
