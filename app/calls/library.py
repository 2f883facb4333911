"""What the music library asks of a model: its clips' latents, and "More like this" from a
library clip, a melody (the roll's selection) or a point on the explorer's map. Runs in a
worker; ``svc`` is the VAE service (or its stand-in that forwards to the model process). No Qt.

A clip's latent is the VAE's reading of its first 2 bars, from the bar line before its first
note, as the explorer encodes a clip (``project_clips``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from latentroll.core.bars import bar_at
from latentroll.core.io.errors import MusicFileError, one_line
from latentroll.core.library import LibraryEntry, LibraryError, MusicLibrary
from latentroll.core.song import Song, Track
from latentroll.models.common.errors import MelodyError

from ..runtime.models import ModelUnavailable

LATENT_MODEL = "vae"  # the registry key whose latents "More like this" compares
ENCODE_BATCH = 32  # clips per model call: progress and cancel between calls


@dataclass(frozen=True)
class SimilarRequest:
    """One of ``file`` (a library clip), ``track`` (a melody, from bar 1) or ``point`` (on the map)."""

    file: str | None = None
    track: Track | None = None
    point: tuple[float, float] | None = None
    k: int = 10
    style: str | None = None
    key: str | None = None
    tags: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.file is not None:
            return f"“{self.file}”"
        if self.track is not None:
            return f"“{self.track.name}”"
        return "the map point" if self.point is None else f"the map point ({self.point[0]:+.1f}, {self.point[1]:+.1f})"


@dataclass(frozen=True)
class SimilarResult:
    request: SimilarRequest
    hits: list[tuple[LibraryEntry, float]]
    missing: int  # library clips with no latent yet (not compared; not those the model cannot read)


@dataclass
class LatentReport:
    encoded: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # file, why (no melody in its first 2 bars…)


def song_melody(song: Song) -> Track | None:
    """The first pitched voice with notes, moved so the bar line before its first note is tick 0."""
    for t in song.tracks:
        if len(t.notes) and not t.is_drum:
            clip = t.copy()
            clip.notes["start"] -= bar_at(song, int(t.notes["start"].min())).start
            return clip
    return None


def _encode_files(svc, library: MusicLibrary, files: list[str], report: LatentReport,
                  model: str = LATENT_MODEL) -> dict[str, np.ndarray]:
    """Latents of library files (a batch in one model call; one at a time when one fails). A
    file the model cannot encode is reported and marked, so that the background job leaves it
    alone until the file changes."""
    tracks: dict[str, Track] = {}
    for f in files:
        try:
            melody = song_melody(library.load(f))
        except LibraryError as exc:  # the file went away meanwhile
            report.skipped.append((f, one_line(exc, 80)))
            continue
        except MusicFileError as exc:
            _cannot_encode(library, model, f, one_line(exc, 80), report)
            continue
        if melody is None:
            _cannot_encode(library, model, f, "no pitched notes", report)
        else:
            tracks[f] = melody
    if not tracks:
        return {}
    try:
        return dict(zip(tracks, svc.encode(list(tracks.values()))))
    except ModelUnavailable:  # the model, not the clips: nothing is marked
        raise
    except MelodyError:
        out = {}
        for f, t in tracks.items():
            try:
                out[f] = svc.encode([t])[0]
            except ModelUnavailable:
                raise
            except MelodyError as exc:
                _cannot_encode(library, model, f, one_line(exc, 80), report)
        return out


def _cannot_encode(library: MusicLibrary, model: str, file: str, why: str, report: LatentReport) -> None:
    report.skipped.append((file, why))
    library.skip_latent(file, model, why)


def encode_latents(svc, library: MusicLibrary, files: list[str], model: str = LATENT_MODEL,
                   progress=None) -> LatentReport:
    """Compute and store the latents of ``files``, a batch per model call; each batch is stored
    as it is done, so a cancel keeps what was computed."""
    report = LatentReport()
    for start in range(0, len(files), ENCODE_BATCH):
        if progress is not None:
            progress(start, len(files))
        for f, z in _encode_files(svc, library, files[start:start + ENCODE_BATCH], report, model).items():
            try:
                library.set_latent(f, model, z)
                report.encoded += 1
            except LibraryError as exc:  # deleted meanwhile
                report.skipped.append((f, one_line(exc, 80)))
    if progress is not None:
        progress(len(files), len(files))
    return report


def encode_missing_latents(svc, library: MusicLibrary, model: str = LATENT_MODEL, progress=None) -> LatentReport:
    """Compute and store the latent of every library clip that has none yet for ``model``, but
    those it could not encode before (until their file changes)."""
    return encode_latents(svc, library, library.latents_to_compute(model), model, progress)


def query_latent(svc, library: MusicLibrary, req: SimilarRequest, model: str = LATENT_MODEL) -> np.ndarray | str:
    """What ``library.similar`` takes for the request: a file with a stored latent is its name
    (so it is left out of the answer); else the latent, computed now (and stored, for a file)."""
    if req.file is not None:
        if library.latent(req.file, model) is not None:
            return req.file
        report = LatentReport()
        z = _encode_files(svc, library, [req.file], report, model).get(req.file)
        if z is None:
            raise MelodyError(f"“{req.file}” cannot be compared: {report.skipped[0][1] if report.skipped else 'no melody'}")
        library.set_latent(req.file, model, z)
        return req.file
    if req.track is not None:
        return svc.encode([req.track])[0]
    if req.point is not None:
        return svc.latent_at(np.asarray(req.point, dtype=np.float64))
    raise ValueError("a similar request needs a file, a track or a point")


def similar_clips(svc, library: MusicLibrary, req: SimilarRequest, model: str = LATENT_MODEL,
                  progress=None) -> SimilarResult:
    """The library clips nearest the request, best first, with their cosine similarity."""
    query = query_latent(svc, library, req, model)
    hits = library.similar(query, model, k=req.k, style=req.style, key=req.key, tags=req.tags)
    return SimilarResult(req, hits, len(library.latents_to_compute(model)))


def similar_stored(library: MusicLibrary, req: SimilarRequest, model: str = LATENT_MODEL) -> SimilarResult | None:
    """The same without a model, when the request is a library clip whose latent is stored
    (None otherwise: then ``similar_clips`` must encode it)."""
    if req.file is None or library.latent(req.file, model) is None:
        return None
    hits = library.similar(req.file, model, k=req.k, style=req.style, key=req.key, tags=req.tags)
    return SimilarResult(req, hits, len(library.latents_to_compute(model)))
