"""Editor state ↔ ``ProjectSettings``: what a saved project remembers besides the song."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from latentroll.core.project import LatentBookmark, Project, ProjectSettings
from latentroll.core.theory import SCALE_STEPS
from latentroll.core.timing import GRIDS

from .document import Document
from .editor_state import EditorState
from .piano_roll.view import DEFAULT_SX, DEFAULT_SY, PianoRollView

SCALE_KEY = "scale"  # project.extra key for a highlight scale other than the key's major/minor


@dataclass
class ProjectExtras:
    """Parts of a loaded project the editor does not edit but must write back unchanged."""

    bookmarks: list[LatentBookmark] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    soundfont: str | None = None


def snapshot_project(doc: Document, state: EditorState, view: PianoRollView, keep: ProjectExtras) -> Project:
    """A Project to save: a copy of the song (workers may write it while the user edits on)."""
    m = view.mapping()
    n_tracks = len(doc.song.tracks)
    settings = ProjectSettings(
        loop_start=state.loop_start, loop_end=state.loop_end, loop_enabled=state.loop_enabled,
        snap_grid=state.grid, soundfont=keep.soundfont,
        selected_track=min(max(state.current_track, 0), max(n_tracks - 1, 0)),
        zoom_x=m.sx / DEFAULT_SX, zoom_y=m.sy / DEFAULT_SY,
        view_tick=max(0, int(m.tick(0))),
        view_pitch=m.pitch_at(view.viewport().height() / 2),
    )
    extra = dict(keep.extra)
    if state.scale_mode:
        extra[SCALE_KEY] = state.scale_mode
    else:
        extra.pop(SCALE_KEY, None)
    return Project(song=doc.song.copy(), settings=settings, bookmarks=list(keep.bookmarks), extra=extra)


def apply_settings(project: Project, state: EditorState, view: PianoRollView) -> ProjectExtras:
    """Restore the editor from a loaded project (after ``Document.replace``)."""
    s = project.settings
    if s.snap_grid in GRIDS:
        state.set_grid(s.snap_grid)
    if s.loop_start is not None and s.loop_end is not None:
        state.set_loop(s.loop_start, s.loop_end, enabled=s.loop_enabled)
    else:
        state.set_loop_enabled(False)
    state.set_current_track(s.selected_track)
    scale = project.extra.get(SCALE_KEY)
    state.set_scale_mode(scale if scale in SCALE_STEPS else None)
    view.set_zoom(sx=DEFAULT_SX * s.zoom_x, sy=DEFAULT_SY * s.zoom_y)
    m = view.mapping()
    h = view.horizontalScrollBar()
    h.setValue(h.value() + int(m.x(s.view_tick)))
    v = view.verticalScrollBar()
    v.setValue(v.value() + int(m.pitch_y(s.view_pitch) - view.viewport().height() / 2))
    return ProjectExtras(list(project.bookmarks), dict(project.extra), s.soundfont)
