""""My style…" in the Generate panel: fit a style on 3-50 of the user's melodies, rename or
delete the user's styles.

Melodies come from files (each file's first pitched track), the music library's clips (picked
from the library's own list, ``library_picker``) and the current selection. The
fit is a model job: the VAE encodes the melodies' windows in the model process, the small fit
(NumPy) runs in the worker thread, with progress and Cancel (``models/mystyle/train.py``). The
styles live in the user data dir (``models/mystyle/store.py``); the model process finds them by
name when the panel generates in one.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from latentroll.core.app_paths import AppPaths
from latentroll.core.io.errors import MusicFileError
from latentroll.core.io.formats import read_song
from latentroll.core.library import LibraryEntry, MusicLibrary
from latentroll.core.song import Song, Track
from latentroll.models.common.errors import MelodyError
from latentroll.models.mystyle.store import MAX_MELODIES, MIN_MELODIES, MyStyleStore, check_name
from latentroll.models.mystyle.train import check_melodies, train_my_style

from ..clips import selection_track
from ..model_context import ModelContext
from ..model_controls import RunButton
from .library_picker import LibraryPicker

MODEL_KEY = "vae"  # user styles sample the melody VAE
JOB = "mystyle"
FILE_FILTER = "Melodies (*.mid *.midi *.musicxml *.xml *.mxl *.abc *.lrproj);;All files (*)"


def user_style_rows(store: MyStyleStore | None = None) -> tuple[tuple[str, str], ...]:
    """(name, description) of the user's styles, for the style list after the corpus styles."""
    return tuple((s.name, s.description) for s in (store or MyStyleStore()).list())


def fit_job(svc, name: str, melodies: Sequence[Track], folder: str, progress=None):
    """The worker's body: ``svc`` is the VAE (its stand-in in the model process)."""
    return train_my_style(name, melodies, svc, MyStyleStore(folder), progress=progress)


def first_melody(path: str) -> Track:
    """The first pitched track with notes in ``path``; a ``MelodyError`` when there is none."""
    return song_melody(read_song(path), Path(path).stem, Path(path).name)


def song_melody(song: Song, name: str, what: str) -> Track:
    """The first pitched track with notes of ``song`` (unnamed: ``name``); a ``MelodyError``
    naming ``what`` when there is none."""
    for t in song.tracks:
        if len(t.notes) and not t.is_drum:
            t.name = t.name or name
            return t
    raise MelodyError(f"{what} has no melody (no pitched track with notes)")


