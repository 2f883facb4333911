"""File menu work on the UI side: new, open, save, import, export, recent files, the
unsaved-changes prompt. The reading, writing and rendering itself is in ``song_files`` (no Qt).

Every read and write runs in a worker (``Jobs``) with the song copied first, so the UI keeps
responding and the user can keep editing while a save or a render runs. Errors reach the user
through the Notifier (MusicFileError messages verbatim).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from latentroll.core.channels import on_free_channels
from latentroll.core.commands import AddTrack, Macro, SetSongMap
from latentroll.core.project import PROJECT_SUFFIX, Project, save_project
from latentroll.core.song import Song

from .document import DEFAULT_TITLE, Document, new_song
from .editor_state import EditorState
from .notify import Notifier
from .piano_roll.view import PianoRollView
from .project_state import ProjectExtras, apply_settings, snapshot_project
from .song_files import IMPORT_FILTERS, OPEN_FILTER, export_stems, export_wav, load_any, read_any_song, write_any_song
from .workers import Jobs

LAST_FOLDER = "files/last_folder"  # settings key: where the last file dialog's choice was

MAX_RECENT = 10


class FileController(QObject):
    loaded = Signal(object)  # Path
    saved = Signal(object)  # Path
    exported = Signal(object)  # Path or list[Path]
    recentChanged = Signal()

    def __init__(self, parent: QWidget, doc: Document, state: EditorState, view: PianoRollView, jobs: Jobs,
                 notifier: Notifier, settings: QSettings, after_load: Callable[[Project | None], None],
                 ensure_soundfont: Callable[[], Path | None]):
        """``parent`` owns the dialogs; ``after_load`` resets the window's view for a freshly
        opened song (the project or None); ``ensure_soundfont`` finds one or asks for it."""
        super().__init__(parent)
        self.parent_widget = parent
        self.doc = doc
        self.state = state
        self.view = view
        self.jobs = jobs
        self.notifier = notifier
        self.settings = settings
        self.after_load = after_load
        self.ensure_soundfont = ensure_soundfont
        self.extras = ProjectExtras()
        # Replaced in tests; returns "save", "discard" or "cancel".
        self.ask_unsaved: Callable[[], str] = self._ask_unsaved

    # ---- helpers -----------------------------------------------------------------------
    def folder(self) -> str:
        """Where file dialogs open: beside the song's project, else the folder last opened from,
        saved or exported to (a song read from a MIDI file: that file's folder), else beside the
        latest recent file; the home folder only when there is none."""
        if self.doc.path is not None:
            return str(self.doc.path.parent)
        last = self.settings.value(LAST_FOLDER)
        if last and Path(str(last)).is_dir():
            return str(last)
        recent = self.recent_files()
        return str(recent[0].parent) if recent else str(Path.home())

    def remember_folder(self, path: Path) -> None:
        """The folder of a file the user just opened, saved or exported: the next dialog's."""
        folder = path if path.is_dir() else path.parent
        self.settings.setValue(LAST_FOLDER, str(folder.resolve()))

    def export_copy(self) -> Song:
        """The song as exported: an untitled song is named after its file ("Untitled" named the
        stems ``Untitled_01_…`` even after Save As)."""
        song = self.doc.song.copy()
        if song.title in ("", DEFAULT_TITLE):
            song.title = Path(self.doc.display_name).stem or DEFAULT_TITLE
        return song

    def _status(self, text: str) -> None:
        self.notifier.info(text)

    def snapshot(self) -> Project:
        return snapshot_project(self.doc, self.state, self.view, self.extras)

    # ---- unsaved changes ---------------------------------------------------------------
    def _ask_unsaved(self) -> str:
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          f"Save the changes to {self.doc.display_name}?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.parent_widget)
        box.setInformativeText("Your changes are lost if you don't save them.")
        answer = box.exec()
        box.deleteLater()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(QMessageBox.StandardButton(answer), "cancel")

    def maybe_save(self, then: Callable[[], None]) -> None:
        """Run ``then`` once unsaved changes are saved or discarded (not on cancel)."""
        if not self.doc.modified:
            then()
            return
        answer = self.ask_unsaved()
        if answer == "save":
            self.save(on_saved=then)
        elif answer == "discard":
            then()

    # ---- new / open --------------------------------------------------------------------
    def new(self) -> None:
        self.maybe_save(self._new)

    def _new(self) -> None:
        self.jobs.cancel("load")
        self.extras = ProjectExtras()
        self.doc.replace(new_song())
        self.after_load(None)

    def open(self, path: str | Path | None = None) -> None:
        if path is None:
            self.maybe_save(self._open_dialog)
        else:
            self.maybe_save(lambda: self.load(Path(path)))

    def _open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, "Open", self.folder(), OPEN_FILTER)
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> None:
        """Read ``path`` in a worker and replace the document (no unsaved-changes prompt)."""
        path = Path(path)
        self._status(f"Opening {path.name}…")
        self.jobs.start("load", load_any, path, label=f"Opening {path.name}",
                        on_result=lambda project: self._loaded(path, project))

    def _loaded(self, path: Path, project: Project) -> None:
        is_project = path.suffix.lower() == PROJECT_SUFFIX
        self.doc.replace(project.song, path=path if is_project else None,
                         source_name=None if is_project else path.name)
        self.extras = apply_settings(project, self.state, self.view) if is_project else ProjectExtras()
        self.add_recent(path)
        self.remember_folder(path)
        self.after_load(project if is_project else None)
        self._status(f"Opened {path.name}: {len(project.song.tracks)} tracks, {project.song.note_count()} notes")
        self.loaded.emit(path)

    # ---- save --------------------------------------------------------------------------
    def save(self, on_saved: Callable[[], None] | None = None) -> None:
        if self.doc.path is None or self.doc.path.suffix.lower() != PROJECT_SUFFIX:
            self.save_as(on_saved=on_saved)
        else:
            self.save_to(self.doc.path, on_saved)

    def save_as(self, path: str | Path | None = None, on_saved: Callable[[], None] | None = None) -> None:
        if path is None:
            suggested = self.doc.suggested_project_path(Path(self.folder()))
            chosen, _ = QFileDialog.getSaveFileName(self.parent_widget, "Save project", str(suggested),
                                                    f"LatentRoll project (*{PROJECT_SUFFIX})")
            if not chosen:
                return
            path = chosen
        path = Path(path)
        if path.suffix.lower() != PROJECT_SUFFIX:
            path = path.with_suffix(PROJECT_SUFFIX)
        if self.doc.song.title in ("", DEFAULT_TITLE):  # the song takes the name it is saved under
            self.doc.push(SetSongMap("title", path.stem))
        self.save_to(path, on_saved)

    def save_to(self, path: Path, on_saved: Callable[[], None] | None = None) -> None:
        marker = self.doc.save_marker()
        project = self.snapshot()
        self._status(f"Saving {path.name}…")
        self.jobs.start("save", save_project, project, path, label=f"Saving {path.name}", supersede=False,
                        on_result=lambda _r: self._saved(path, marker, on_saved))

    def _saved(self, path: Path, marker, on_saved) -> None:
        self.doc.mark_saved(marker, path)
        self.doc.source_name = None
        self.add_recent(path)
        self.remember_folder(path)
        self._status(f"Saved {path.name}")
        self.saved.emit(path)
        if on_saved is not None:
            on_saved()

    # ---- import ------------------------------------------------------------------------
    def import_file(self, kind: str, path: str | Path | None = None) -> None:
        """Add the tracks of a MIDI/MusicXML/ABC file to the song (one undo step)."""
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.parent_widget, "Import", self.folder(), IMPORT_FILTERS[kind])
            if not chosen:
                return
            path = chosen
        path = Path(path)
        self.jobs.start("import", read_any_song, path, label=f"Importing {path.name}",
                        on_result=lambda song: self._imported(path, song))

    def _imported(self, path: Path, song: Song) -> None:
        doc = self.doc
        if doc.song.note_count() == 0 and not doc.modified and doc.path is None:
            doc.replace(song, source_name=path.name)  # importing into an empty song = opening
            self.after_load(None)
        else:
            first = len(doc.song.tracks)
            cmds = [AddTrack(t) for t in on_free_channels(doc.song, song.tracks)]
            if doc.song.note_count() == 0:  # empty song: take the imported tempo, meter and key
                cmds += [SetSongMap("tempos", song.tempos), SetSongMap("time_signatures", song.time_signatures),
                         SetSongMap("keys", song.keys)]
            doc.push(Macro(cmds, text=f"Import {path.name}"))
            self.state.set_current_track(first)
        self._status(f"Imported {len(song.tracks)} track(s) from {path.name}")
        self.loaded.emit(path)

    # ---- export ------------------------------------------------------------------------
    def _ask_path(self, title: str, suffix: str, filt: str) -> Path | None:
        suggested = Path(self.folder()) / f"{Path(self.doc.display_name).stem}{suffix}"
        chosen, _ = QFileDialog.getSaveFileName(self.parent_widget, title, str(suggested), filt)
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix else path.with_suffix(suffix)

    def export_song(self, kind: str, path: str | Path | None = None) -> None:
        """MIDI (type 1, 480 PPQ) or MusicXML."""
        suffix, filt = {"midi": (".mid", "MIDI file (*.mid)"),
                        "musicxml": (".musicxml", "MusicXML (*.musicxml *.mxl)")}[kind]
        path = Path(path) if path is not None else self._ask_path(f"Export {kind.upper()}", suffix, filt)
        if path is None:
            return
        self.jobs.start(f"export:{path}", write_any_song, self.export_copy(), path, label=f"Exporting {path.name}",
                        on_result=lambda _r: self._exported(path))

    def export_audio(self, stems: bool, target: Path | None = None, sample_rate: int | None = None,
                     bits: int | None = None) -> None:
        """WAV mixdown or stems; asks for target and format unless given, and for a SoundFont
        when none is found."""
        soundfont = self.ensure_soundfont()
        if soundfont is None:
            return
        if target is None:
            from .export_dialogs import AudioExportDialog

            stem = Path(self.doc.display_name).stem
            suggested = Path(self.folder()) / (f"{stem} stems" if stems else f"{stem}.wav")
            dialog = AudioExportDialog(self.parent_widget, stems, suggested,
                                       int(self.settings.value("export/sample_rate", 44100)),
                                       int(self.settings.value("export/bits", 24)))
            accepted = dialog.exec()
            choice = dialog.choice()
            dialog.deleteLater()
            if not accepted:
                return
            target, sample_rate, bits = choice.target, choice.sample_rate, choice.bits
            self.settings.setValue("export/sample_rate", sample_rate)
            self.settings.setValue("export/bits", bits)
        args = (self.export_copy(), Path(target), sample_rate or 44100, bits or 24, soundfont)
        target = Path(target)
        if stems:
            self.jobs.start(f"export:{target}", export_stems, *args, label=f"Exporting stems to {target.name}",
                            on_result=self._exported)
        else:
            self.jobs.start(f"export:{target}", export_wav, *args, label=f"Rendering {target.name}",
                            on_result=lambda _r: self._exported(target))

    def _exported(self, result) -> None:
        if isinstance(result, list):
            folder = result[0].parent if result else None
            if folder is not None:
                self.remember_folder(folder)
            self._status(f"Exported {len(result)} files to {folder}")
        else:
            self.remember_folder(Path(result))
            self._status(f"Exported {Path(result).name}")
        self.exported.emit(result)

    # ---- recent files ------------------------------------------------------------------
    def recent_files(self) -> list[Path]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [Path(v) for v in (value or [])]

    def add_recent(self, path: Path) -> None:
        path = Path(path).resolve()
        items = [p for p in self.recent_files() if p != path]
        items.insert(0, path)
        self.settings.setValue("recent", [str(p) for p in items[:MAX_RECENT]])
        self.recentChanged.emit()

    def clear_recent(self) -> None:
        self.settings.setValue("recent", [])
        self.recentChanged.emit()
