"""The Latent Explorer dock: the model's status on top, three tabs below."""
from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QApplication, QTabWidget, QVBoxLayout, QWidget

from ..models_host import ModelBanner
from .corner_grid import CornerGridTab
from .interpolate import InterpolateTab
from .latent_map import LatentMapTab

TABS = ("interpolate", "grid", "map")


def collect_orphans(make) -> tuple[object, list[QWidget]]:
    """Run ``make``; also return the parentless menus and option panels pyqtgraph created on the
    way (plot options, ROI handle menus). Nothing owns them in Qt, so the panel deletes them
    when it goes (the app runs with the cyclic GC off, which would otherwise free them)."""
    before = {id(w) for w in QApplication.topLevelWidgets()}
    made = make()
    return made, [w for w in QApplication.topLevelWidgets() if id(w) not in before and w.parent() is None]


def _delete_all(widgets: list[QWidget]) -> None:
    for w in widgets:
        if shiboken6.isValid(w):
            w.deleteLater()


class ExplorerPanel(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.banner = ModelBanner(ctx.host, ctx.model_key, parent=self)
        (self.interpolate, self.grid, self.map), orphans = collect_orphans(
            lambda: (InterpolateTab(ctx, self), CornerGridTab(ctx, self), LatentMapTab(ctx, self)))
        self.destroyed.connect(lambda _o=None, ws=orphans: _delete_all(ws))
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.interpolate, "Interpolate A → B")
        self.tabs.addTab(self.grid, "Corner grid")
        self.tabs.addTab(self.map, "Map")
        self.tabs.currentChanged.connect(lambda _i: self._on_tab())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.banner)
        lay.addWidget(self.tabs, 1)
        self.banner.readyChanged.connect(self._on_ready)
        self._on_ready(self.banner.ready)

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(name))

    def _on_ready(self, ready: bool) -> None:
        self.tabs.setEnabled(ready)
        self.banner.setVisible(not ready)
        if ready:
            self._on_tab()

    def _on_tab(self) -> None:
        if self.tabs.currentWidget() is self.map and self.banner.ready:
            self.map.show_corpus()
