"""The map's plot: a view box with a left and a bottom axis, a faint grid and a legend.

What the map needs of pyqtgraph's ``PlotWidget``, without what it never shows: a PlotItem builds
its option menus (dozens of widgets from a Designer form, polished later) whether or not they are
enabled. Built on the UI thread, a PlotWidget took 10-14 ms on the development machine (with
training on both cores), this plot 2 ms.
"""
from __future__ import annotations

import pyqtgraph as pg

from ..theme import BG, TEXT, TEXT_DIM

AXIS_PEN = "#4a515c"
GRID_ALPHA = 0.12


class MapPlot(pg.GraphicsView):
    def __init__(self, parent=None, x_label: str = "", y_label: str = ""):
        super().__init__(parent, background=BG)
        self.vb = pg.ViewBox(enableMenu=False)
        self.axes = {"left": pg.AxisItem("left"), "bottom": pg.AxisItem("bottom")}
        layout = pg.GraphicsLayout()
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addItem(self.axes["left"], 0, 0)
        layout.addItem(self.vb, 0, 1)
        layout.addItem(self.axes["bottom"], 1, 1)
        for axis, text in ((self.axes["bottom"], x_label), (self.axes["left"], y_label)):
            axis.linkToView(self.vb)
            axis.setGrid(int(GRID_ALPHA * 255))
            axis.setLabel(text, color=TEXT_DIM)
            axis.setTextPen(TEXT_DIM)
            axis.setPen(AXIS_PEN)
        self.setCentralItem(layout)
        # filled by the caller, in its own time (entries cost a few ms each)
        self.legend = pg.LegendItem(offset=(8, 4), labelTextColor=TEXT, brush=pg.mkBrush(30, 33, 38, 210), colCount=4)
        self.legend.setParentItem(self.vb)

    def add(self, item, ignore_bounds: bool = False) -> None:
        self.vb.addItem(item, ignoreBounds=ignore_bounds)

    def remove(self, item) -> None:
        self.vb.removeItem(item)

    def clear(self) -> None:
        """Remove every item added (the axes and the legend stay; the legend keeps its entries)."""
        self.vb.clear()

    def set_range(self, x: tuple[float, float], y: tuple[float, float]) -> None:
        self.vb.setRange(xRange=x, yRange=y, padding=0)
