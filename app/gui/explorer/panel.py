"""The Latent Explorer dock: the model's status on top, three tabs below."""
from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ..models_host import ModelBanner
from .corner_grid import CornerGridTab
from .interpolate import InterpolateTab
from .latent_map import LatentMapTab

TABS = ("interpolate", "grid", "map")


class ExplorerPanel(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.banner = ModelBanner(ctx.host, ctx.model_key, parent=self)
        self.interpolate = InterpolateTab(ctx)
        self.grid = CornerGridTab(ctx)
        self.map = LatentMapTab(ctx)
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
