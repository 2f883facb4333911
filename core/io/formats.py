"""One entry point for every file type: ``read_song``/``write_song`` pick the format by extension.

MIDI goes through ``midi``; MusicXML and ABC through music21 (``score_to_song`` on the way in,
``song_to_score`` on the way out); ``.lrproj`` through ``project``. Everything a user can get
wrong ends as a MusicFileError naming the file, and every write is atomic.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from ..project import Project, load_project, save_project
from ..song import Song
from .abc import abc_tune_to_song, decode_abc, quiet_music21, split_abc_tunes
from .atomic import writable_folder
from .errors import MusicFileError, one_line
from .files import read_file_bytes, write_file_bytes
from .midi import read_midi, song_to_midi_bytes
from .music21_convert import score_to_song
from .music21_export import song_to_musicxml_bytes
from .musicxml_percussion import unpitched_to_pitched

MIDI_SUFFIXES = (".mid", ".midi")
MUSICXML_SUFFIXES = (".musicxml", ".xml", ".mxl")
ABC_SUFFIXES = (".abc",)
PROJECT_SUFFIXES = (".lrproj",)
SUPPORTED_READ = MIDI_SUFFIXES + MUSICXML_SUFFIXES + ABC_SUFFIXES + PROJECT_SUFFIXES
SUPPORTED_WRITE = MIDI_SUFFIXES + MUSICXML_SUFFIXES + PROJECT_SUFFIXES


def suffix_of(path: str | os.PathLike) -> str:
    return Path(path).suffix.lower()


def check_readable_type(path: str | os.PathLike) -> str:
    """The lower-case suffix, or a MusicFileError listing what can be read."""
    return _check(path, SUPPORTED_READ, "read")


def check_writable_type(path: str | os.PathLike) -> str:
    return _check(path, SUPPORTED_WRITE, "write")


def check_output_path(path: str | os.PathLike) -> str:
    """Everything about an output path that can fail before the work starts: its type, that it
    is not a folder, that its folder exists and is writable. Returns the suffix."""
    ext = check_writable_type(path)
    writable_folder(path)
    return ext


def _check(path, supported: tuple[str, ...], verb: str) -> str:
    if Path(path).is_dir():
        raise MusicFileError(f"cannot {verb} {path}: it is a folder, not a file")
    ext = suffix_of(path)
    if ext not in supported:
        what = f"file type '{ext}' is" if ext else "a file without an extension is"
        raise MusicFileError(
            f"cannot {verb} {Path(path).name}: {what} not supported (use {', '.join(supported)})"
        )
    return ext


def read_song(path: str | os.PathLike, index: int | None = None) -> Song:
    """Read any supported file. ``index`` picks a tune (0-based) in a multi-tune ABC file."""
    path = Path(path)
    ext = check_readable_type(path)
    if index not in (None, 0) and ext not in ABC_SUFFIXES:
        raise MusicFileError(f"{path.name} holds one song; a tune number only applies to ABC files")
    if ext in MIDI_SUFFIXES:
        song = read_midi(path)
    elif ext in PROJECT_SUFFIXES:
        song = load_project(path).song
    else:
        data = read_file_bytes(path)
        song = _read_abc(data, path, index or 0) if ext in ABC_SUFFIXES else _read_musicxml(path, data)
    check_song_limits(song, path.name)
    return song


def check_song_limits(song: Song, source: str) -> None:
    """MusicFileError when a file's song is beyond ``Song.limits_problem``'s bounds."""
    problem = song.limits_problem()
    if problem:
        raise MusicFileError(f"cannot read {source}: {problem}")


def _read_musicxml(path: Path, data: bytes) -> Song:
    """music21 reads the file; one with unpitched notes is first given its drums' GM keys
    as pitches (``unpitched_to_pitched``), since music21 drops which drum a note plays."""
    from music21 import converter

    if not data.strip():
        raise MusicFileError(f"{path.name} is empty")
    try:
        xml = _musicxml_root(data)
        with quiet_music21():
            if b"<unpitched" in xml:
                drums = unpitched_to_pitched(xml)
                score = converter.parseData(drums.xml.decode("utf-8"), format="musicxml")
                return _to_song(score, path, "MusicXML", drums.drum_part_ids)
            score = converter.parse(path, format="musicxml", forceSource=True, storePickle=False)
    except MusicFileError:
        raise
    except Exception as exc:  # music21 raises anything from XML, zip and notation errors
        raise MusicFileError(f"could not read {path.name} as MusicXML: {one_line(exc)}") from None
    return _to_song(score, path, "MusicXML")


def _musicxml_root(data: bytes) -> bytes:
    """The score XML of a MusicXML file: the file itself, or a ``.mxl`` zip's root file."""
    if not data.startswith(b"PK"):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        root = None
        if "META-INF/container.xml" in names:
            found = re.search(rb'full-path="([^"]+)"', zf.read("META-INF/container.xml"))
            root = found.group(1).decode("utf-8") if found else None
        if root not in names:
            root = next(n for n in names if n.lower().endswith((".xml", ".musicxml")) and not n.startswith("META-INF"))
        return zf.read(root)


def _read_abc(data: bytes, path: Path, index: int) -> Song:
    tunes = split_abc_tunes(decode_abc(data))
    if not tunes:
        raise MusicFileError(f"{path.name} is empty")
    if not 0 <= index < len(tunes):
        raise MusicFileError(f"{path.name} holds {len(tunes)} tune(s); there is no tune {index + 1}")
    return abc_tune_to_song(tunes[index], path.name, path.stem)


def abc_tune_count(path: str | os.PathLike) -> int:
    return len(split_abc_tunes(decode_abc(read_file_bytes(Path(path)))))


def tune_count(path: str | os.PathLike) -> int:
    """How many songs ``path`` holds: the tunes of an ABC book, else 1."""
    return abc_tune_count(path) if suffix_of(path) in ABC_SUFFIXES else 1


def _to_song(score, path: Path, kind: str, drum_parts: frozenset[str] = frozenset()) -> Song:
    md = getattr(score, "metadata", None)
    title = (md.bestTitle if md is not None else None) or path.stem
    try:
        with quiet_music21():
            return score_to_song(score, title=str(title), drum_parts=drum_parts)
    except MusicFileError as exc:
        raise MusicFileError(f"could not read {path.name} as {kind}: {exc}") from None
    except Exception as exc:
        raise MusicFileError(f"could not read {path.name} as {kind}: {one_line(exc)}") from None


def write_song(song: Song, path: str | os.PathLike) -> None:
    """Write by extension; the target is replaced only once the new file is complete."""
    ext = check_writable_type(path)
    if ext in PROJECT_SUFFIXES:
        save_project(Project(song=song), path)
    elif ext in MIDI_SUFFIXES:
        write_file_bytes(path, song_to_midi_bytes(song))
    else:
        write_file_bytes(path, song_to_musicxml_bytes(song, compressed=ext == ".mxl"))
