"""The Library dock's "Similar" section: the clips nearest the last "More like this" request,
best first, with their cosine score, and filters (style, key, tag) to ask again with.

A row is a ``LibraryEntry``: the dock's buttons (play, insert, edit…) act on the selected one,
and a double-click or Enter inserts it, as in My Library.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from latentroll.app.calls.library import SimilarRequest, SimilarResult
from latentroll.core.library import LibraryEntry, normalize_tags

from ..model_controls import style_title

EMPTY = ("Right-click a clip in My Library and choose More Like This (or press ≈ Like This), select notes "
         "in the roll and press ≈ Selection, or right-click a point of the Latent Explorer's map: the nearest "
         "clips of your library are listed here.")
COLUMNS = ("Title", "Score", "Style", "Key", "Tags")


class SimilarTable(QTableWidget):
    insertRequested = Signal(object)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self.insertRequested.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class SimilarPage(QWidget):
    currentChanged = Signal()
    searchRequested = Signal(object)  # a SimilarRequest: the last one with the filters as set now

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: SimilarResult | None = None
        self.entries: list[LibraryEntry] = []
        self.heading = QLabel(EMPTY, self)
        self.heading.setWordWrap(True)
        self.heading.setObjectName("dim")
        self.style = QComboBox(self)
        self.style.setToolTip("Only clips of this style")
        self.key = QLineEdit(self)
        self.key.setPlaceholderText("key, e.g. D minor")
        self.key.setClearButtonEnabled(True)
        self.tags = QLineEdit(self)
        self.tags.setPlaceholderText("tags")
        self.tags.setToolTip("Only clips with every one of these tags (comma-separated)")
        self.tags.setClearButtonEnabled(True)
        self.again = QPushButton("Search Again", self)
        self.again.setToolTip("Ask again with these filters")
        self.again.setEnabled(False)
        self.again.clicked.connect(self._search_again)
        self.key.returnPressed.connect(self._search_again)
        self.tags.returnPressed.connect(self._search_again)
        self.table = SimilarTable(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 180)
        self.table.setColumnWidth(1, 56)
        self.table.currentCellChanged.connect(lambda *_a: self.currentChanged.emit())
        self.note = QLabel("", self)
        self.note.setObjectName("dim")
        self.note.setWordWrap(True)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.style)
        filters.addWidget(self.key, 1)
        filters.addWidget(self.tags, 1)
        filters.addWidget(self.again)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.heading)
        lay.addLayout(filters)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.note)
        self.set_styles([])

    def set_styles(self, styles: list[str]) -> None:
        current = self.style.currentData()
        self.style.blockSignals(True)
        self.style.clear()
        self.style.addItem("Any style", "")
        for s in styles:
            self.style.addItem(style_title(s), s)
        self.style.setCurrentIndex(max(self.style.findData(current), 0))
        self.style.blockSignals(False)

    def filters(self) -> dict:
        return {"style": self.style.currentData() or None, "key": self.key.text().strip() or None,
                "tags": normalize_tags(self.tags.text())}

    def _search_again(self) -> None:
        if self.result is not None:
            self.searchRequested.emit(replace(self.result.request, **self.filters()))

    def show_result(self, result: SimilarResult) -> None:
        keep = self.current()
        self.result = result
        self.entries = [e for e, _ in result.hits]
        self.again.setEnabled(True)
        req: SimilarRequest = result.request
        self.heading.setText(f"Clips most like {req.describe()}" +
                             (f" ({', '.join(_filter_words(req))})" if _filter_words(req) else ""))
        self.table.blockSignals(True)
        self.table.setRowCount(len(result.hits))
        for row, (e, score) in enumerate(result.hits):
            for col, text in enumerate((e.title, f"{score:.3f}", style_title(e.style) if e.style else "", e.key,
                                        ", ".join(e.tags))):
                item = QTableWidgetItem(text)
                if col == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        rows = [e.file for e in self.entries]
        if keep is not None and keep.file in rows:
            self.table.selectRow(rows.index(keep.file))
        missing = f"{result.missing} clip(s) have no latent yet and were not compared. " if result.missing else ""
        self.note.setText(missing + ("" if result.hits else "No clip matches."))
        self.currentChanged.emit()

    def current(self) -> LibraryEntry | None:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None


def _filter_words(req: SimilarRequest) -> list[str]:
    return [w for w in (style_title(req.style) if req.style else "", req.key or "", *req.tags) if w]
