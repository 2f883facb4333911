"""Offline rendering of a Song through FluidSynth: a stereo mixdown, WAV files and per-track stems.

No audio driver is involved: the event list (``events.build_events``) is played into a synth
and samples are pulled between events, which is as fast as FluidSynth's own file renderer.

Length: every render of a song is ``song.duration_seconds() + tail_seconds`` long, computed
from the whole song (muted tracks included), so a mixdown and all its stems line up sample for
sample whatever is muted. Reverb and chorus are linear effects fed by each voice, so with the
same settings the sum of the stems equals the mixdown within float rounding, effects on or off.

All or nothing: ``render_files`` renders a mixdown and stems together into temp files beside
their targets and renames them over the targets only after every one was written, so a failure
(a stem path in the way, a full disk, Ctrl-C) leaves the old files as they were.

Clipping: float renders are never clipped. 16/24-bit PCM files clip samples beyond full scale
(``RenderResult.clipped_samples`` says how many; lower ``gain``), and ``bits=32`` writes a
32-bit float WAV that keeps everything.
"""
from __future__ import annotations

import math
import os
import re
import threading
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
import soundfile as sf

from latentroll.core.io.atomic import atomic_path
from latentroll.core.io.errors import MusicFileError
from latentroll.core.song import Song

from ..cancel import Cancelled
from .events import assign_channels, build_events
from .soundfont import find_soundfont
from .synth import DEFAULT_GAIN, EventCursor, FluidEngine

SAMPLE_RATES = (44100, 48000)
BIT_DEPTHS = (16, 24, 32)
SUBTYPES = {16: "PCM_16", 24: "PCM_24", 32: "FLOAT"}
RENDER_BLOCK = 16384  # frames between progress reports and cancel checks (~0.37 s of audio)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderOptions:
    """How to render. ``bits`` 32 means a float WAV; ``effects`` is FluidSynth reverb + chorus."""

    sample_rate: int = 44100
    bits: int = 16
    soundfont: Path | None = None
    tail_seconds: float = 1.0
    gain: float = DEFAULT_GAIN
    effects: bool = True
    polyphony: int = 256

    def __post_init__(self) -> None:
        if self.sample_rate not in SAMPLE_RATES:
            raise ValueError(f"sample rate must be one of {SAMPLE_RATES}, not {self.sample_rate}")
        if self.bits not in BIT_DEPTHS:
            raise ValueError(f"bits must be one of {BIT_DEPTHS}, not {self.bits}")
        if not self.tail_seconds >= 0:
            raise ValueError("tail_seconds must be >= 0")
        if not 0 < self.gain <= 10:
            raise ValueError("gain must be in (0, 10]")


@dataclass(frozen=True)
class RenderResult:
    path: Path
    frames: int
    sample_rate: int
    bits: int
    peak: float
    clipped_samples: int

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate


def render_length(song: Song, sample_rate: int, tail_seconds: float) -> int:
    """Frames in every render of ``song``: its last note-off plus the release tail."""
    return int(math.ceil((song.duration_seconds() + tail_seconds) * sample_rate))


def render_song(
    song: Song,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    tracks: Sequence[int] | None = None,
    cancel: threading.Event | None = None,
) -> np.ndarray:
    """The stereo mixdown as float32 (frames, 2).

    ``tracks`` are indices into ``song.tracks``; by default the audible ones (solo beats mute).
    ``progress(done_frames, total_frames)`` is called after each block; setting ``cancel``
    raises ``Cancelled`` at the next block.
    """
    options = options or RenderOptions()
    soundfont = find_soundfont(options.soundfont)
    total = render_length(song, options.sample_rate, options.tail_seconds)
    with _engine(soundfont, options, song) as engine:
        return _render(engine, build_events(song, tracks), total, progress, cancel)


