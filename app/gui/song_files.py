"""Songs to and from files, without Qt: what the File menu runs in a worker thread.

The GUI's file dialogs and the clip pickers take their filters from here, and the filters from
the suffix lists of ``core.io.formats``, so a format added there shows up everywhere at once.
"""
from __future__ import annotations

from pathlib import Path

from latentroll.app.runtime.file_jobs import run_file_job
from latentroll.core.io.formats import (
    ABC_SUFFIXES,
    MIDI_SUFFIXES,
    MUSICXML_SUFFIXES,
    PROJECT_SUFFIXES,
    read_song,
    write_song,
)
from latentroll.core.project import PROJECT_SUFFIX, Project, load_project
from latentroll.core.song import Song

MUSIC21_SUFFIXES = MUSICXML_SUFFIXES + ABC_SUFFIXES  # parsed by music21: holds the GIL long
MUSIC_SUFFIXES = MIDI_SUFFIXES + MUSIC21_SUFFIXES  # what can become tracks or clips


def name_filter(label: str, suffixes: tuple[str, ...]) -> str:
    """A file dialog's name filter: ``"MIDI (*.mid *.midi)"``."""
    return f"{label} ({' '.join('*' + s for s in suffixes)})"


IMPORT_FILTERS = {
    "midi": name_filter("MIDI files", MIDI_SUFFIXES),
    "musicxml": name_filter("MusicXML", MUSICXML_SUFFIXES),
    "abc": name_filter("ABC notation", ABC_SUFFIXES),
}
OPEN_FILTER = ";;".join([
    name_filter("All supported", PROJECT_SUFFIXES + MUSIC_SUFFIXES),
    name_filter("LatentRoll projects", PROJECT_SUFFIXES), name_filter("MIDI", MIDI_SUFFIXES),
    name_filter("MusicXML", MUSICXML_SUFFIXES), name_filter("ABC", ABC_SUFFIXES),
])
CLIP_FILE_FILTER = ";;".join([name_filter("Music files", MUSIC_SUFFIXES), *IMPORT_FILTERS.values()])


def read_any_song(path: Path, cancel=None) -> Song:
    """Runs in a worker. music21 formats are parsed in the file helper process (``run_file_job``)."""
    if path.suffix.lower() in MUSIC21_SUFFIXES:
        return run_file_job(read_song, path, cancel=cancel)
    return read_song(path)


def load_any(path: Path, cancel=None) -> Project:
    """Runs in a worker: a project file as is, any other music file as a new project."""
    if path.suffix.lower() == PROJECT_SUFFIX:
        return load_project(path)
    return Project(song=read_any_song(path, cancel))


def write_any_song(song: Song, path: Path, cancel=None) -> None:
    """Runs in a worker; MusicXML is built by music21 in the file helper process."""
    if path.suffix.lower() in MUSIC21_SUFFIXES:
        run_file_job(write_song, song, path, cancel=cancel)
    else:
        write_song(song, path)


def write_midi_stems(song: Song, wav_paths: list[Path]) -> list[Path]:
    """One MIDI file per track beside its WAV stem, each with the song's tempo/meter/key maps
    so it starts at bar 1 like the audio, and each ending where the song ends (every track's
    end-of-track at one tick), so a DAW lines them up as it does the equal-length WAVs."""
    from latentroll.core.io.midi import write_midi

    end = song.end_tick()
    out = []
    for k, wav in enumerate(wav_paths):
        one = Song(title=song.title, tracks=[song.tracks[k].copy()], tempos=list(song.tempos),
                   time_signatures=list(song.time_signatures), keys=list(song.keys))
        one.tracks[0].mute = one.tracks[0].solo = False
        target = wav.with_suffix(".mid")
        write_midi(one, target, end_tick=end)
        out.append(target)
    return out


def _options(sample_rate: int, bits: int, soundfont: Path):
    from latentroll.core.audio.render import RenderOptions  # imported here: in the worker

    return RenderOptions(sample_rate=sample_rate, bits=bits, soundfont=soundfont)


def export_stems(song: Song, folder: Path, sample_rate: int, bits: int, soundfont: Path,
                 progress=None, cancel=None) -> list[Path]:
    """Runs in a worker: WAV stems (``core.audio.render``) plus matching MIDI stems."""
    from latentroll.core.audio.render import render_stems

    wavs = render_stems(song, folder, _options(sample_rate, bits, soundfont), progress=progress, cancel=cancel)
    return wavs + write_midi_stems(song, wavs)


def export_wav(song: Song, path: Path, sample_rate: int, bits: int, soundfont: Path, progress=None, cancel=None):
    """Runs in a worker: the mixdown of the audible tracks as one WAV."""
    from latentroll.core.audio.render import render_to_wav

    return render_to_wav(song, path, _options(sample_rate, bits, soundfont), progress=progress, cancel=cancel)
