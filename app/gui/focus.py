"""Where keyboard focus goes when nobody chose: back to the piano roll, never into a text field.

When the focused control is disabled or hidden (a Library button greys out as its tab changes),
Qt hands focus to the next widget of the window's tab chain, which may be a track's name field
with its text selected: the next Space (play) would then replace the name. Space and the tool
keys belong to the roll unless the user clicked into a text field on purpose, so a focus that was
handed over (not clicked, not tabbed to), or let go by a committed text field, goes to the roll.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget


class FocusHome(QObject):
    """Sends focus that Qt handed on from a disabled or hidden widget of ``window`` to ``home``."""

    def __init__(self, window: QWidget, home: QWidget):
        super().__init__(window)
        self.window = window
        self.home = home
        QApplication.instance().focusChanged.connect(self._on_focus_changed)  # dropped with this object

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if old is None or old.window() is not self.window or not self.home.isVisible():
            return
        if new is None:  # cleared (a name committed with Enter) in the active window: home
            handed = QApplication.activeWindow() is self.window
        else:  # moved on from a control that was disabled or hidden, not by a click or Tab
            handed = new is not self.home and new.window() is self.window and not (old.isEnabled() and old.isVisible())
        if handed:
            self.home.setFocus(Qt.FocusReason.OtherFocusReason)
