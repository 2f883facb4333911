"""What every model panel works with: ``ModelContext``, one per main window.

The panels (Generate, Model Tools, Latent Explorer, Library) take this instead of the window, so
they depend on these few parts and actions, never on how the window is put together.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QWidget

from latentroll.app.calls.phrases import PHRASE_MODELS, model_for
from latentroll.core.song import PPQ, Song
from latentroll.core.theory import Scale

from .clip_widgets import ask_music_file, start_file_drag
from .clips import Clip, ClipAudition, ClipShelf, clip_from_track, insert_clip, selection_clip, write_clip_file
from .document import Document
from .editor_state import EditorState
from .models_host import ModelHost
from .notify import Notifier
from .song_files import read_any_song
from .workers import Jobs

MODEL_KEY = "vae"  # the model whose clips the panels show and trade


@dataclass
class ModelContext:
    """Everything a model panel needs from the window, and the actions they all share."""

    doc: Document
    state: EditorState
    jobs: Jobs
    notifier: Notifier
    host: ModelHost
    shelf: ClipShelf  # the clips the panels trade
    audition: ClipAudition
    drag_dir: Path
    folder: Callable[[], str] = lambda: ""  # where file dialogs open
    library_dir: Path | None = None  # the user's music library (None: the one in the user data dir)
    model_key: str = MODEL_KEY

    def clip_ticks(self) -> int:
        """Length of the model's clips (2 bars), for drawing whole clips."""
        info = self.host.info(self.model_key)
        return info.clip_ticks if info is not None and info.clip_ticks else 8 * PPQ

    def phrase_models(self) -> tuple[tuple[str, int], ...]:
        """The melody phrase models (``calls.phrases.PHRASE_MODELS``) ready to run now; the others
        start loading once the panels' own model is ready. Until a longer model is ready its
        phrases chain the shorter one's clips, so a click never waits on a load. None ready: the
        panels' own model, so the host says why it cannot run (loading, missing weights)."""
        ready = []
        for key, bars in PHRASE_MODELS:
            if self.host.ready(key):
                ready.append((key, bars))
            elif self.host.ready(self.model_key):
                self.host.ensure_loaded(key)
        return tuple(ready) or tuple(m for m in PHRASE_MODELS if m[0] == self.model_key) or PHRASE_MODELS

    def phrase_model(self, bars: int, style: str | None = None) -> str:
        """The ready model a melody of ``bars`` bars in ``style`` goes through (``calls.phrases.model_for``)."""
        return model_for(self.model_key, bars, style, self.phrase_models())

    def say_what_is_cut(self, named: dict[str, Clip]) -> str:
        """The model reads only its clip length (2 bars) of each clip it is given: say so, in the
        status bar, for every clip that is longer (until longer models land). Returns the text."""
        ticks = self.clip_ticks()
        long = [(name, c) for name, c in named.items() if c is not None and c.span > ticks]
        if not long:
            return ""
        kept = max(1, ticks // (4 * PPQ))
        what = ", ".join(f"{name} is {-(-c.span // (4 * PPQ))} bars" for name, c in long)
        text = (f"{what}: the model reads only the first {kept} bars of a clip, so the rest is left out "
                f"(select {kept} bars to choose which)")
        self.notifier.warning(text)
        return text

    def song_scale(self) -> Scale:
        return self.state.scale

    def play(self, clip: Clip) -> None:
        self.audition.play(clip)

    def insert(self, clip: Clip, new_track: bool = False) -> None:
        ins = insert_clip(self.doc, self.state, clip, new_track)
        if ins is not None:
            where = self.doc.song.tracks[ins.track_index].name
            self.notifier.info(f"Inserted “{clip.name}” into {where} — Ctrl+Z undoes it")

    def keep(self, clip: Clip) -> Clip | None:
        added = self.shelf.add(clip)
        if added:
            self.notifier.info(f"Kept “{added[0].name}” in the clip list")
        return added[0] if added else None

    def drag(self, source: QWidget, clip: Clip) -> None:
        start_file_drag(source, write_clip_file(clip, self.doc.song, self.drag_dir))

    def take_selection(self) -> Clip | None:
        clip = selection_clip(self.state)
        if clip is None:
            self.notifier.info("Select some notes in the piano roll first (or pick a clip from a file)")
        return clip

    def open_clip_file(self, parent: QWidget, then: Callable[[list[Clip]], None]) -> None:
        """Ask for a music file; read it in a worker; each pitched track becomes a clip."""
        path = ask_music_file(parent, self.folder())
        if path is not None:
            self.read_clip_file(path, then)

    def read_clip_file(self, path: Path, then: Callable[[list[Clip]], None] | None = None) -> None:
        def done(song: Song) -> None:
            clips = [clip_from_track(t, f"{path.stem}: {t.name}", "file", song=song)
                     for t in song.tracks if len(t.notes) and not t.is_drum]
            if not clips:
                self.notifier.info(f"{path.name} has no pitched notes to use as a clip")
                return
            added = self.shelf.add(clips)
            self.notifier.info(f"Took {len(added)} clip(s) from {path.name}")
            if then is not None:
                then(added)

        self.jobs.start("clip-file", read_any_song, path, label=f"Reading {path.name}", on_result=done)
