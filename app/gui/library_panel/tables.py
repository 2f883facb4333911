"""Table models for the Library dock: a model/view list that stays quick with the corpus's
12,000 tunes.

Each row's search facets (lower-case text, style, tags, favourite) are computed once when the
rows arrive; the filter proxy asks ``core.library.Query`` about those. Sorting happens in the
source model with one Python ``sorted`` (the proxy's own sort would call ``data()`` from C++
hundreds of thousands of times for 12k rows).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from latentroll.core.library import LibraryEntry, Query

from ..model_controls import style_title
from .corpus_rows import CorpusRow

R = TypeVar("R")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object itself
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    sort_key: Callable[[R], Any]
    width: int = 80  # initial width in px (the view never measures 12k rows to find it)
    tip: str = ""
    right: bool = False  # numbers line up on the right


@dataclass(frozen=True)
class Facets:
    haystack: str
    style: str = ""
    tags: tuple[str, ...] = ()
    favourite: bool = False


class PieceTable(QAbstractTableModel, Generic[R]):
    """Rows of one kind; subclasses give the columns, each row's key and its facets."""

    COLUMNS: Sequence[Column] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[R] = []
        self.facets: list[Facets] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # ---- subclass hooks --------------------------------------------------------------------
    def key(self, row: R) -> Any:
        raise NotImplementedError

    def facets_of(self, row: R) -> Facets:
        raise NotImplementedError

    def tooltip(self, row: R) -> str:
        return ""

    # ---- rows ----------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.facets = [self.facets_of(r) for r in self.rows]
        if self._sort is not None:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def row_of(self, key: Any) -> int | None:
        return next((i for i, r in enumerate(self.rows) if self.key(r) == key), None)

    # ---- QAbstractTableModel -----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.COLUMNS[section].tip or None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        keys = [self.key(self.rows[i.row()]) for i in old]
        self._sort = (column, order)
        self._sort_rows(column, order)
        where = {self.key(r): i for i, r in enumerate(self.rows)} if old else {}
        self.changePersistentIndexList(old, [self.index(where[k], i.column()) for k, i in zip(keys, old)])
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        key = self.COLUMNS[column].sort_key
        pairs = sorted(zip(self.rows, self.facets), key=lambda p: key(p[0]),
                       reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = [p[0] for p in pairs]
        self.facets = [p[1] for p in pairs]


class FilterProxy(QSortFilterProxyModel):
    """Shows the rows a ``Query`` accepts; sorting is handed to the source model."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.query = Query()
        self.last_filter_ms = 0.0

    def set_query(self, query: Query) -> None:
        if query == self.query:
            return
        t0 = time.perf_counter()
        self.beginFilterChange()
        self.query = query
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.last_filter_ms = (time.perf_counter() - t0) * 1000

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        q = self.query
        if q.empty:
            return True
        f = self.sourceModel().facets[source_row]
        return q.accepts(f.haystack, f.style, f.tags, f.favourite)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def row(self, index: Index):
        """The source row object at a proxy index (None when invalid)."""
        return index.data(ROW_ROLE) if index.isValid() else None


def natural(text: str) -> tuple:
    """Sort key that puts "BWV 11.6" after "BWV 10.7" and "BWV 9.2" before both."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text.lower()))


def _date(t: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(t)) if t else ""


class LibraryTable(PieceTable[LibraryEntry]):
    COLUMNS = (
        Column("★", lambda e: "★" if e.favourite else "", lambda e: (not e.favourite, natural(e.title)), 26,
               "Favourites"),
        Column("Title", lambda e: e.title, lambda e: natural(e.title), 170),
        Column("Style", lambda e: style_title(e.style), lambda e: (e.style.lower() or "~", natural(e.title)), 78),
        Column("Tags", lambda e: ", ".join(e.tags), lambda e: (", ".join(e.tags).lower() or "~", natural(e.title)),
               90),
        Column("Bars", lambda e: str(e.bars), lambda e: (e.bars, natural(e.title)), 40, right=True),
        Column("Key", lambda e: e.key, lambda e: (e.key, natural(e.title)), 70),
        Column("Tempo", lambda e: f"{e.tempo:g}", lambda e: (e.tempo, natural(e.title)), 48, "BPM", right=True),
        Column("Added", lambda e: _date(e.created), lambda e: e.created, 80),
        Column("Source", lambda e: e.source, lambda e: (e.source, natural(e.title)), 60),
    )

    def key(self, row: LibraryEntry) -> str:
        return row.file

    def facets_of(self, row: LibraryEntry) -> Facets:
        return Facets(row.haystack, row.style, row.tags, row.favourite)

    def tooltip(self, row: LibraryEntry) -> str:
        tags = f" · tags: {', '.join(row.tags)}" if row.tags else ""
        return (f"{row.title} — {row.bars} bars, {row.meter}, {row.key}, {row.tempo:g} BPM, {row.notes} notes"
                f"{tags}\n{row.file}")


class CorpusTable(PieceTable[CorpusRow]):
    COLUMNS = (
        Column("Title", lambda r: r.title, lambda r: natural(r.title), 190),
        Column("Style", lambda r: style_title(r.style), lambda r: (r.style, natural(r.title)), 80),
        Column("Meter", lambda r: r.meter, lambda r: (r.meter, natural(r.title)), 44),
        Column("Key", lambda r: r.key, lambda r: (r.key, natural(r.title)), 70),
        Column("Bars", lambda r: str(r.bars), lambda r: (r.bars, natural(r.title)), 40, right=True),
        Column("Voices", lambda r: str(r.voices), lambda r: (r.voices, natural(r.title)), 46, right=True),
        Column("Source", lambda r: r.tune_id, lambda r: r.tune_id, 200, "music21 corpus file / tune"),
    )

    def key(self, row: CorpusRow) -> int:
        return row.index

    def facets_of(self, row: CorpusRow) -> Facets:
        return Facets(row.haystack, row.style)

    def tooltip(self, row: CorpusRow) -> str:
        return f"{row.title} — {row.style}, {row.meter}, {row.key}, {row.bars} bars\n{row.tune_id}"
