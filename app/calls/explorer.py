"""What the explorer asks of a model. Runs in a worker; ``svc`` is the service (or its stand-in
that forwards to the model process). No Qt."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.chords import ChordEvent
from latentroll.core.song import Track
from latentroll.core.theory import Scale
from latentroll.models.common.errors import MelodyError

from .batching import chord_kwargs
from .phrases import DEFAULT_PHRASE_BARS


@dataclass(frozen=True)
class InterpolateRequest:
    a: Track
    b: Track
    steps: int = 5
    method: str = "slerp"
    temperature: float = 0.0
    scale: Scale | None = None
    seed: int = 0
    near_real: bool = True  # pull the in-between clips toward real tunes (the service's default pull)
    bars: int | None = None  # read A and B as this many bars (``phrases.route_phrase``); None: one model clip
    chords: tuple[ChordEvent, ...] = ()  # follow these (ticks from the clips' start); empty: no chords


@dataclass(frozen=True)
class GridRequest:
    corners: tuple[Track, Track, Track, Track]  # top-left, top-right, bottom-left, bottom-right
    n: int = 5
    temperature: float = 0.0
    scale: Scale | None = None
    bars: int | None = None  # as in InterpolateRequest
    chords: tuple[ChordEvent, ...] = ()  # as in InterpolateRequest


@dataclass(frozen=True)
class PointsRequest:
    points: np.ndarray  # (k, 2) positions on the 2-D map
    temperature: float = 0.0
    scale: Scale | None = None
    seed: int = 0


def interpolate_clips(svc, req: InterpolateRequest, progress=None) -> list[Track]:
    extra = (({} if req.near_real else {"pull": 0.0}) | ({} if req.bars is None else {"bars": req.bars})
             | chord_kwargs(req.chords))
    out = svc.interpolate(req.a, req.b, steps=req.steps, method=req.method, temperature=req.temperature,
                          scale=req.scale, seed=req.seed, **extra)
    for i, t in enumerate(out):
        t.name = "A" if i == 0 else "B" if i == len(out) - 1 else f"Step {i}"
    return out


def grid_clips(svc, req: GridRequest, progress=None) -> list[list[Track]]:
    extra = ({} if req.bars is None else {"bars": req.bars}) | chord_kwargs(req.chords)
    rows = svc.grid(list(req.corners), n=req.n, temperature=req.temperature, scale=req.scale, **extra)
    for r, row in enumerate(rows):
        for c, t in enumerate(row):
            t.name = f"Cell {r + 1}·{c + 1}"
    return rows


def sample_clips(svc, count: int, temperature: float, scale: Scale | None, seed: int, progress=None,
                 bars: int = DEFAULT_PHRASE_BARS) -> list[Track]:
    """New clips to start from (random ends, random corners): ``bars`` long, the panels' default."""
    return svc.generate(count, temperature=max(temperature, 0.5), bars=bars, scale=scale, seed=seed)


def decode_points(svc, req: PointsRequest, progress=None) -> list[Track]:
    """Melodies near points of the map: the latent under each point, decoded."""
    pts = np.atleast_2d(np.asarray(req.points, dtype=np.float64))
    latents = []
    for i, p in enumerate(pts):
        if progress is not None:
            progress(i, len(pts) + 1)
        latents.append(svc.latent_at(p))
    out = svc.decode(np.stack(latents), temperature=req.temperature, scale=req.scale, seed=req.seed, name="Map")
    for t, p in zip(out, pts):
        t.name = f"Map ({p[0]:+.1f}, {p[1]:+.1f})"
    return out


def project_clips(svc, tracks: list[Track], progress=None) -> np.ndarray:
    """(n, 2) map positions of ``tracks``; NaN for a clip the model cannot read (drums, silence)."""
    out = np.full((len(tracks), 2), np.nan)
    for i, t in enumerate(tracks):
        if progress is not None:
            progress(i, len(tracks))
        try:
            out[i] = svc.project_2d(svc.encode([t]))[0]
        except MelodyError:
            continue
    return out


def region_points(x0: float, x1: float, y0: float, y1: float, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(x0, x1, count), rng.uniform(y0, y1, count)])
