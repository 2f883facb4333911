"""What the Library dock does, apart from its widgets: reading the library folder and the corpus
in workers (building the corpus where there is none), loading a piece's notes, and the four things a piece can become — notes in the song
(one undo step), a clip in the Latent Explorer's list, a sound, a dragged-out .mid. Also "More
like this" (from a library clip or the roll's selection), importing a folder of MIDI, and the
clips' VAE latents, computed in the background whenever the VAE is loaded and some are missing.

A *piece* is a ``LibraryEntry`` (the user's folder) or a ``CorpusRow`` (the training corpus).
"""
from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Callable, Union

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from latentroll.app.calls.library import (
    LATENT_MODEL,
    SimilarRequest,
    SimilarResult,
    encode_missing_latents,
    similar_clips,
    similar_stored,
)
from latentroll.core.bars import bar_at
from latentroll.core.channels import on_free_channels
from latentroll.core.commands import AddTrack, Macro
from latentroll.core.library import ImportReport, LibraryEntry, Listing, MusicLibrary
from latentroll.core.song import Song
from latentroll.core.timing import round_up
from latentroll.models.data.corpus import STYLE_NAMES

from ..clips import Clip, clip_from_track, clip_track_at, selection_clip, song_like
from ..drag_midi import selection_song, write_part_file
from ..model_context import ModelContext
from ..workers import Worker
from .corpus_rows import CorpusListing, CorpusRow, Source, build_corpus_listing, corpus_path, read_corpus_listing
from .dialogs import ImportReportDialog, PieceDetails, ask_details

Piece = Union[LibraryEntry, CorpusRow]
BUILD_WORKERS = 2  # parser processes for a corpus build (as `latentroll data build`)
_ops = itertools.count(1)


def piece_key(piece: Piece) -> tuple[str, object]:
    return ("library", piece.file) if isinstance(piece, LibraryEntry) else ("corpus", piece.index)


def piece_clips(song: Song, source: str) -> list[Clip]:
    """The song's tracks that have notes, as clips sharing one origin (the bar line before the
    earliest note), so the voices of a chorale stay aligned."""
    tracks = [t for t in song.tracks if len(t.notes)]
    if not tracks:
        return []
    origin = bar_at(song, min(int(t.notes["start"].min()) for t in tracks)).start
    many = len(tracks) > 1
    return [clip_from_track(t, f"{song.title}: {t.name}" if many else song.title, source, song=song, origin=origin)
            for t in tracks]


def insert_as_tracks(ctx: ModelContext, clips: list[Clip], title: str) -> None:
    """Every clip as a new track at the playhead, each on its own free MIDI channel: ONE undo step."""
    doc, state = ctx.doc, ctx.state
    at = state.playhead
    first = len(doc.song.tracks)
    tracks = on_free_channels(doc.song, [clip_track_at(c, at) for c in clips])
    doc.push(Macro([AddTrack(t, text=f"Insert {c.name} as a track") for c, t in zip(clips, tracks)],
                   text=f"Insert {title}"))
    state.set_current_track(first)
    state.select_all()
    span = max(c.span for c in clips)
    state.set_playhead(at + round_up(max(span, 1), doc.song.time_signature_at(at).bar_ticks))
    state.request_reveal(at, at + span)  # as insert_clip does: the new notes may be off screen
    ctx.notifier.info(f"Inserted “{title}” as {len(clips)} new track(s) — Ctrl+Z undoes it")


