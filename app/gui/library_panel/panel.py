"""The Library dock's widgets: three sections (My Library, Corpus, Similar), the first two a
search box, a style/tag filter and a table, the third the answer to "More like this"; under them
a preview of the selected piece and what to do with it.

The tables are model/view (one painted view over a list of light rows), so the corpus's 12,000
tunes list, filter and sort without a widget per row.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStyle,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from latentroll.app.calls.library import SimilarRequest
from latentroll.core.library import LibraryEntry, Query
from latentroll.core.song import PPQ

from ..clip_widgets import DragPress, start_file_drag
from ..elided_label import ElidedLabel
from ..mini_roll import MiniRoll, clip_span
from ..model_controls import RunButton, style_title
from .controller import LibraryController, Piece, piece_clips, piece_key
from .corpus_rows import BUILD_HINT, CorpusRow
from .similar_page import SimilarPage
from .tables import CorpusTable, FilterProxy, LibraryTable, PieceTable

ROW_PX = 22
SEARCH_DELAY_MS = 120  # typing settles before 12k rows are filtered
ALL, FAVOURITES, STYLE, TAG = "all", "fav", "style", "tag"
EMPTY_LIBRARY = ("Your library is empty. Select notes in the piano roll and press Save Selection… "
                 "(or Edit ▸ Save Selection to Library…).")


def _filter_data(kind: str, value: str | None = None) -> str:
    """A filter choice as combo-box data ("style:irish", "tag:idea", "fav", "all")."""
    return kind if value is None else f"{kind}:{value}"


class PieceView(QTableView):
    """The table: double-click or Enter inserts, a drag takes the piece out as a .mid."""

    insertRequested = Signal(object)  # the row object
    dragRequested = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._press = DragPress()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(ROW_PX)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setHighlightSections(False)
        self.setToolTip("")
        self.doubleClicked.connect(lambda index: self.insertRequested.emit(self._row(index)))

    def _row(self, index):
        model = self.model()
        return model.row(index) if isinstance(model, FilterProxy) else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.insertRequested.emit(self._row(self.currentIndex()))
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._press.press(event.position(), self._row(self.indexAt(event.position().toPoint())))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press.payload is not None and self._press.moved_far(event.position()):
            row = self._press.payload
            self._press.clear()
            self.dragRequested.emit(row)
            return
        if self._press.pos is None:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press.clear()
        super().mouseReleaseEvent(event)


class PiecePage(QWidget):
    """One section: search box + filter, the table, a note (empty, missing corpus) and a count."""

    currentChanged = Signal()

    def __init__(self, table: PieceTable, noun: str, parent=None):
        super().__init__(parent)
        self.table = table
        self.noun = noun  # "piece" / "tune"
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(table)
        self.search = QLineEdit(self)
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(f"Search {noun}s: title, style, tag, key…")
        self.filter = QComboBox(self)
        self.filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.filter.setToolTip("Show one style (or tag) only")
        self.view = PieceView(self)
        self.view.setModel(self.proxy)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the header's arrow and the rows agree
        header = self.view.horizontalHeader()
        style = header.style()
        room = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize) \
            + 4 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)  # the sort arrow and margins
        for i, col in enumerate(table.COLUMNS):  # never narrower than the title ("Bars", not "B…")
            self.view.setColumnWidth(i, max(col.width, header.fontMetrics().horizontalAdvance(col.title) + room))
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.note.setObjectName("dim")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        self.count = QLabel("", self)
        self.count.setObjectName("dim")
        self.head = QHBoxLayout()
        self.head.setContentsMargins(0, 0, 0, 0)
        self.head.addWidget(self.search, 1)
        self.head.addWidget(self.filter)
        self.foot = QHBoxLayout()
        self.foot.setContentsMargins(0, 0, 0, 0)
        self.foot.addWidget(self.count, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.setSpacing(4)
        lay.addLayout(self.head)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.note)
        lay.addLayout(self.foot)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.apply_query)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.filter.currentIndexChanged.connect(lambda _i: self.apply_query())
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self.currentChanged.emit())
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.set_filters([])

    # ---- filtering -----------------------------------------------------------------------------
    def set_filters(self, items: list[tuple[str, str, str | None]]) -> None:
        """The filter choices after "All" (label, kind, value); the current one stays if it can."""
        current = self.filter.currentData()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem(f"All {self.noun}s", _filter_data(ALL))
        for label, kind, value in items:
            self.filter.addItem(label, _filter_data(kind, value))
        i = self.filter.findData(current) if current is not None else 0
        self.filter.setCurrentIndex(max(i, 0))
        self.filter.blockSignals(False)
        if i < 0:
            self.apply_query()

    def set_filter(self, kind: str, value: str | None = None) -> bool:
        i = self.filter.findData(_filter_data(kind, value))
        if i >= 0:
            self.filter.setCurrentIndex(i)
        return i >= 0

    def query(self) -> Query:
        kind, _, value = (self.filter.currentData() or ALL).partition(":")
        return Query(self.search.text(), tag=value if kind == TAG else None,
                     style=value if kind == STYLE else None, favourites=kind == FAVOURITES)

    def apply_query(self) -> None:
        self._debounce.stop()
        keep = self.current()
        self.proxy.set_query(self.query())
        self._update_count()
        if keep is not None:
            self.select_key(self.table.key(keep), scroll=True)

    def _update_count(self, *_args) -> None:
        shown, total = self.proxy.rowCount(), self.table.rowCount()
        s = "" if total == 1 else "s"
        self.count.setText(f"{total:,} {self.noun}{s}" if shown == total else f"{shown:,} of {total:,} {self.noun}s")

    # ---- the current row ------------------------------------------------------------------------
    def current(self):
        return self.proxy.row(self.view.currentIndex())

    def select_key(self, key, scroll: bool = True) -> bool:
        row = self.table.row_of(key)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.table.index(row, 0))
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.selectRow(index.row())
        if scroll:
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def sort_by(self, title: str, order: Qt.SortOrder) -> None:
        column = next(i for i, c in enumerate(self.table.COLUMNS) if c.title == title)
        self.view.sortByColumn(column, order)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))


class LibraryPanel(QWidget):
    def __init__(self, controller: LibraryController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.mine = PiecePage(LibraryTable(self), "piece", self)
        self.corpus = PiecePage(CorpusTable(self), "tune", self)
        self.mine.sort_by("Added", Qt.SortOrder.DescendingOrder)  # newest first
        self.tabs.addTab(self.mine, "My Library")
        self.tabs.addTab(self.corpus, "Corpus")
        self.similar = SimilarPage(self)
        self.tabs.addTab(self.similar, "Similar")
        self.tabs.setTabToolTip(0, f"Your saved clips and songs: .mid files in {controller.folder}")
        self.tabs.setTabToolTip(1, "The music21 tunes the models learned from (read-only)")
        self.tabs.setTabToolTip(2, "More like this: the library clips nearest a clip or your selection")

        self.save_button = QPushButton("Save Selection…", self)
        self.save_button.setToolTip("Save the selected notes (or the current track) to your library")
        self.save_button.clicked.connect(lambda: controller.save_selection(self._select_entry))
        self.mine.foot.addWidget(self.save_button)
        self.reload_button = QToolButton(self)
        self.reload_button.setText("Reload")
        self.reload_button.setToolTip("Read the corpus cache again (after `latentroll data build`)")
        self.reload_button.clicked.connect(self._reload_corpus)
        self.corpus.foot.addWidget(self.reload_button)
        self.build_button = RunButton("Build corpus", self)
        self.build_button.setToolTip("Parse music21's folk tunes and chorales into the corpus the models learn from "
                                     "(a few minutes, once; Cancel stops it and writes nothing)")
        self.build_button.clicked_run.connect(lambda: self.build_button.track(controller.build_corpus()))
        self.build_button.clicked_cancel.connect(controller.cancel_build)
        self.build_button.hide()
        self.corpus.foot.addWidget(self.build_button)
        self.folder_button = QToolButton(self)
        self.folder_button.setText("Folder")
        self.folder_button.setToolTip(f"Open the library folder ({controller.folder}); .mid files "
                                      "copied there appear in the library")
        self.folder_button.clicked.connect(self.open_folder)
        self.mine.foot.addWidget(self.folder_button)
        self.like_selection = QToolButton(self)
        self.like_selection.setText("≈ Selection")
        self.like_selection.setToolTip("Find the library clips most like the selected notes (the VAE reads their "
                                       "first 2 bars)")
        self.like_selection.clicked.connect(lambda: controller.more_like_selection(**self.similar.filters()))
        self.mine.foot.addWidget(self.like_selection)
        self.import_button = RunButton("Import Folder…", self)
        self.import_button.setToolTip("Import every MIDI file of a folder (and its subfolders) into your library; "
                                      "a report lists what was skipped and why")
        self.import_button.clicked_run.connect(lambda: self.import_button.track(controller.import_folder()))
        self.import_button.clicked_cancel.connect(controller.cancel_import)
        self.mine.foot.addWidget(self.import_button)

        self.preview = MiniRoll(self)
        self.preview.setMinimumHeight(64)
        self.preview.setToolTip("The selected piece (drag a row out of the list to take it as a MIDI file)")
        self.caption = ElidedLabel("Select a piece to see it here", self)
        self.caption.setObjectName("dim")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.setSpacing(4)
        for name, text, tip in (
            ("play", "▶ Play", "Hear it (again: stop)"),
            ("insert", "Insert", "Insert into the current track at the playhead (one undo step; double-click, Enter)"),
            ("track", "+ Track", "Insert as new track(s) at the playhead (one undo step)"),
            ("explorer", "→ Explorer", "Add its melody to the Latent Explorer's clips (an interpolation end or a "
                                       "grid corner)"),
            ("similar", "≈ Like This", "More like this: the library clips nearest it (by the VAE's latent)"),
        ):
            b = QPushButton(text, self)
            b.setToolTip(tip)
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            b.clicked.connect(lambda _c=False, n=name: self.act(n))
            row.addWidget(b)
            self.buttons[name] = b
        edit_row = QHBoxLayout()
        edit_row.setSpacing(4)
        for name, text, tip in (
            ("favourite", "☆ Favourite", "Mark as a favourite (the filter can show favourites only)"),
            ("edit", "Edit…", "Rename, set its style and tags"),
            ("delete", "Delete…", "Remove it and its file from the library"),
            ("save_tune", "Save to My Library…", "Copy this tune into your library (to tag it or keep it at hand)"),
        ):
            b = QPushButton(text, self)
            b.setToolTip(tip)
            b.setCheckable(name == "favourite")  # shows whether it is one
            b.clicked.connect(lambda _c=False, n=name: self.act(n))
            edit_row.addWidget(b)
            self.buttons[name] = b
        edit_row.addStretch(1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 6)
        lay.setSpacing(4)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.caption)
        lay.addWidget(self.preview)
        lay.addLayout(row)
        lay.addLayout(edit_row)

        self.similar.currentChanged.connect(self._on_current)
        self.similar.table.doubleClicked.connect(lambda index: self._insert_similar(index.row()))
        self.similar.table.insertRequested.connect(self._insert_similar)
        self.similar.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.similar.table.customContextMenuRequested.connect(self._similar_menu)
        self.similar.searchRequested.connect(controller.more_like_this)
        controller.similarReady.connect(self._on_similar)
        controller.importProgress.connect(
            lambda done, total: self.mine.set_note(f"Importing: {int(done)} of {int(total)} files looked at…"))
        controller.importingChanged.connect(lambda on: on or self.mine.set_note(
            "" if controller.entries else EMPTY_LIBRARY))
        for page in (self.mine, self.corpus):
            page.currentChanged.connect(self._on_current)
            page.view.insertRequested.connect(lambda r: r is not None and controller.insert(r))
            page.view.dragRequested.connect(self.drag)
            page.view.customContextMenuRequested.connect(lambda pos, p=page: self._context_menu(p, pos))
        self.tabs.currentChanged.connect(self._on_tab)
        controller.listingChanged.connect(self._on_listing)
        controller.corpusChanged.connect(self._on_corpus)
        controller.busyChanged.connect(lambda _b: self._on_corpus())
        controller.buildProgress.connect(self._on_build_progress)
        controller.songReady.connect(self._on_song_ready)
        controller.playingChanged.connect(lambda _k: self._update_buttons())
        self.mine.set_note(EMPTY_LIBRARY)
        self._on_current()

    # ---- the current piece ------------------------------------------------------------------
    @property
    def page(self) -> PiecePage:
        return self.corpus if self.tabs.currentWidget() is self.corpus else self.mine

    def current(self) -> Piece | None:
        if self.tabs.currentWidget() is self.similar:
            return self.similar.current()
        return self.page.current()

    def _on_tab(self, _i: int) -> None:
        if self.page is self.corpus and self.controller.corpus is None:
            self.controller.load_corpus()
            self._on_corpus()
        self._on_current()

    def _on_current(self) -> None:
        piece = self.current()
        self._update_buttons()
        if piece is None:
            self.caption.setText("Select a piece to see it here")
            self.caption.setToolTip("")
            self.preview.set_notes(self.preview.notes[:0], 8 * PPQ)
            return
        self._set_caption(piece)
        song = self.controller.cached_song(piece)
        if song is not None or isinstance(piece, CorpusRow):
            self.controller.with_song(piece, lambda s, p=piece: self._show(p, s))
        else:
            self.preview.set_notes(self.preview.notes[:0], 8 * PPQ)
            self.controller.with_song(piece, lambda _s: None)  # the preview follows on songReady

    def _set_caption(self, piece: Piece) -> None:
        if isinstance(piece, LibraryEntry):
            extra = f"{piece.bars} bars · {piece.meter} · {piece.key} · {piece.tempo:g} BPM"
            extra += f" · {style_title(piece.style)}" if piece.style else ""
        else:
            voices = f" · {piece.voices} voices" if piece.voices > 1 else ""
            extra = f"{style_title(piece.style)} · {piece.bars} bars · {piece.meter} · {piece.key}{voices}"
        self.caption.setText(f"{piece.title} — {extra}")
        self.caption.setToolTip(f"{piece.title}\n{extra}")

    def _on_song_ready(self, key, song) -> None:
        piece = self.current()
        if piece is not None and piece_key(piece) == key:
            self._show(piece, song)

    def _show(self, piece: Piece, song) -> None:
        current = self.current()
        if current is None or piece_key(current) != piece_key(piece):
            return
        clips = piece_clips(song, "preview")
        if not clips:
            self.preview.set_notes(self.preview.notes[:0], 8 * PPQ)
            return
        notes = clips[0].track.notes
        context = np.concatenate([c.track.notes for c in clips[1:]]) if len(clips) > 1 else None
        bar = song.time_signature.bar_ticks
        span = clip_span(notes if context is None else np.concatenate([notes, context]), 2 * bar)
        self.preview.set_notes(notes, span, context)

    def _update_buttons(self) -> None:
        piece = self.current()
        on = piece is not None
        mine = isinstance(piece, LibraryEntry)
        for name in ("play", "insert", "track", "explorer"):
            self.buttons[name].setEnabled(on)
        self.buttons["similar"].setVisible(self.page is self.mine)
        self.buttons["similar"].setEnabled(mine)
        playing = on and self.controller.playing_key == piece_key(piece)
        self.buttons["play"].setText("■ Stop" if playing else "▶ Play")
        self.preview.set_flags(playing=playing)
        for name in ("favourite", "edit", "delete"):
            self.buttons[name].setVisible(self.page is self.mine)
            self.buttons[name].setEnabled(mine)
        fav = mine and piece.favourite
        self.buttons["favourite"].setText("★ Favourite" if fav else "☆ Favourite")
        self.buttons["favourite"].setChecked(fav)
        self.buttons["save_tune"].setVisible(self.page is self.corpus)
        self.buttons["save_tune"].setEnabled(isinstance(piece, CorpusRow))

    # ---- actions ------------------------------------------------------------------------------
    def act(self, name: str, piece: Piece | None = None) -> None:
        piece = piece if piece is not None else self.current()
        if piece is None:
            return
        c = self.controller
        if name == "play":
            c.audition(piece)
        elif name == "insert":
            c.insert(piece)
        elif name == "track":
            c.insert(piece, new_track=True)
        elif name == "explorer":
            c.to_explorer(piece)
        elif name == "favourite" and isinstance(piece, LibraryEntry):
            c.set_favourite(piece, not piece.favourite)
        elif name == "edit" and isinstance(piece, LibraryEntry):
            c.edit(piece, self._select_entry)
        elif name == "delete" and isinstance(piece, LibraryEntry):
            c.delete(piece)
        elif name == "save_tune" and isinstance(piece, CorpusRow):
            c.save_piece(piece)
        elif name == "similar" and isinstance(piece, LibraryEntry):
            c.more_like_this(SimilarRequest(file=piece.file, **self.similar.filters()))

    def drag(self, piece: Piece | None) -> None:
        if piece is not None:
            start_file_drag(self, self.controller.drag_file(piece))

    def _context_menu(self, page: PiecePage, pos: QPoint) -> None:
        piece = page.view._row(page.view.indexAt(pos))
        if piece is None:
            return
        menu = QMenu(self)
        for name, text in (("play", "▶ Play"), ("insert", "Insert at Playhead"), ("track", "Insert as New Track"),
                           ("explorer", "Use in Latent Explorer")):
            menu.addAction(text, lambda n=name: self.act(n, piece))
        menu.addSeparator()
        if isinstance(piece, LibraryEntry):
            menu.addAction("More Like This", lambda: self.act("similar", piece))
            menu.addAction("Remove from Favourites" if piece.favourite else "Add to Favourites",
                           lambda: self.act("favourite", piece))
            menu.addAction("Edit Name, Style, Tags…", lambda: self.act("edit", piece))
            menu.addAction("Delete…", lambda: self.act("delete", piece))
            menu.addSeparator()
            menu.addAction("Open Library Folder", self.open_folder)
        else:
            menu.addAction("Save to My Library…", lambda: self.act("save_tune", piece))
        menu.popup(page.view.viewport().mapToGlobal(pos))
        menu.aboutToHide.connect(menu.deleteLater)

    def _similar_menu(self, pos: QPoint) -> None:
        entry = self.similar.current() if self.similar.table.indexAt(pos).isValid() else None
        if entry is None:
            return
        menu = QMenu(self)
        for name, text in (("play", "▶ Play"), ("insert", "Insert at Playhead"), ("track", "Insert as New Track"),
                           ("similar", "More Like This")):
            menu.addAction(text, lambda n=name: self.act(n, entry))
        menu.addAction("Show in My Library", lambda: self._select_entry(entry))
        menu.popup(self.similar.table.viewport().mapToGlobal(pos))
        menu.aboutToHide.connect(menu.deleteLater)

    def _insert_similar(self, row: int) -> None:
        entry = self.similar.entries[row] if 0 <= row < len(self.similar.entries) else None
        if entry is not None:
            self.controller.insert(entry)

    def _on_similar(self, result) -> None:
        self.similar.show_result(result)
        self.tabs.setCurrentWidget(self.similar)
        if result.hits and self.similar.current() is None:
            self.similar.table.selectRow(0)

    def open_folder(self) -> None:
        self.controller.folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.controller.folder)))

    def _reload_corpus(self) -> None:
        self.controller.corpus = None
        self.controller.load_corpus()
        self._on_corpus()

    def _select_entry(self, entry: LibraryEntry) -> None:
        """Show a just-saved or edited entry (clearing a filter that would hide it)."""
        self.tabs.setCurrentWidget(self.mine)
        if not self.mine.select_key(entry.file):
            self.mine.search.clear()
            self.mine.set_filter(ALL)
            self.mine.apply_query()
            self.mine.select_key(entry.file)

    # ---- listings arrive ----------------------------------------------------------------------
    def _on_listing(self) -> None:
        page = self.mine
        keep = page.current()
        entries = self.controller.entries
        page.table.set_rows(entries)
        styles = sorted({e.style for e in entries if e.style}, key=str.lower)
        tags = sorted({t for e in entries for t in e.tags}, key=str.lower)
        filters = [("★ Favourites", FAVOURITES, None)] if any(e.favourite for e in entries) else []
        filters += [(f"Style: {style_title(s)}", STYLE, s) for s in styles]
        filters += [(f"Tag: {t}", TAG, t) for t in tags]
        page.set_filters(filters)
        page.apply_query()
        if keep is not None:
            page.select_key(keep.file)
        page.set_note("" if entries else EMPTY_LIBRARY)
        self.similar.set_styles(self.controller.styles())
        self._on_current()

    def _on_build_progress(self, done: float, total: float) -> None:
        if self.controller.building is not None:
            self.corpus.set_note(f"Building the corpus: {int(done)} of {int(total)} files parsed…")

    def _on_corpus(self) -> None:
        c = self.controller
        page = self.corpus
        building = c.building is not None
        self.reload_button.setEnabled(not c.corpus_loading and not building)
        listing = c.corpus
        self.build_button.setVisible(building or (listing is not None and listing.missing))
        if building:
            if not page.note.text().startswith("Building"):
                page.set_note("Building the corpus: starting the parsers…")
            return
        if c.corpus_loading:
            page.set_note("Reading the corpus…")
            return
        if listing is None:
            page.set_note("")
            return
        if listing.missing:
            page.table.set_rows([])
            note = f"{c.build_note} " if c.build_note else ""
            page.set_note(f"{note}The training corpus is not built yet ({listing.path}): {BUILD_HINT}.")
            return
        if page.table.rowCount() != len(listing.rows):
            page.table.set_rows(listing.rows)
            counts = listing.counts()
            page.set_filters([(f"{style_title(s)} ({n:,})", STYLE, s) for s, n in counts.items() if n])
            page.search.setPlaceholderText(f"Search {len(listing.rows):,} tunes: title, style, key…")
        page.set_note("")
        page._update_count()
        self._on_current()
