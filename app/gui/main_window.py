"""The LatentRoll main window: track list | piano roll, transport on top, status at the bottom.

It owns the document, editor state, jobs and controllers and wires them together, handing each
part the few others it needs; the real work lives in the modules it imports (file_controller,
edit_ops, playback, autosave, piano_roll, ...).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QToolBar

from latentroll.core.project import Project

from .autosave import Autosaver, RecoveryFile, find_recovery_files
from .document import Document
from .drag_midi import write_drag_file
from .edit_ops import EditOps
from .editor_state import EditorState
from .file_controller import FileController
from .focus import FocusHome
from .library_dock import install_library_panel
from .menus import SHORTCUTS_HTML, build_menus
from .midi_input import MidiRecorder
from .model_panels import ModelPanels
from .notify import Notifier
from .paths import AppPaths
from .piano_roll.editor import PianoRollEditor
from .playback import AUDIO_UNKNOWN, PlaybackController
from .song_files import load_any
from .status import install_status_bar
from .track_list import TrackList
from .transport import COMPACT_LEVELS, TransportBar
from .undo import ChangeSet
from .window_layout import restore_layout, save_layout
from .workers import Jobs

APP_TITLE = "LatentRoll"
TOOLBAR_SLACK = 12  # px the main window's tool bar row spends on its own margins


def warm_up_imports() -> None:
    """Runs in a worker after the window shows: import the audio stack in the background so
    the first export or play does not pay ~50 ms of imports on the UI thread (nor the first
    selection the ~15 ms of ``numpy.ma`` that ``np.unique`` imports on first use)."""
    import numpy.ma  # noqa: F401

    import latentroll.core.audio  # noqa: F401
    import latentroll.core.audio.render  # noqa: F401


class MainWindow(QMainWindow):
    def __init__(self, paths: AppPaths | None = None, initial_file: str | Path | None = None,
                 dialogs: bool = True, player_factory=None, check_recovery: bool = True,
                 probe_audio: bool = True):
        super().__init__()
        self.paths = (paths or AppPaths.default()).ensure()
        self.settings = QSettings(str(self.paths.settings_file), QSettings.Format.IniFormat, self)
        self.actions: dict[str, QAction] = {}
        self.doc = Document(parent=self)
        self.state = EditorState(self.doc, self)
        self.jobs = Jobs(parent=self)
        self.notifier = Notifier(self, dialogs=dialogs)
        self.jobs.failed.connect(self.notifier.error)
        self.edit_ops = EditOps(self.doc, self.state, self)
        self.edit_ops.message.connect(self.notifier.info)
        # Replaced in tests: () -> Path | None, asks the user to pick a SoundFont.
        self.soundfont_prompt = self._soundfont_dialog

        self.editor = PianoRollEditor(self.doc, self.state, self)
        self.editor.view.message.connect(self.notifier.info)
        self.editor.drag_handle.make_file = lambda: write_drag_file(self.state, self.paths.drag_dir)
        self.track_list = TrackList(self.doc, self.state, self)
        self.focus_home = FocusHome(self, self.editor.view)  # Space stays the transport's
        self.transport = TransportBar(self.doc, self.state, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.transport)
        self._transport_widths: list[int] | None = None  # per compact level, see fit_toolbars
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.track_list)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([290, 1100])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.status_widgets = install_status_bar(self.statusBar(), self.jobs, self.notifier)
        self.files = FileController(self, self.doc, self.state, self.editor.view, self.jobs, self.notifier,
                                    self.settings, after_load=self.after_load,
                                    ensure_soundfont=self.ensure_soundfont)

        self.playback = PlaybackController(self.doc, self.state, self.jobs, player_factory,
                                           soundfont=self.soundfont_setting, parent=self)
        self.playback.playingChanged.connect(self.transport.set_playing)
        self.playback.audioStatusChanged.connect(self._show_audio_status)
        self.editor.view.auditioner = self.playback.audition
        self.midi = MidiRecorder(self.doc, self.state, self.playback, self.editor.view.notes_item.set_preview,
                                 self.settings, parent=self)
        self.midi.message.connect(self.notifier.info)
        self.midi.recordingChanged.connect(self.transport.set_recording)
        self.midi.portChanged.connect(self.transport.set_midi_input)
        self.transport.record_action.toggled.connect(self.midi.set_recording)
        self.autosaver = Autosaver(self.doc, self.jobs, self.paths, self.files.snapshot, parent=self)
        build_menus(self)
        self.model_panels = ModelPanels(self, self.actions, doc=self.doc, state=self.state, jobs=self.jobs,
                                        notifier=self.notifier, playback=self.playback,
                                        drag_dir=self.paths.drag_dir, folder=self.files.folder,
                                        library_dir=self.paths.library_dir)
        self.library_dock = install_library_panel(self, self.actions, self.model_panels.ctx, self.paths.library_dir,
                                                  tab_with=self.model_panels.tools_dock,
                                                  sizer=self.model_panels.sizer)
        self.model_panels.mapSimilarRequested.connect(self.library_dock.more_like_point)

        self.doc.modifiedChanged.connect(lambda _m: self._update_title())
        self.doc.pathChanged.connect(lambda _p: self._update_title())
        self.doc.songReplaced.connect(self._update_title)
        self.doc.changed.connect(self._on_doc_changed)
        self.state.selectionChanged.connect(self._update_info)
        self.state.trackChanged.connect(lambda _i: self._update_info())
        self._closing_ok = False
        self._update_title()
        self._update_info()
        self._show_audio_status(self.playback.audio_status)
        self.resize(1440, 900)
        self.setMinimumSize(900, 560)
        if restore_layout(self, self.settings):  # the user's own docks and sizes, from last time
            self.model_panels.sizer.skip()

        QTimer.singleShot(0, lambda: self.jobs.start("warm-up", warm_up_imports, label="Starting"))
        if probe_audio:
            QTimer.singleShot(0, self.playback.probe)
        if initial_file is not None:
            QTimer.singleShot(0, lambda: self.files.load(Path(initial_file)))
        if check_recovery:
            QTimer.singleShot(0, self.offer_recovery)
        QTimer.singleShot(0, self.editor.view.show_notes)

    # ---- title and status --------------------------------------------------------------
    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.doc.display_name}[*] — {APP_TITLE}")
        self.setWindowModified(self.doc.modified)

    def _on_doc_changed(self, _changes: ChangeSet) -> None:
        self._update_info()

    def _update_info(self) -> None:
        song = self.doc.song
        track = self.state.track
        sel = len(self.state.selection)
        parts = [f"{len(song.tracks)} tracks", f"{song.note_count()} notes"]
        if track is not None:
            parts.append(f"{track.name}: {len(track)} notes" + (f", {sel} selected" if sel else ""))
        self.status_widgets["info"].setText(" · ".join(parts))

    def _show_audio_status(self, text: str) -> None:
        label: QLabel = self.status_widgets["audio"]
        label.setText(f"Audio: {text}")
        label.setStyleSheet("" if self.playback.audio_available or text == AUDIO_UNKNOWN else "color: #e0a050;")

    # ---- tool bars fit the width -------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_toolbars()

    def fit_toolbars(self) -> None:
        """The least compact transport with which the top tool bar row fits the window; what
        still does not fit at the smallest goes in the tool bars' » overflow menus."""
        top = [tb for tb in self.findChildren(QToolBar)
               if tb.isVisibleTo(self) and self.toolBarArea(tb) == Qt.ToolBarArea.TopToolBarArea
               and not self.toolBarBreak(tb)]
        others = sum(tb.sizeHint().width() for tb in top if tb is not self.transport) + TOOLBAR_SLACK
        if self._transport_widths is None:
            self._transport_widths = [self.transport.width_at(level) for level in COMPACT_LEVELS]
        fits = [lvl for lvl, w in zip(COMPACT_LEVELS, self._transport_widths) if w + others <= self.width()]
        self.transport.set_compact(fits[0] if fits else COMPACT_LEVELS[-1])

    def showEvent(self, event) -> None:
        self._transport_widths = None  # measure with the styled fonts the window is shown with
        super().showEvent(event)
        self.fit_toolbars()

    # ---- after a load ------------------------------------------------------------------
    def after_load(self, project: Project | None) -> None:
        """Reset view state for a freshly opened song (project settings already applied)."""
        if project is None:
            self.state.set_loop(0, self.doc.song.bar_start(min(4, self.doc.song.bar_count())), enabled=False)
            QTimer.singleShot(0, self.editor.view.show_notes)
        self.editor.view.setFocus()
        self._update_title()

    def loop_selection(self) -> None:
        track = self.state.track
        if track is None or not len(self.state.selection):
            self.notifier.info("Select notes to loop")
            return
        rows = track.notes[self.state.selection]
        self.state.set_loop(int(rows["start"].min()), int((rows["start"] + rows["duration"]).max()), enabled=True)

    # ---- SoundFont ---------------------------------------------------------------------
    def soundfont_setting(self) -> str | None:
        return self.files.extras.soundfont or self.settings.value("soundfont") or None

    def ensure_soundfont(self) -> Path | None:
        """The SoundFont to render with; asks the user (with instructions) when none is found."""
        from latentroll.core.audio.soundfont import SoundFontNotFound, find_soundfont

        try:
            return find_soundfont(self.soundfont_setting())
        except SoundFontNotFound as exc:
            path = self.soundfont_prompt(str(exc))
        if path is not None:
            self.settings.setValue("soundfont", str(path))
            self.files.extras.soundfont = None  # the project's missing one no longer applies
        return path

    def choose_soundfont(self) -> None:
        path = self.soundfont_prompt("")
        if path is not None:
            self.settings.setValue("soundfont", str(path))
            self.notifier.info(f"SoundFont: {path}")

    def _soundfont_dialog(self, reason: str) -> Path | None:
        from .export_dialogs import SoundFontDialog

        dialog = SoundFontDialog(self, reason)
        dialog.exec()
        path = dialog.path
        dialog.deleteLater()
        return path

    # ---- crash recovery ----------------------------------------------------------------
    def offer_recovery(self) -> None:
        found = find_recovery_files(self.paths)
        if not found:
            return
        latest, older = found[0], found[1:]
        for stale in older:
            stale.discard()
        box = QMessageBox(QMessageBox.Icon.Question, "Restore unsaved work?",
                          "LatentRoll did not close properly last time.\n"
                          f"Restore {latest.label}?",
                          QMessageBox.StandardButton.NoButton, self)
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setObjectName("recoveryBox")

        def done(_result: int) -> None:
            if box.clickedButton() is restore:
                self.restore_recovery(latest)
            else:
                latest.discard()
            box.deleteLater()

        box.finished.connect(done)
        box.open()

    def restore_recovery(self, recovery: RecoveryFile) -> None:
        def restored(project: Project) -> None:
            from .project_state import apply_settings

            self.doc.replace(project.song, path=recovery.original_path, source_name=recovery.source_name,
                             modified=True)
            self.files.extras = apply_settings(project, self.state, self.editor.view)
            self.after_load(project)
            recovery.discard()
            self.notifier.info(f"Restored {recovery.label}")

        self.jobs.start("load", load_any, recovery.project, label="Restoring unsaved work", on_result=restored)

    # ---- closing -----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.midi.recording and not self._closing_ok:
            self.midi.stop()  # keep the take: it is in the song (and unsaved) before asking to save
        if self._closing_ok or not self.doc.modified:
            self._shutdown()
            event.accept()
            return
        event.ignore()  # ask first; a chosen save runs in a worker and closes when done
        self.files.maybe_save(lambda: QTimer.singleShot(0, self._close_now))

    def _close_now(self) -> None:
        self._closing_ok = True
        self.close()

    def _shutdown(self) -> None:
        save_layout(self, self.settings)
        self.midi.shutdown()
        self.autosaver.stop()
        self.playback.shutdown()
        self.jobs.cancel_all()
        self.jobs.wait(15000)
        self.autosaver.discard()
        from latentroll.app.runtime.file_jobs import shutdown_file_helper

        shutdown_file_helper()

    def show_shortcuts(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", SHORTCUTS_HTML,
                          QMessageBox.StandardButton.Close, self)
        box.finished.connect(lambda _r: box.deleteLater())
        box.open()


