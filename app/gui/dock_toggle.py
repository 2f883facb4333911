"""Menu / tool-bar toggles for docks that share a tab group.

Qt's ``QDockWidget.toggleViewAction`` only shows or closes: showing a dock whose tab sits behind
another leaves it hidden there, and pressing the button of such a dock closes it unseen. With
``bring_forward_toggle`` the button brings a dock that is open but behind forward, and closes
only the dock the user is looking at.
"""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget


def in_front(dock: QDockWidget) -> bool:
    """Open and on screen (not behind another dock's tab)."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def show_in_front(dock: QDockWidget) -> None:
    dock.show()
    dock.raise_()


def toggle_dock(dock: QDockWidget) -> None:
    if in_front(dock):
        dock.close()
    else:
        show_in_front(dock)


def bring_forward_toggle(dock: QDockWidget) -> QAction:
    """The dock's toggleViewAction (checked while the dock is open), rewired as above."""
    action = dock.toggleViewAction()
    action.triggered.disconnect()  # Qt's own show-or-close
    action.triggered.connect(lambda _checked=False: (toggle_dock(dock), action.setChecked(not dock.isHidden())))
    return action