def render_to_wav(
    song: Song,
    path: str | os.PathLike,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> RenderResult:
    """Render the mixdown and write it atomically: on any error or cancel no file appears.

    The SoundFont and the target folder are checked before the (long) render starts.
    """
    result = render_files(song, mix_path=path, options=options, progress=progress, cancel=cancel).mix
    assert result is not None
    return result


def write_wav(path: str | os.PathLike, audio: np.ndarray, sample_rate: int, bits: int = 16) -> int:
    """Write float audio as a WAV (16/24-bit PCM or 32-bit float); returns samples clipped."""
    if bits not in SUBTYPES:
        raise ValueError(f"bits must be one of {BIT_DEPTHS}, not {bits}")
    with _wav_target(path) as tmp:
        return _write_checked(tmp, path, audio, sample_rate, bits)


def render_stems(
    song: Song,
    folder: str | os.PathLike,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    basename: str | None = None,
) -> list[Path]:
    """One WAV per track, every track whatever its mute/solo (as DAWs export stems), each from
    tick 0 and exactly as long as the mixdown. Files are ``<song>_<NN>_<track>.wav``.

    All or nothing: the stems are written to temp files and renamed only when all succeeded.
    """
    return render_files(song, stems_folder=folder, options=options, progress=progress, cancel=cancel,
                        basename=basename).stems


@dataclass(frozen=True)
class RenderedFiles:
    """What ``render_files`` wrote: the mixdown (if asked for) and the stems, in track order."""

    mix: RenderResult | None
    stems: list[Path]


def render_files(
    song: Song,
    mix_path: str | os.PathLike | None = None,
    stems_folder: str | os.PathLike | None = None,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    basename: str | None = None,
) -> RenderedFiles:
    """The mixdown WAV and/or the stems (see ``render_stems``), all or nothing.

    Every output is checked first (SoundFont, folders, no folder in a file's place), then
    rendered into a temp file beside its target; only when all are written are the temp files
    renamed over the targets. On any error or cancel no target changes and folders this call
    created are removed. ``progress`` counts frames over all the files.
    """
    options = options or RenderOptions()
    soundfont = find_soundfont(options.soundfont)
    jobs: list[tuple[Path, list[int] | None]] = []  # (target, tracks): None = the audible mix
    if mix_path is not None:
        if Path(mix_path).is_dir():
            raise MusicFileError(f"cannot write {mix_path}: it is a folder, not a file")
        jobs.append((Path(mix_path), None))
    stems = stem_paths(song, stems_folder, basename) if stems_folder is not None else []
    for p in stems:  # a rename that fails after others succeeded would leave a partial set
        if p.is_dir():
            raise MusicFileError(f"cannot write {p}: a folder of that name is in the way")
    jobs += [(p, [k]) for k, p in enumerate(stems)]
    created = _make_folder(Path(stems_folder)) if stems_folder is not None else []
    total = render_length(song, options.sample_rate, options.tail_seconds)
    mix = None
    try:
        with ExitStack() as stack:
            if stems:  # one synth kept alive makes FluidSynth share the loaded samples with the others
                stack.enter_context(_engine(soundfont, options, song))
            temps = [_temp_file(stack, target) for target, _ in jobs]
            for n, ((target, tracks), tmp) in enumerate(zip(jobs, temps)):
                step = _offset_progress(progress, n * total, len(jobs) * total)
                with _engine(soundfont, options, song) as engine:
                    audio = _render(engine, build_events(song, tracks), total, step, cancel)
                clipped = _write_checked(tmp, target, audio, options.sample_rate, options.bits)
                if tracks is None:
                    mix = RenderResult(target, len(audio), options.sample_rate, options.bits, _peak(audio), clipped)
                del audio
    except BaseException as exc:
        _remove_folders(created)
        if isinstance(exc, OSError):  # renaming the finished files over their targets failed
            where = f"stems to {stems_folder}" if stems_folder is not None else str(mix_path)
            raise MusicFileError(f"cannot write {where}: {_reason(exc)}") from exc
        raise
    return RenderedFiles(mix, stems)


def stem_paths(song: Song, folder: str | os.PathLike, basename: str | None = None) -> list[Path]:
    """``<song>_<NN>_<track>.wav`` per track, NN counting from 01, names safe on every OS."""
    base = safe_filename(basename if basename is not None else song.title, "song")
    width = max(2, len(str(len(song.tracks))))
    return [
        Path(folder) / f"{base}_{k + 1:0{width}d}_{safe_filename(t.name, 'track')}.wav"
        for k, t in enumerate(song.tracks)
    ]


def safe_filename(text: str, fallback: str) -> str:
    """Letters, digits, ``-``, ``.`` and ``_`` only; no leading dots; at most 60 characters."""
    name = re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("._")[:60].rstrip("._")
    return name or fallback


# ---- internals ------------------------------------------------------------------------
def _engine(soundfont: Path, options: RenderOptions, song: Song) -> FluidEngine:
    channels = max(assign_channels(song.tracks), default=0) + 1
    return FluidEngine(
        soundfont, sample_rate=options.sample_rate, gain=options.gain, effects=options.effects,
        polyphony=options.polyphony, channels=channels, threadsafe=False,
    )


def _render(engine: FluidEngine, events: np.ndarray, total: int,
            progress: Progress | None, cancel: threading.Event | None) -> np.ndarray:
    out = np.empty((total, 2), dtype=np.float32)
    cursor = EventCursor(engine, events)
    for start in range(0, total, RENDER_BLOCK):
        if cancel is not None and cancel.is_set():
            raise Cancelled("render cancelled")
        stop = min(start + RENDER_BLOCK, total)
        cursor.render(out[start:stop], start)
        if progress is not None:
            progress(stop, total)
    return out


def _temp_file(stack: ExitStack, target: Path) -> Path:
    """A temp file beside ``target`` that replaces it when ``stack`` closes without an error."""
    try:
        return stack.enter_context(atomic_path(target))
    except OSError as exc:
        raise MusicFileError(f"cannot write {target}: {_reason(exc)}") from exc


@contextmanager
def _wav_target(path: str | os.PathLike) -> Iterator[Path]:
    """``atomic_path`` with OS errors (disk full, target is a folder, ...) in user words."""
    try:
        with atomic_path(path) as tmp:
            yield tmp
    except OSError as exc:
        raise MusicFileError(f"cannot write {path}: {_reason(exc)}") from exc


def _write_checked(tmp: Path, target: str | os.PathLike, audio: np.ndarray, sample_rate: int, bits: int) -> int:
    try:
        return _write_wav_file(tmp, audio, sample_rate, bits)
    except (OSError, RuntimeError) as exc:  # soundfile raises LibsndfileError (a RuntimeError)
        raise MusicFileError(f"cannot write {target}: {_reason(exc)}") from exc


def _write_wav_file(path: Path, audio: np.ndarray, sample_rate: int, bits: int) -> int:
    audio = np.asarray(audio, dtype=np.float32)
    clipped = 0
    if bits != 32 and _peak(audio) > 1.0:
        # libsndfile would wrap out-of-range floats around; clip them instead, and say how many.
        clipped = int(np.count_nonzero(np.abs(audio) > 1.0))
        audio = np.clip(audio, -1.0, 1.0)
    sf.write(str(path), audio, sample_rate, subtype=SUBTYPES[bits], format="WAV")
    return clipped


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _peak(audio: np.ndarray) -> float:
    return float(max(audio.max(), -audio.min())) if audio.size else 0.0


def _offset_progress(progress: Progress | None, offset: int, total: int) -> Progress | None:
    if progress is None:
        return None
    return lambda done, _total: progress(offset + done, total)


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` and missing parents; return the ones created, deepest first."""
    if folder.exists():
        if not folder.is_dir():
            raise MusicFileError(f"cannot write stems: {folder} is not a folder")
        return []
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise MusicFileError(f"cannot create folder {folder}: {_reason(exc)}") from exc
    return created


def _remove_folders(created: list[Path]) -> None:
    for folder in created:
        try:
            folder.rmdir()
        except OSError:
            return
