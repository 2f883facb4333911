"""The Latent Explorer dock: the model's status on top, three tabs below."""
from __future__ import annotations

from functools import partial

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QTabWidget, QVBoxLayout, QWidget

from ..model_context import ModelContext
from ..models_host import ModelBanner
from ..ui_steps import UiSteps
from .corner_grid import CornerGridTab
from .drum_grid import DrumExplorerTab
from .interpolate import InterpolateTab
from .latent_map import LatentMapTab

TABS = ("interpolate", "grid", "map", "drums")


def collect_orphans(make) -> tuple[object, list[QWidget]]:
    """Run ``make``; also return the parentless menus and option panels pyqtgraph created on the
    way (plot options, ROI handle menus). Nothing owns them in Qt, so the panel deletes them
    when it goes (the app runs with the cyclic GC off, which would otherwise free them).

    Widgets are told apart by their C++ address: a widget Python holds no wrapper for gets a
    fresh one on each ``topLevelWidgets()`` call, and ``id()`` of a freed wrapper is reused."""
    before = {shiboken6.getCppPointer(w)[0] for w in QApplication.topLevelWidgets()}
    made = make()
    return made, [w for w in QApplication.topLevelWidgets()
                  if shiboken6.getCppPointer(w)[0] not in before and w.parent() is None]


def _delete_all(widgets: list[QWidget]) -> None:
    for w in widgets:
        if shiboken6.isValid(w):
            w.deleteLater()


class ExplorerPanel(QWidget):
    """Builds one tab per event-loop turn (each costs a few tens of ms of widget and pyqtgraph
    set-up) so opening the explorer never freezes the window; ``built`` fires after the last."""

    built = Signal()

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.interpolate: InterpolateTab | None = None
        self.grid: CornerGridTab | None = None
        self.map: LatentMapTab | None = None
        self.drums: DrumExplorerTab | None = None  # the drum VAE's own tab, with its own status
        self.banner = ModelBanner(ctx.host, ctx.model_key, parent=self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(lambda _i: self._on_tab())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addWidget(self.banner)
        lay.addWidget(self.tabs, 1)
        self._orphans: list[QWidget] = []
        self.destroyed.connect(lambda _o=None, ws=self._orphans: _delete_all(ws))
        self.steps = UiSteps(self)
        for name, cls, title in (("interpolate", InterpolateTab, "Interpolate A → B"),
                                 ("grid", CornerGridTab, "Corner grid"), ("map", LatentMapTab, "Map"),
                                 ("drums", DrumExplorerTab, "Drums")):
            self.steps.add(partial(self._build, name, cls, title))
        self.steps.add(self.built.emit)
        self.banner.readyChanged.connect(self._on_ready)
        self._on_ready(self.banner.ready)

    @property
    def complete(self) -> bool:
        return self.drums is not None

    def _build(self, name: str, cls, title: str) -> None:
        tab, orphans = collect_orphans(lambda: cls(self.ctx, self))
        self._orphans.extend(orphans)
        setattr(self, name, tab)
        self.tabs.addTab(tab, title)
        if name != "drums":
            tab.setEnabled(self.banner.ready)

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(name))

    def _on_ready(self, ready: bool) -> None:
        for tab in (self.interpolate, self.grid, self.map):  # the Drums tab follows the drum VAE
            if tab is not None:
                tab.setEnabled(ready)
        self.banner.setVisible(not ready)
        if ready:
            self._on_tab()

    def _on_tab(self) -> None:
        if self.map is not None and self.tabs.currentWidget() is self.map and self.banner.ready:
            self.steps.add(self.map.show_corpus)  # on a later turn: after the tab has painted once
