"""What the drum tools ask of the drum models: Generate (Drum VAE), Interpolate and the corner
grid (Beat Blender), Groove, Drumify and Continue (drums). Runs in a worker; ``svc`` is the
service (or its stand-in that forwards to the model process). No Qt.

Every result is a drum Track (``is_drum``, channel 10) that the panels offer as a candidate.
The VAE writes 4-bar clips; a longer Generate chains 4-bar samples end to end (each its own
sample: the VAE has no memory of the clip before), a shorter one keeps the first bars.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.channels import DRUM_CHANNEL
from latentroll.core.song import PPQ, Track

from .batching import one_by_one, one_call

CLIP_BARS = 4       # the Drum VAE's clip
MAX_BARS = 16       # what Generate offers


@dataclass(frozen=True)
class DrumGenerateRequest:
    style: str | None = None   # None: any style
    bars: int = 4              # 1..16
    variations: int = 4
    temperature: float = 1.0
    tempo: float = 120.0
    seed: int = 0


@dataclass(frozen=True)
class GrooveRequest:
    track: Track               # the drum hits to humanize, at their place in the song
    amount: float = 1.0
    style: str | None = None
    meter: tuple[int, int] = (4, 4)


@dataclass(frozen=True)
class DrumifyRequest:
    track: Track               # any rhythm: its onsets become a kit part
    variations: int = 3
    temperature: float = 1.0
    style: str | None = None
    meter: tuple[int, int] = (4, 4)
    seed: int = 0


@dataclass(frozen=True)
class DrumContinueRequest:
    track: Track               # the drum clip to continue, at its place in the song
    bars: int = 4
    variations: int = 4
    temperature: float = 1.0
    meter: tuple[int, int] = (4, 4)
    seed: int = 0


@dataclass(frozen=True)
class DrumInterpolateRequest:
    a: Track
    b: Track
    steps: int = 5
    temperature: float = 0.0


@dataclass(frozen=True)
class DrumGridRequest:
    corners: tuple[Track, Track, Track, Track]  # top-left, top-right, bottom-left, bottom-right
    n: int = 5
    temperature: float = 0.0


def as_drums(track: Track, name: str) -> Track:
    """A model's output as the app's drum track: named, on the GM drum channel."""
    track.name = name
    track.is_drum = True
    track.channel = DRUM_CHANNEL
    return track


def chain(clips: list[Track], bars: int, bar_ticks: int) -> Track:
    """4-bar clips end to end, cut to ``bars`` bars (a 6-bar part: a clip and half the next)."""
    parts = []
    for k, clip in enumerate(clips):
        notes = clip.notes.copy()
        notes["start"] += k * CLIP_BARS * bar_ticks
        parts.append(notes)
    notes = np.concatenate(parts) if parts else clips[0].notes[:0]
    notes = notes[notes["start"] < bars * bar_ticks]
    out = clips[0].copy()
    out.notes = np.sort(notes, order=["start", "pitch"])
    return out


def generate_drums(svc, req: DrumGenerateRequest, progress=None) -> list[Track]:
    """``variations`` drum parts of ``bars`` bars (4/4), each from ceil(bars / 4) VAE samples."""
    bars = int(min(max(req.bars, 1), MAX_BARS))
    per_part = -(-bars // CLIP_BARS)
    label = req.style or "Drums"

    def one(i: int) -> Track:
        clips = svc.sample(per_part, style=req.style, temperature=req.temperature, bars=CLIP_BARS,
                           seed=req.seed + 1000 * i, tempo=req.tempo)
        return as_drums(chain(list(clips), bars, 4 * PPQ), f"{label} {i + 1}")

    return one_by_one(req.variations, one, progress)


def groove_job(svc, req: GrooveRequest, progress=None) -> Track:
    """The same hits, performed: velocity and micro-timing from the Groove model."""
    out = one_by_one(1, lambda _i: svc.groove(req.track, amount=req.amount, style=req.style, meter=req.meter),
                     progress)[0]
    return as_drums(out, f"Groove {int(round(req.amount * 100))}%")


def drumify_job(svc, req: DrumifyRequest, progress=None) -> list[Track]:
    """Kit parts that follow the rhythm of the request's notes (a melody gives its onsets)."""
    out = one_call(lambda: svc.drumify(req.track, variations=req.variations, temperature=req.temperature,
                                       style=req.style, seed=req.seed, meter=req.meter), progress)
    return [as_drums(t, f"Drumify {i + 1}") for i, t in enumerate(out)]


def continue_drums_job(svc, req: DrumContinueRequest, progress=None) -> list[Track]:
    """Continuations of a drum clip; each Track holds only the new bars."""
    out = one_call(lambda: svc.continue_drums(req.track, bars=req.bars, variations=req.variations,
                                              temperature=req.temperature, seed=req.seed, meter=req.meter), progress)
    return [as_drums(t, f"Drums continued {i + 1}") for i, t in enumerate(out)]


def interpolate_drums(svc, req: DrumInterpolateRequest, progress=None) -> list[Track]:
    out = svc.interpolate(req.a, req.b, steps=req.steps, temperature=req.temperature)
    return [as_drums(t, "A" if i == 0 else "B" if i == len(out) - 1 else f"Step {i}") for i, t in enumerate(out)]


def drum_grid(svc, req: DrumGridRequest, progress=None) -> list[list[Track]]:
    rows = svc.grid(list(req.corners), n=req.n, temperature=req.temperature)
    return [[as_drums(t, f"Cell {r + 1}·{c + 1}") for c, t in enumerate(row)] for r, row in enumerate(rows)]


def sample_drum_clips(svc, count: int, temperature: float, seed: int, progress=None) -> list[Track]:
    """``count`` 4-bar drum clips in any style: the explorer's random ends and corners."""
    out = svc.sample(count, temperature=max(temperature, 0.5), bars=CLIP_BARS, seed=seed)
    return [as_drums(t, f"Drums {i + 1}") for i, t in enumerate(out)]
