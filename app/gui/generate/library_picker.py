"""Pick clips of the user's music library (``core.library.MusicLibrary``) from its own list: a
search box over the catalogue (title, style, tags, key) and a list to select several from.

The Generate panel's My style dialog uses it for "From library…"; the Library panel is a sibling
panel, so this reads the catalogue itself (the same SQLite file, in memory once loaded).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from latentroll.core.library import LibraryEntry, LibraryError, MusicLibrary

MAX_LISTED = 2000  # rows shown at once; the search box narrows a larger library


def entry_label(e: LibraryEntry) -> str:
    details = [d for d in (e.style.replace("_", " "), e.key, f"{e.bars} bars" if e.bars else "") if d]
    return e.title + (f"  ({', '.join(details)})" if details else "")


class LibraryPicker(QDialog):
    """Select library clips; ``picked`` brings the chosen entries when Add is pressed."""

    picked = Signal(list)  # list[LibraryEntry]

    def __init__(self, library: MusicLibrary, parent=None, title: str = "Library clips"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.library = library
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("search title, style, tags, key")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
        self.list = QListWidget(self)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.itemDoubleClicked.connect(lambda _i: self._add())
        self.note = QLabel(self)
        self.note.setObjectName("dim")
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.add_button = buttons.addButton("Add", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._add)
        buttons.rejected.connect(self.reject)
        self.list.itemSelectionChanged.connect(
            lambda: self.add_button.setEnabled(bool(self.list.selectedItems())))
        lay = QVBoxLayout(self)
        lay.addWidget(self.search)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.note)
        lay.addWidget(buttons)
        self.resize(460, 420)
        self.refresh()

    def refresh(self) -> None:
        try:
            entries = self.library.search(self.search.text(), limit=MAX_LISTED)
        except LibraryError as exc:
            entries = []
            self.note.setText(str(exc))
        else:
            self.note.setText("" if entries else
                              "No clip matches." if self.search.text().strip() else
                              "Your library is empty: save clips with Edit ▸ Save Selection to Library….")
        self.list.clear()
        for e in entries:
            item = QListWidgetItem(entry_label(e))
            item.setData(Qt.ItemDataRole.UserRole, e)
            item.setToolTip(e.file)
            self.list.addItem(item)
        self.add_button.setEnabled(bool(self.list.selectedItems()))

    def chosen(self) -> list[LibraryEntry]:
        return [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in
                sorted(self.list.row(i) for i in self.list.selectedItems())]

    def _add(self) -> None:
        chosen = self.chosen()
        if chosen:
            self.picked.emit(chosen)
            self.accept()