class MyStyleDialog(QDialog):
    """Pick melodies, name the style, Train; below, the user's styles with Rename and Delete."""

    styleSaved = Signal(str)   # the new style's name
    stylesChanged = Signal()   # a style was added, renamed or deleted

    def __init__(self, ctx: ModelContext, store: MyStyleStore | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("My style")
        self.ctx = ctx
        self.store = store or MyStyleStore()
        self.melodies: list[Track] = []
        self.worker = None
        self.library_picker: LibraryPicker | None = None

        self.name = QLineEdit(self)
        self.name.setObjectName("mystyle_name")
        self.name.setPlaceholderText("e.g. my reels")
        self.list = QListWidget(self)
        self.list.setObjectName("mystyle_melodies")
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        add_files = QPushButton("Add files…", self)
        add_files.clicked.connect(self._pick_files)
        add_library = QPushButton("From library…", self)
        add_library.setToolTip("Add clips of your music library")
        add_library.clicked.connect(self._pick_library)
        add_selection = QPushButton("Add selection", self)
        add_selection.setToolTip("Add the selected notes (or the current track) as one melody")
        add_selection.clicked.connect(self.add_selection)
        remove = QPushButton("Remove", self)
        remove.clicked.connect(self._remove_picked)
        self.train_button = RunButton("Train", self)
        self.train_button.setObjectName("mystyle_train")
        self.train_button.clicked_run.connect(self.train)
        self.train_button.clicked_cancel.connect(lambda: self.ctx.host.cancel(MODEL_KEY, JOB))
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.notice = QLabel(self)
        self.notice.setObjectName("mystyle_notice")
        self.notice.setWordWrap(True)

        self.yours = QListWidget(self)
        self.yours.setObjectName("mystyle_yours")
        rename = QPushButton("Rename…", self)
        rename.clicked.connect(self._rename_picked)
        delete = QPushButton("Delete", self)
        delete.clicked.connect(self._delete_picked)

        form = QFormLayout()
        form.addRow("Name", self.name)
        adds = QHBoxLayout()
        for b in (add_files, add_library, add_selection, remove):
            adds.addWidget(b)
        manage = QHBoxLayout()
        manage.addWidget(rename)
        manage.addWidget(delete)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(QLabel(f"Melodies ({MIN_MELODIES}-{MAX_MELODIES}): the style learns from their "
                             "two-bar phrases", self))
        lay.addWidget(self.list, 1)
        lay.addLayout(adds)
        lay.addWidget(self.train_button)
        lay.addWidget(self.progress)
        lay.addWidget(self.notice)
        lay.addWidget(QLabel("Your styles", self))
        lay.addWidget(self.yours)
        lay.addLayout(manage)
        self.refresh_yours()

    # ---- melodies ----------------------------------------------------------------------
    def add_melody(self, track: Track, label: str) -> None:
        self.melodies.append(track)
        item = QListWidgetItem(f"{label} — {len(track.notes)} notes")
        item.setData(Qt.ItemDataRole.UserRole, len(self.melodies) - 1)
        self.list.addItem(item)

    def add_files(self, paths: Sequence[str]) -> None:
        bad = []
        for p in paths:
            try:
                self.add_melody(first_melody(p), Path(p).name)
            except (MusicFileError, MelodyError) as exc:
                bad.append(str(exc))
        self.say("; ".join(bad))

    def _pick_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Melodies for My style", self.ctx.folder(), FILE_FILTER)
        self.add_files(paths)

    def _pick_library(self) -> LibraryPicker:
        """The library's clips in a list to pick from (search, select several, Add)."""
        folder = self.ctx.library_dir or AppPaths.default().library_dir
        if self.library_picker is None or self.library_picker.library.folder != folder:
            self.library_picker = LibraryPicker(MusicLibrary(folder), self, "Library clips for My style")
            self.library_picker.picked.connect(self.add_library_entries)
        self.library_picker.search.clear()
        self.library_picker.refresh()
        self.library_picker.open()
        return self.library_picker

    def add_library_entries(self, entries: Sequence[LibraryEntry]) -> None:
        library = self.library_picker.library
        bad = []
        for e in entries:
            try:
                self.add_melody(song_melody(library.load(e.file), e.title, f"“{e.title}”"), e.title)
            except (MusicFileError, MelodyError) as exc:  # LibraryError too: the clip went away
                bad.append(str(exc))
        self.say("; ".join(bad))

    def add_selection(self) -> None:
        track = selection_track(self.ctx.state)
        if track is None or track.is_drum:
            self.say("Select some melody notes first (or pick a pitched track)")
            return
        self.add_melody(track, f"selection of {track.name or 'track'}")

    def _remove_picked(self) -> None:
        gone = {self.list.row(i) for i in self.list.selectedItems()}
        self.melodies = [m for i, m in enumerate(self.melodies) if i not in gone]
        labels = [self.list.item(i).text() for i in range(self.list.count()) if i not in gone]
        self.list.clear()
        self.list.addItems(labels)

    def say(self, text: str) -> None:
        self.notice.setText(text)

    # ---- training ----------------------------------------------------------------------
    def train(self):
        """Start the fit (a notice says what is wrong with the input instead)."""
        try:
            name = check_name(self.name.text())
            if name in self.store:
                raise MelodyError(f"a style named {name!r} exists; choose another name or delete it first")
            check_melodies(self.melodies)
        except MelodyError as exc:
            self.say(str(exc))
            return None
        self.say(f"Fitting {name!r} on {len(self.melodies)} melodies…")
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        worker = self.ctx.host.start(MODEL_KEY, JOB, fit_job, name, list(self.melodies), str(self.store.folder),
                                     label=f"Fitting My style {name!r}", on_result=self._on_trained,
                                     on_error=self._on_failed)
        if worker is None:
            self.progress.setVisible(False)
            self.say("The melody model is not ready yet; try again in a moment")
            return None
        worker.signals.progress.connect(self._on_progress)
        worker.signals.finished.connect(lambda: self.progress.setVisible(False))
        self.worker = worker
        return self.train_button.track(worker)

    def _on_progress(self, done: float, total: float) -> None:
        self.progress.setRange(0, int(total))
        self.progress.setValue(int(done))

    def _on_trained(self, info) -> None:
        self.say(f"Saved {info.name!r}: {info.melodies} melodies, {info.windows} phrases, "
                 f"nearest {info.base_style.replace('_', ' ')}. Pick it in the style list.")
        self.refresh_yours()
        self.stylesChanged.emit()
        self.styleSaved.emit(info.name)

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, MelodyError):
            self.say(str(exc))
        else:
            self.ctx.notifier.error("Fitting My style", exc)

    # ---- the user's styles -------------------------------------------------------------
    def refresh_yours(self) -> None:
        self.yours.clear()
        for s in self.store.list():
            item = QListWidgetItem(s.name)
            item.setToolTip(s.description)
            self.yours.addItem(item)

    def _picked_style(self) -> str | None:
        item = self.yours.currentItem()
        return item.text() if item is not None else None

    def rename_style(self, old: str, new: str) -> None:
        try:
            self.store.rename(old, new)
        except (MelodyError, OSError) as exc:
            self.say(str(exc))
            return
        self.refresh_yours()
        self.stylesChanged.emit()

    def delete_style(self, name: str) -> None:
        try:
            self.store.delete(name)
        except (MelodyError, OSError) as exc:
            self.say(str(exc))
            return
        self.refresh_yours()
        self.stylesChanged.emit()

    def _rename_picked(self) -> None:
        old = self._picked_style()
        if old is None:
            return
        new, ok = QInputDialog.getText(self, "Rename style", "New name", text=old)
        if ok and new.strip() and new.strip() != old:
            self.rename_style(old, new)

    def _delete_picked(self) -> None:
        name = self._picked_style()
        if name is None:
            return
        if QMessageBox.question(self, "Delete style", f"Delete your style {name!r}?") \
                == QMessageBox.StandardButton.Yes:
            self.delete_style(name)


class MyStyleButton(QPushButton):
    """"My style…": opens the dialog (one per panel) and relays its signals."""

    styleSaved = Signal(str)
    stylesChanged = Signal()

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("My style…", parent)
        self.setObjectName("mystyle")
        self.setToolTip("Fit a style of your own on 3-50 of your melodies; rename or delete your styles")
        self.ctx = ctx
        self.dialog: MyStyleDialog | None = None
        self.clicked.connect(self.open_dialog)

    def open_dialog(self) -> MyStyleDialog:
        if self.dialog is None:
            self.dialog = MyStyleDialog(self.ctx, parent=self.window())
            self.dialog.styleSaved.connect(self.styleSaved)
            self.dialog.stylesChanged.connect(self.stylesChanged)
        self.dialog.refresh_yours()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