class LibraryController(QObject):
    listingChanged = Signal()  # the library's entries were (re)read
    corpusChanged = Signal()  # the corpus listing arrived (or is missing)
    songReady = Signal(object, object)  # piece key, Song: a piece's notes are loaded
    playingChanged = Signal(object)  # the key of the piece being heard, or None
    busyChanged = Signal(bool)
    buildProgress = Signal(float, float)  # corpus files parsed, files in all
    similarReady = Signal(object)  # a SimilarResult: "More like this" answered
    importProgress = Signal(float, float)  # files looked at, files in all
    importingChanged = Signal(bool)

    def __init__(self, ctx: ModelContext, folder: Path, parent_widget: QWidget | None = None,
                 corpus_path: Path | None = None):
        super().__init__(parent_widget)
        self.ctx = ctx
        self.music_library = MusicLibrary(folder)
        self.corpus_path = corpus_path  # None: the data pipeline's default cache
        self.entries: list[LibraryEntry] = []
        self.corpus: CorpusListing | None = None
        self.corpus_loading = False
        self.corpus_sources: list[Source] | None = None  # what a build parses (None: music21's corpus)
        self.building: Worker | None = None  # the corpus build, while it runs
        self.build_note = ""  # how the last build ended, when it did not list the corpus
        self._parent = parent_widget
        self._songs: dict[tuple, Song] = {}
        self._waiting: dict[tuple, list[Callable[[Song], None]]] = {}
        self._playing: dict[int, tuple] = {}  # clip uid → piece key
        self.playing_key: tuple | None = None
        # Replaced in tests: the name form, and a yes/no question.
        self.ask_details: Callable[[str, PieceDetails, list[str]], PieceDetails | None] = \
            lambda heading, details, styles: ask_details(self._parent, heading, details, styles)
        self.confirm: Callable[[str], bool] = self._confirm_box
        self.ask_folder: Callable[[], str] = lambda: QFileDialog.getExistingDirectory(
            self._parent, "Import a Folder of MIDI", self.ctx.folder())
        self.similar: SimilarResult | None = None
        self.importing: Worker | None = None
        self.report_dialog: ImportReportDialog | None = None
        self.latents: Worker | None = None
        ctx.audition.playingChanged.connect(self._on_playing)
        ctx.host.loaded.connect(lambda key: key == LATENT_MODEL and self.update_latents())

    @property
    def folder(self) -> Path:
        return self.music_library.folder

    # ---- reading -------------------------------------------------------------------------------
    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Re-read the library folder in a worker."""
        self.ctx.jobs.start("library-list", self.music_library.listing, label="Reading the library",
                            on_result=lambda listing: (self._listed(listing), then and then()))

    def _listed(self, listing: Listing) -> None:
        self.entries = listing.entries
        live = {("library", e.file) for e in self.entries}
        for key in [k for k in self._songs if k[0] == "library" and k not in live]:
            del self._songs[key]
        if listing.problem:
            self.ctx.notifier.warning(f"Library: {listing.problem}")
        if self.similar is not None:  # renamed or deleted clips leave the answer; edits show
            fresh = {e.file: e for e in self.entries}
            hits = [(fresh[e.file], s) for e, s in self.similar.hits if e.file in fresh]
            self.similar = replace(self.similar, hits=hits)
        self.listingChanged.emit()
        if self.similar is not None:
            self.similarReady.emit(self.similar)
        self.update_latents()

    def load_corpus(self) -> None:
        """Read the corpus listing in a worker (once; again after ``reload``)."""
        if self.corpus_loading:
            return
        self.corpus_loading = True
        self.busyChanged.emit(True)

        def done(listing: CorpusListing) -> None:
            self.corpus_loading = False
            self.corpus = listing
            self.busyChanged.emit(False)
            self.corpusChanged.emit()

        def failed(exc: BaseException) -> None:
            self.corpus_loading = False
            self.busyChanged.emit(False)
            self.ctx.notifier.error("Reading the corpus", exc)
            self.corpusChanged.emit()

        self.ctx.jobs.start("library-corpus", read_corpus_listing, self.corpus_path, label="Reading the corpus",
                            on_result=done, on_error=failed)

    def build_corpus(self) -> Worker | None:
        """Build the corpus cache in a worker (its parsers in helper processes), then list it.
        Progress comes as ``buildProgress``; ``cancel_build`` stops it within a second and
        leaves no cache behind."""
        if self.building is not None:
            return self.building
        path = self.corpus_path or corpus_path()

        def done(listing: CorpusListing) -> None:
            self.corpus = listing
            failed = f"; {listing.failed} could not be read" if listing.failed else ""
            self.ctx.notifier.info(f"Built the corpus: {len(listing.rows):,} tunes{failed}")

        def failed(exc: BaseException) -> None:
            self.build_note = "The build failed; see the message for why."
            self.ctx.notifier.error("Building the corpus", exc)

        self.build_note = ""
        worker = self.ctx.jobs.start("library-corpus-build", build_corpus_listing, path, self.corpus_sources,
                                     BUILD_WORKERS, label="Building the corpus", on_result=done, on_error=failed)
        worker.signals.progress.connect(self.buildProgress)
        worker.signals.finished.connect(lambda w=worker: self._build_finished(w))
        self.building = worker
        self.busyChanged.emit(True)
        return worker

    def cancel_build(self) -> None:
        if self.building is not None:
            self.building.cancel()

    def _build_finished(self, worker: Worker) -> None:
        if worker is not self.building:
            return
        self.building = None
        self.busyChanged.emit(False)
        if worker.cancelled:
            self.build_note = "The build was cancelled; nothing was written."
            self.load_corpus()  # what is on disk now (a cancel that came as it finished keeps the cache)
        self.corpusChanged.emit()

    def styles(self) -> list[str]:
        """Styles to offer in the name form: the user's own, then the corpus's."""
        own = sorted({e.style for e in self.entries if e.style} - set(STYLE_NAMES), key=str.lower)
        return own + list(STYLE_NAMES)

    # ---- a piece's notes -------------------------------------------------------------------------
    def cached_song(self, piece: Piece) -> Song | None:
        return self._songs.get(piece_key(piece))

    def with_song(self, piece: Piece, then: Callable[[Song], None]) -> None:
        """Call ``then(song)`` with the piece's notes: at once when known (a corpus tune is in
        memory), else after a worker has read its file."""
        key = piece_key(piece)
        song = self._songs.get(key)
        if song is None and isinstance(piece, CorpusRow) and self.corpus is not None and not self.corpus.missing:
            song = self._songs[key] = self.corpus.song(piece)
        if song is not None:
            then(song)
            return
        if isinstance(piece, CorpusRow):  # the corpus listing went away (Reload found no cache)
            self.ctx.notifier.info("The corpus is not loaded; build it with `latentroll data build`")
            return
        if key in self._waiting:
            self._waiting[key].append(then)
            return
        self._waiting[key] = [then]

        def loaded(song: Song) -> None:
            self._songs[key] = song
            self.songReady.emit(key, song)
            for cb in self._waiting.pop(key, []):
                cb(song)

        def failed(exc: BaseException) -> None:
            self._waiting.pop(key, None)
            self.ctx.notifier.error(f"Opening “{piece.title}”", exc)
            self.refresh()  # the file may have gone: show what is there

        self.ctx.jobs.start(f"library-load:{piece.file}", self.music_library.load, piece.file,
                            label=f"Opening {piece.title}", on_result=loaded, on_error=failed)

    def _clips(self, piece: Piece, song: Song) -> list[Clip]:
        clips = piece_clips(song, "library" if isinstance(piece, LibraryEntry) else "corpus")
        if not clips:
            self.ctx.notifier.info(f"“{piece.title}” has no notes")
        return clips

    # ---- what a piece becomes ----------------------------------------------------------------
    def insert(self, piece: Piece, new_track: bool = False) -> None:
        """Into the current track at the playhead (or as a new track); several voices or a
        drum part always become new tracks. One undo step either way."""
        def go(song: Song) -> None:
            clips = self._clips(piece, song)
            if len(clips) == 1 and not clips[0].track.is_drum:
                self.ctx.insert(clips[0], new_track)
            elif clips:
                insert_as_tracks(self.ctx, clips, piece.title)

        self.with_song(piece, go)

    def to_explorer(self, piece: Piece) -> None:
        """Put the piece's melody (its first pitched voice) in the explorer's clip list."""
        def go(song: Song) -> None:
            clips = [c for c in self._clips(piece, song) if not c.track.is_drum]
            if clips:
                kept = self.ctx.keep(clips[0])
                if kept is not None:
                    self.ctx.notifier.info(f"“{kept.name}” is in the Latent Explorer's clip list "
                                           "(pick it as an interpolation end or a grid corner)")

        self.with_song(piece, go)

    def audition(self, piece: Piece) -> None:
        """Hear the piece (again: stop)."""
        if self.playing_key == piece_key(piece):
            self.ctx.audition.stop()
            return

        def go(song: Song) -> None:
            clips = self._clips(piece, song)
            if not clips:
                return
            if len(clips) == 1:
                clip = clips[0]
                self._playing[clip.uid] = piece_key(piece)
                self.ctx.play(clip)
            else:
                uid = clips[0].uid
                self._playing[uid] = piece_key(piece)
                self.ctx.audition.play_song(uid, piece.title,
                                            song_like(self.ctx.doc.song, [c.track for c in clips], piece.title))

        self.with_song(piece, go)

    def _on_playing(self, uid) -> None:
        key = self._playing.get(uid) if uid is not None else None
        if uid is None:
            self._playing.clear()
        if key != self.playing_key:
            self.playing_key = key
            self.playingChanged.emit(key)

    def drag_file(self, piece: Piece) -> Path | None:
        """The .mid to drag out: the library's own file, or a corpus tune written to the drag
        folder (drop targets may read it later, so it stays)."""
        if isinstance(piece, LibraryEntry):
            path = self.music_library.path_of(piece.file)
            return path if path.is_file() else None
        song = self.cached_song(piece)
        if song is None and self.corpus is not None and not self.corpus.missing:
            song = self.corpus.song(piece)
        return write_part_file(song, "corpus", self.ctx.drag_dir) if song is not None else None

    # ---- changing the library ----------------------------------------------------------------
    def _run(self, label: str, fn: Callable, *args, then: Callable | None = None) -> None:
        """A library change in a worker, then a fresh listing; ``then(result)`` after both."""
        def work():
            result = fn(*args)
            return result, self.music_library.listing()

        def done(pair) -> None:
            result, listing = pair
            self._listed(listing)
            if then is not None:
                then(result)

        self.ctx.jobs.start(f"library-op-{next(_ops)}", work, label=label, supersede=False, on_result=done)

    def save_selection(self, then: Callable[[LibraryEntry], None] | None = None) -> bool:
        """Ask for a name, then save the selected notes (or the current track) to the library."""
        state = self.ctx.state
        part = selection_song(state)
        if part is None:
            self.ctx.notifier.info("Select some notes (or pick a track with notes) to save them to the library")
            return False
        track = state.track
        what = "selection" if len(state.selection) else "track"
        song_title = Path(self.ctx.doc.display_name).stem or "Untitled"
        default = PieceDetails(f"{song_title} – {track.name} {what}")
        return self.save_song(part, default, "song", "Save to Library", then)

    def save_piece(self, piece: CorpusRow) -> None:
        """Copy a corpus tune into the library (to tag it, or keep a favourite at hand)."""
        def go(song: Song) -> None:
            self.save_song(song, PieceDetails(piece.title, piece.style), "corpus", "Save Tune to Library")

        self.with_song(piece, go)

    def save_song(self, song: Song, default: PieceDetails, source: str, heading: str,
                  then: Callable[[LibraryEntry], None] | None = None) -> bool:
        details = self.ask_details(heading, default, self.styles())
        if details is None:
            return False

        def saved(entry: LibraryEntry) -> None:
            self.ctx.notifier.info(f"Saved “{entry.title}” to the library ({entry.file})")
            if then is not None:
                then(entry)

        self._run(f"Saving {details.title}", self.music_library.add, song, details.title, details.style, details.tags,
                  source, details.favourite, then=saved)
        return True

    def edit(self, entry: LibraryEntry, then: Callable[[LibraryEntry], None] | None = None) -> bool:
        """Rename, restyle, retag or (un)favourite an entry through the name form."""
        current = PieceDetails(entry.title, entry.style, entry.tags, entry.favourite)
        details = self.ask_details("Edit Library Entry", current, self.styles())
        if details is None or details == current:
            return False
        self._run(f"Updating {entry.title}", self._apply_details, entry, details, then=then)
        return True

    def _apply_details(self, entry: LibraryEntry, details: PieceDetails) -> LibraryEntry:
        lib = self.music_library
        file = lib.rename(entry.file, details.title).file if details.title != entry.title else entry.file
        if details.style != entry.style:
            lib.set_style(file, details.style)
        if details.tags != entry.tags:
            lib.set_tags(file, details.tags)
        return lib.set_favourite(file, details.favourite)

    def set_favourite(self, entry: LibraryEntry, favourite: bool) -> None:
        self._run("Updating the library", self.music_library.set_favourite, entry.file, favourite)

    def delete(self, entry: LibraryEntry) -> bool:
        if not self.confirm(f"Delete “{entry.title}” from the library?\nIts file {entry.file} is removed."):
            return False
        self._songs.pop(piece_key(entry), None)
        self._run(f"Deleting {entry.title}", self.music_library.delete, entry.file,
                  then=lambda _r: self.ctx.notifier.info(f"Deleted “{entry.title}” from the library"))
        return True

    # ---- latents and "More like this" ------------------------------------------------------------
    def update_latents(self) -> Worker | None:
        """Compute the missing latents in the background, if the VAE is loaded (opening the
        library never starts the model process on its own; it runs when the VAE loads)."""
        host = self.ctx.host
        if self.latents is not None or LATENT_MODEL not in host.specs or not host.ready(LATENT_MODEL):
            return None
        worker = host.start(LATENT_MODEL, "library-latents", encode_missing_latents, self.music_library,
                            label="Reading the library's clips for More Like This",
                            on_error=lambda exc: self.ctx.notifier.warning(f"Library latents: {exc}"))
        if worker is not None:
            self.latents = worker
            worker.signals.finished.connect(lambda w=worker: self._latents_done(w))
        return worker

    def _latents_done(self, worker: Worker) -> None:
        if worker is self.latents:
            self.latents = None

    def more_like_this(self, req: SimilarRequest) -> None:
        """The library clips nearest ``req`` (``similarReady`` brings them). A library clip
        whose latent is stored needs no model; anything else is encoded by the VAE first."""
        if req.file is None:
            self._similar_by_model(req)
            return
        self.ctx.jobs.start("library-similar", similar_stored, self.music_library, req,
                            label="Finding similar clips",
                            on_result=lambda r: self._similar(r) if r is not None else self._similar_by_model(req),
                            on_error=lambda exc: self.ctx.notifier.error("More like this", exc))

    def more_like_selection(self, **filters) -> bool:
        clip = selection_clip(self.ctx.state)
        if clip is None:
            self.ctx.notifier.info("Select some notes (or pick a track with notes) to find library clips like them")
            return False
        self.more_like_this(SimilarRequest(track=clip.track, **filters))
        return True

    def _similar_by_model(self, req: SimilarRequest) -> None:
        self.ctx.host.start(LATENT_MODEL, "library-similar", similar_clips, self.music_library, req,
                            label="Finding similar clips", on_result=self._similar)

    def _similar(self, result: SimilarResult) -> None:
        self.similar = result
        self.similarReady.emit(result)

    # ---- importing a folder ----------------------------------------------------------------------
    def import_folder(self, folder: str | Path | None = None) -> Worker | None:
        """Ask for a folder and import its MIDI files in a worker (progress: ``importProgress``;
        ``cancel_import`` keeps what was imported), then show what was skipped and why."""
        if self.importing is not None:
            return self.importing
        folder = folder or self.ask_folder()
        if not folder:
            return None
        folder = Path(folder)
        worker = self.ctx.jobs.start("library-import", self.music_library.import_folder, folder,
                                     label=f"Importing {folder.name}", on_result=self._imported,
                                     on_error=lambda exc: self.ctx.notifier.error("Importing a folder", exc))
        worker.signals.progress.connect(self.importProgress)
        worker.signals.finished.connect(lambda w=worker: self._import_finished(w))
        self.importing = worker
        self.importingChanged.emit(True)
        return worker

    def cancel_import(self) -> None:
        if self.importing is not None:
            self.importing.cancel()

    def _imported(self, report: ImportReport) -> None:
        if report.skipped:
            self.report_dialog = ImportReportDialog(report, self._parent)
            self.report_dialog.open()
        else:
            self.ctx.notifier.info(report.summary())

    def _import_finished(self, worker: Worker) -> None:
        if worker is not self.importing:
            return
        self.importing = None
        self.importingChanged.emit(False)
        if worker.cancelled:
            self.ctx.notifier.info("Import cancelled: the files imported before it stay in the library")
        self.refresh()

    def _confirm_box(self, text: str) -> bool:
        answer = QMessageBox.question(self._parent, "Library", text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes
