"""LatentRoll project files (``.lrproj``): a Song plus the studio state around it.

The file is JSON a person can read and diff: maps and settings are indented, while each track's
notes are four compact column lists (start, duration, pitch, velocity) kept in row order, one line
each, so a big song stays small. ``format_version`` is bumped on every layout change and old files
are upgraded step by step through ``MIGRATIONS`` before validation; a file from a newer LatentRoll
is refused instead of being misread.
"""
from __future__ import annotations

import json
import math
import os
import re
import secrets
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .chords import ChordEvent, ChordSymbolError, parse_chord
from .io.errors import MusicFileError
from .io.files import read_file_bytes, write_file_bytes
from .song import MAJOR, MAX_TICK, MINOR, NOTE_DTYPE, PPQ, KeySignature, Song, TempoChange, TimeSignature, Track
from .timing import GRIDS

FORMAT_NAME = "latentroll-project"
FORMAT_VERSION = 1
PROJECT_SUFFIX = ".lrproj"
NOTE_COLUMNS = ("start", "duration", "pitch", "velocity")


@dataclass
class ProjectSettings:
    """Editor state saved with a song. Ticks are 480 PPQ; zoom is a scale factor (1.0 = default)."""

    loop_start: int | None = None
    loop_end: int | None = None
    loop_enabled: bool = False
    snap_grid: str = "1/16"
    soundfont: str | None = None
    selected_track: int = 0
    zoom_x: float = 1.0
    zoom_y: float = 1.0
    view_tick: int = 0
    view_pitch: int = 60


@dataclass
class LatentBookmark:
    """A named point in a model's latent space, so a sound/idea can be found again."""

    name: str
    vector: list[float]
    model: str


@dataclass
class Project:
    song: Song = field(default_factory=Song)
    settings: ProjectSettings = field(default_factory=ProjectSettings)
    bookmarks: list[LatentBookmark] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


# ---- saving ----------------------------------------------------------------------------------
def save_project(project: Project, path: str | os.PathLike) -> None:
    """Write atomically (temp file, fsync, rename): a failed save never harms the old file.

    Editor settings are tidied into range (``tidy_settings``); then the text is read back through
    the loader's checks, so a song with impossible values is refused and a saved file always re-opens.
    """
    path = Path(path)
    text = project_to_json(project)
    try:
        _project_from_doc(_Reader(), json.loads(text))
    except _Invalid as exc:
        raise MusicFileError(f"cannot save {path.name}: {exc}") from None
    write_file_bytes(path, text.encode("utf-8"))


def project_to_json(project: Project) -> str:
    song = project.song
    token = secrets.token_hex(8)  # placeholders that no user text can collide with
    lines: list[str] = []  # one-line JSON for each placeholder, spliced in after indenting

    def one_line(value: list) -> str:
        lines.append(json.dumps(value, separators=(", ", ": ") if len(value) < 8 else (",", ":"),
                                ensure_ascii=False, allow_nan=False))
        return f"@@{token}-{len(lines) - 1}@@"

    try:
        tracks = [{
            "name": t.name, "program": int(t.program), "channel": int(t.channel), "is_drum": bool(t.is_drum),
            "volume": int(t.volume), "pan": int(t.pan), "mute": bool(t.mute), "solo": bool(t.solo),
            "notes": {col: one_line(t.notes[col].tolist()) for col in NOTE_COLUMNS},
        } for t in song.tracks]
        doc = {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "song": {
                "title": song.title,
                "ppq": PPQ,
                "tempos": [one_line([int(c.tick), float(c.bpm)]) for c in song.tempos],
                "time_signatures": [one_line([int(s.tick), int(s.numerator), int(s.denominator)])
                                    for s in song.time_signatures],
                "keys": [one_line([int(k.tick), int(k.tonic), k.mode]) for k in song.keys],
                "chords": [one_line([int(c.tick), c.symbol.text]) for c in song.chords],
                "tracks": tracks,
            },
            "settings": asdict(tidy_settings(project.settings, len(song.tracks))),
            "bookmarks": [{"name": b.name, "model": b.model, "vector": one_line([float(x) for x in b.vector])}
                          for b in project.bookmarks],
            "extra": project.extra,
        }
        text = json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise MusicFileError(f"the project cannot be saved: {exc}") from None
    text = re.sub(f'"@@{token}-(\\d+)@@"', lambda m: lines[int(m.group(1))], text)
    return text + "\n"


def tidy_settings(s: ProjectSettings, n_tracks: int) -> ProjectSettings:
    """Editor state brought into the ranges the loader accepts, so odd view state never blocks a save:
    values are clamped, a half-set or empty loop is dropped, an unknown grid falls back to 1/16."""
    def number(v, default: float) -> float:
        try:
            v = float(v)
        except (TypeError, ValueError):
            return default
        return v if math.isfinite(v) and v > 0 else default

    loop_start, loop_end = s.loop_start, s.loop_end
    if loop_start is None or loop_end is None or int(loop_end) <= max(int(loop_start), 0):
        loop_start = loop_end = None
    return ProjectSettings(
        loop_start=None if loop_start is None else max(int(loop_start), 0),
        loop_end=None if loop_end is None else int(loop_end),
        loop_enabled=bool(s.loop_enabled) and loop_start is not None,
        snap_grid=s.snap_grid if s.snap_grid in GRIDS else ProjectSettings.snap_grid,
        soundfont=None if s.soundfont is None else str(s.soundfont),
        selected_track=min(max(int(s.selected_track), 0), max(n_tracks - 1, 0)),
        zoom_x=number(s.zoom_x, 1.0),
        zoom_y=number(s.zoom_y, 1.0),
        view_tick=max(int(s.view_tick), 0),
        view_pitch=min(max(int(round(float(s.view_pitch))), 0), 127),
    )


# ---- loading ---------------------------------------------------------------------------------
def load_project(path: str | os.PathLike) -> Project:
    path = Path(path)
    return project_from_json(read_file_bytes(path), source=path.name)


def project_from_json(raw: str | bytes, source: str = "the project") -> Project:
    try:
        doc = json.loads(raw)
    except UnicodeDecodeError:
        raise MusicFileError(f"{source} is not a LatentRoll project (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise MusicFileError(
            f"{source} is not a valid project file: broken JSON at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise MusicFileError(f"{source} is not a valid project file: its data is nested too deeply") from None
    except ValueError:  # Python refuses integers of more than 4300 digits
        raise MusicFileError(f"{source} is not a valid project file: it holds a number too long to read") from None
    if not isinstance(doc, dict) or "format_version" not in doc:
        raise MusicFileError(f"{source} is not a LatentRoll project (no format_version)")
    doc = migrate(doc, source)
    try:
        project = _project_from_doc(_Reader(), doc)
    except _Invalid as exc:
        raise MusicFileError(f"{source} is not a valid project file: {exc}") from None
    problem = project.song.limits_problem()
    if problem:
        raise MusicFileError(f"cannot read {source}: {problem}")
    return project


def _migrate_v0_to_v1(doc: dict) -> dict:
    """Format 0 (the prototype): one bpm/meter/key per song, notes as [start, dur, pitch, vel] rows,
    ``loop`` as [start, end] or null, ``grid`` for the snap grid, no bookmarks."""
    r = _Reader()
    tracks = []
    for i, t in enumerate(r.get_list(doc, "tracks", "")):
        rows = r.get_list(t, "notes", f"tracks[{i}]")
        if any(not isinstance(row, list) or len(row) != 4 for row in rows):
            raise _Invalid(f"tracks[{i}].notes must be rows of [start, duration, pitch, velocity]")
        cols = list(zip(*rows)) if rows else [(), (), (), ()]
        tracks.append({
            "name": t.get("name", f"Track {i + 1}"), "program": t.get("program", 0),
            "channel": t.get("channel", 0), "is_drum": t.get("drum", False),
            "volume": 100, "pan": 64, "mute": False, "solo": False,
            "notes": {c: list(v) for c, v in zip(NOTE_COLUMNS, cols)},
        })
    meter = doc.get("meter", [4, 4])
    key = doc.get("key", [0, MAJOR])
    loop = doc.get("loop")
    return {
        "format": FORMAT_NAME,
        "format_version": 1,
        "song": {
            "title": doc.get("title", "Untitled"),
            "ppq": PPQ,
            "tempos": [[0, doc.get("bpm", 120.0)]],
            "time_signatures": [[0, *meter]],
            "keys": [[0, *key]],
            "tracks": tracks,
        },
        "settings": {
            "loop_start": loop[0] if loop else None,
            "loop_end": loop[1] if loop else None,
            "loop_enabled": loop is not None,
            "snap_grid": doc.get("grid", "1/16"),
        },
        "bookmarks": [],
        "extra": {},
    }


# format_version n → n + 1
MIGRATIONS: dict[int, Callable[[dict], dict]] = {0: _migrate_v0_to_v1}


def migrate(doc: dict, source: str = "the project") -> dict:
    """Upgrade a parsed project document to ``FORMAT_VERSION``."""
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise MusicFileError(f"{source} has an invalid format_version {version!r}")
    if version > FORMAT_VERSION:
        raise MusicFileError(
            f"{source} was saved by a newer LatentRoll (project format {version}; "
            f"this version reads formats up to {FORMAT_VERSION}); please update LatentRoll"
        )
    while version < FORMAT_VERSION:
        try:
            doc = MIGRATIONS[version](doc)
        except _Invalid as exc:
            raise MusicFileError(f"{source} is not a valid project file: {exc}") from None
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            raise MusicFileError(
                f"{source} could not be upgraded from project format {version}: {exc}"
            ) from None
        version += 1
    return doc


class _Invalid(ValueError):
    pass


class _Reader:
    """Typed, range-checked access to parsed JSON; errors name the offending field."""

    @staticmethod
    def _where(where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def get(self, d: dict, key: str, where: str, default: Any = ...) -> Any:
        if not isinstance(d, dict):
            raise _Invalid(f"{where or 'the file'} must be an object")
        if key not in d:
            if default is ...:
                raise _Invalid(f"{self._where(where, key)} is missing")
            return default
        return d[key]

    def get_int(self, d: dict, key: str, where: str, lo: int | None = None, hi: int | None = None,
            default: Any = ..., optional: bool = False) -> int | None:
        v = self.get(d, key, where, default)
        if v is None and optional:
            return None
        return self.check_int(v, self._where(where, key), lo, hi)

    def check_int(self, v: Any, name: str, lo: int | None = None, hi: int | None = None) -> int:
        if not isinstance(v, int) or isinstance(v, bool):
            raise _Invalid(f"{name} must be a whole number, not {v!r}")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise _Invalid(f"{name} is {v}; it must be within {lo}..{'' if hi is None else hi}")
        return v

    def get_float(self, d: dict, key: str, where: str, positive: bool = False, default: Any = ...) -> float:
        v = self.get(d, key, where, default)
        return self.check_float(v, self._where(where, key), positive)

    def check_float(self, v: Any, name: str, positive: bool = False) -> float:
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
            raise _Invalid(f"{name} must be a number, not {v!r}")
        if positive and v <= 0:
            raise _Invalid(f"{name} must be greater than 0")
        return float(v)

    def get_bool(self, d: dict, key: str, where: str, default: Any = ...) -> bool:
        v = self.get(d, key, where, default)
        if not isinstance(v, bool):
            raise _Invalid(f"{self._where(where, key)} must be true or false, not {v!r}")
        return v

    def get_str(self, d: dict, key: str, where: str, default: Any = ..., optional: bool = False) -> str | None:
        v = self.get(d, key, where, default)
        if v is None and optional:
            return None
        if not isinstance(v, str):
            raise _Invalid(f"{self._where(where, key)} must be text, not {v!r}")
        return v

    def get_list(self, d: dict, key: str, where: str, default: Any = ...) -> list:
        v = self.get(d, key, where, default)
        if not isinstance(v, list):
            raise _Invalid(f"{self._where(where, key)} must be a list")
        return v

    def get_dict(self, d: dict, key: str, where: str, default: Any = ...) -> dict:
        v = self.get(d, key, where, default)
        if not isinstance(v, dict):
            raise _Invalid(f"{self._where(where, key)} must be an object")
        return v

    def row(self, v: Any, name: str, n: int) -> list:
        if not isinstance(v, list) or len(v) != n:
            raise _Invalid(f"{name} must be a list of {n} values")
        return v


def _project_from_doc(r: _Reader, doc: dict) -> Project:
    if doc.get("format", FORMAT_NAME) != FORMAT_NAME:
        raise _Invalid(f"format is {doc.get('format')!r}, expected {FORMAT_NAME!r}")
    song = _song_from_doc(r, r.get_dict(doc, "song", ""))
    settings = _settings_from_doc(r, r.get_dict(doc, "settings", "", default={}), len(song.tracks))
    bookmarks = []
    for i, b in enumerate(r.get_list(doc, "bookmarks", "", default=[])):
        where = f"bookmarks[{i}]"
        vector = [r.check_float(x, f"{where}.vector[{j}]") for j, x in enumerate(r.get_list(b, "vector", where))]
        bookmarks.append(LatentBookmark(name=r.get_str(b, "name", where), vector=vector, model=r.get_str(b, "model", where)))
    extra = r.get_dict(doc, "extra", "", default={})
    return Project(song=song, settings=settings, bookmarks=bookmarks, extra=extra)


def _song_from_doc(r: _Reader, d: dict) -> Song:
    ppq = r.get_int(d, "ppq", "song", default=PPQ)
    if ppq != PPQ:
        raise _Invalid(f"song.ppq is {ppq}; LatentRoll projects use {PPQ}")
    tempos = []
    for i, row in enumerate(r.get_list(d, "tempos", "song")):
        name = f"song.tempos[{i}]"
        tick, bpm = r.row(row, name, 2)
        tempos.append(TempoChange(r.check_int(tick, name + " tick", 0), r.check_float(bpm, name + " bpm", positive=True)))
    sigs = []
    for i, row in enumerate(r.get_list(d, "time_signatures", "song")):
        name = f"song.time_signatures[{i}]"
        tick, num, den = r.row(row, name, 3)
        den = r.check_int(den, name + " denominator", 1, 64)
        if den & (den - 1):
            raise _Invalid(f"{name} denominator {den} is not a power of two")
        sigs.append(TimeSignature(r.check_int(tick, name + " tick", 0), r.check_int(num, name + " numerator", 1, 64), den))
    keys = []
    for i, row in enumerate(r.get_list(d, "keys", "song")):
        name = f"song.keys[{i}]"
        tick, tonic, mode = r.row(row, name, 3)
        if mode not in (MAJOR, MINOR):
            raise _Invalid(f"{name} mode must be {MAJOR!r} or {MINOR!r}, not {mode!r}")
        keys.append(KeySignature(r.check_int(tick, name + " tick", 0), r.check_int(tonic, name + " tonic", 0, 11), mode))
    chords = []
    for i, row in enumerate(r.get_list(d, "chords", "song", default=[])):
        name = f"song.chords[{i}]"
        tick, text = r.row(row, name, 2)
        try:
            chords.append(ChordEvent(r.check_int(tick, name + " tick", 0), parse_chord(str(text))))
        except ChordSymbolError as exc:
            raise _Invalid(f"{name}: {exc}") from None
    tracks = [_track_from_doc(r, t, f"song.tracks[{i}]") for i, t in enumerate(r.get_list(d, "tracks", "song"))]
    return Song(
        chords=chords,
        title=r.get_str(d, "title", "song"),
        tracks=tracks,
        tempos=tempos or [TempoChange(0, 120.0)],
        time_signatures=sigs or [TimeSignature(0, 4, 4)],
        keys=keys or [KeySignature(0, 0, MAJOR)],
    )


_NOTE_RANGES = {"start": (0, MAX_TICK), "duration": (1, MAX_TICK), "pitch": (0, 127), "velocity": (1, 127)}


def _track_from_doc(r: _Reader, t: dict, where: str) -> Track:
    cols = r.get_dict(t, "notes", where)
    arrays = {}
    for col in NOTE_COLUMNS:
        values = r.get_list(cols, col, f"{where}.notes")
        if any(not isinstance(v, int) or isinstance(v, bool) for v in values):
            raise _Invalid(f"{where}.notes.{col} must hold whole numbers only")
        lo, hi = _NOTE_RANGES[col]
        if values and (min(values) < lo or max(values) > hi):  # before NumPy, which overflows past int64
            raise _Invalid(f"{where}.notes.{col} has values outside {lo}..{hi}")
        arr = np.array(values, dtype=np.int64)
        arrays[col] = arr
    n = {len(a) for a in arrays.values()}
    if len(n) != 1:
        raise _Invalid(f"{where}.notes columns have different lengths")
    notes = np.empty(n.pop(), dtype=NOTE_DTYPE)
    for col, arr in arrays.items():
        notes[col] = arr
    return Track(
        name=r.get_str(t, "name", where),
        program=r.get_int(t, "program", where, 0, 127),
        channel=r.get_int(t, "channel", where, 0, 15),
        is_drum=r.get_bool(t, "is_drum", where),
        volume=r.get_int(t, "volume", where, 0, 127),
        pan=r.get_int(t, "pan", where, 0, 127),
        mute=r.get_bool(t, "mute", where, default=False),
        solo=r.get_bool(t, "solo", where, default=False),
        notes=notes,
    )


def _settings_from_doc(r: _Reader, d: dict, n_tracks: int) -> ProjectSettings:
    w = "settings"
    defaults = ProjectSettings()
    known = {f.name for f in fields(ProjectSettings)}
    if not isinstance(d, dict):
        raise _Invalid("settings must be an object")
    d = {k: v for k, v in d.items() if k in known}
    s = ProjectSettings(
        loop_start=r.get_int(d, "loop_start", w, 0, default=None, optional=True),
        loop_end=r.get_int(d, "loop_end", w, 0, default=None, optional=True),
        loop_enabled=r.get_bool(d, "loop_enabled", w, default=defaults.loop_enabled),
        snap_grid=r.get_str(d, "snap_grid", w, default=defaults.snap_grid),
        soundfont=r.get_str(d, "soundfont", w, default=None, optional=True),
        selected_track=r.get_int(d, "selected_track", w, 0, max(n_tracks - 1, 0), default=0),
        zoom_x=r.get_float(d, "zoom_x", w, positive=True, default=defaults.zoom_x),
        zoom_y=r.get_float(d, "zoom_y", w, positive=True, default=defaults.zoom_y),
        view_tick=r.get_int(d, "view_tick", w, 0, default=defaults.view_tick),
        view_pitch=r.get_int(d, "view_pitch", w, 0, 127, default=defaults.view_pitch),
    )
    if s.snap_grid not in GRIDS:
        raise _Invalid(f"settings.snap_grid {s.snap_grid!r} is not one of {', '.join(GRIDS)}")
    if (s.loop_start is None) != (s.loop_end is None):
        raise _Invalid("settings.loop_start and loop_end must both be set or both be null")
    if s.loop_start is not None and s.loop_end <= s.loop_start:
        raise _Invalid("settings.loop_end must be after loop_start")
    if s.loop_enabled and s.loop_start is None:
        raise _Invalid("settings.loop_enabled is true but no loop range is set")
    return s
