"""Plug the Library dock into the main window: ``install_library_panel(window, actions, ctx, ...)``.

Adds the dock (tabbed with the model docks on the right), *View ▸ Library Panel* (Ctrl+Shift+L)
and *Edit ▸ Save Selection to Library…*. The library folder is read each time the dock opens
(files another instance saved, or .mid files copied there, show up); the corpus on first look.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from latentroll.app.calls.library import SimilarRequest
from latentroll.core.library import LibraryEntry

from .dock_toggle import bring_forward_toggle, show_in_front
from .library_panel.controller import LibraryController
from .library_panel.panel import LibraryPanel
from .model_context import ModelContext
from .window_layout import RightDockSizer

SHORTCUT = "Ctrl+Shift+L"  # Ctrl+L loops the selection


@dataclass
class LibraryDock:
    window: QMainWindow
    dock: QDockWidget
    panel: LibraryPanel
    controller: LibraryController

    def show(self) -> None:
        show_in_front(self.dock)

    def opened(self) -> None:
        """Each time it shows: read the folder again."""
        self.controller.refresh()

    def more_like_point(self, x: float, y: float) -> None:
        """The library clips nearest a point of the explorer's map, in the Similar section (with
        its filters as set)."""
        self.show()
        self.controller.more_like_this(SimilarRequest(point=(x, y), **self.panel.similar.filters()))

    def save_selection(self) -> bool:
        return self.controller.save_selection(self._saved)

    def _saved(self, entry: LibraryEntry) -> None:
        self.show()
        self.panel._select_entry(entry)


def _menu(window: QMainWindow, title: str) -> QMenu | None:
    for act in window.menuBar().actions():
        if act.text().replace("&", "") == title and act.menu() is not None:
            return act.menu()
    return None


def install_library_panel(window: QMainWindow, actions: dict[str, QAction], ctx: ModelContext, folder: Path,
                          tab_with: QDockWidget, sizer: RightDockSizer | None = None) -> LibraryDock:
    """The dock on the right, tabbed with ``tab_with``; the music library in ``folder``;
    ``sizer`` gives the right area room for its columns when it opens first."""
    controller = LibraryController(ctx, folder, window)
    panel = LibraryPanel(controller)
    dock = QDockWidget("Library", window)
    dock.setObjectName("libraryDock")
    dock.setWidget(panel)
    dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(tab_with, dock)
    dock.hide()
    (sizer or RightDockSizer(window)).watch(dock)
    out = LibraryDock(window, dock, panel, controller)
    dock.visibilityChanged.connect(lambda visible: visible and out.opened())

    toggle = bring_forward_toggle(dock)  # brings it forward when it is open behind a tab
    toggle.setText("&Library Panel")
    toggle.setShortcut(QKeySequence(SHORTCUT))
    toggle.setToolTip(f"Library panel ({SHORTCUT})")
    toggle.setStatusTip("Your saved clips and songs, and the corpus the models learned from")
    save = QAction("Save Selection to &Library…", window)
    save.setStatusTip("Save the selected notes (or the current track) to your music library")
    save.triggered.connect(lambda _c=False: out.save_selection())
    for name, act in (("library_panel", toggle), ("save_to_library", save)):
        window.addAction(act)
        actions[name] = act
    view, edit = _menu(window, "View"), _menu(window, "Edit")
    if view is not None:
        view.addSeparator()
        view.addAction(toggle)
    if edit is not None:
        edit.addSeparator()
        edit.addAction(save)
    return out
