"""What the Model Tools ask of their models. Runs in a worker; ``svc`` is the service (or its
stand-in that forwards to the model process). Candidates are sampled in one model call where the
model batches them (continue, harmonize, infill), with progress from inside the call where it
reports any. No Qt; requests and results are plain data."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.core.chords import ChordEvent
from latentroll.core.song import Track
from latentroll.core.theory import Scale

from .batching import chord_kwargs, one_by_one, one_call


@dataclass(frozen=True)
class ContinueRequest:
    track: Track                     # the notes to continue, at their place in the song
    bars: int = 4
    variations: int = 4
    temperature: float = 1.0
    style: str | None = None
    scale: Scale | None = None
    meter: tuple[int, int] = (4, 4)
    seed: int = 0
    chords: tuple[ChordEvent, ...] = ()  # "Follow chords": the song's chord track (song ticks)


@dataclass(frozen=True)
class RepairRequest:
    track: Track                     # the notes to repair, at their place in the song
    strength: float = 0.5
    meter: tuple[int, int] = (4, 4)


@dataclass(frozen=True)
class HarmonizeRequest:
    melody: Track                    # the soprano line, at its place in the song
    candidates: int = 3
    temperature: float = 0.8
    scale: Scale | None = None
    seed: int = 0
    voice_leading: bool = True       # polish parallel fifths/octaves away (False: the raw sample)
    chords: tuple[ChordEvent, ...] = ()  # "Follow chords": the lower voices keep to these (song ticks)


@dataclass(frozen=True)
class InfillRequest:
    voices: tuple[Track, ...]        # the four voice tracks of the song
    start: int                       # the region, in ticks
    end: int
    rewrite: tuple[int, ...]         # indices into ``voices`` of the ones to redraw
    candidates: int = 3
    temperature: float = 0.8
    scale: Scale | None = None
    seed: int = 0
    voice_leading: bool = True       # as in HarmonizeRequest
    chords: tuple[ChordEvent, ...] = ()  # as in HarmonizeRequest


def continue_job(svc, req: ContinueRequest, progress=None) -> list[Track]:
    """Continuations of the request's notes; each Track holds only the new notes. The variations
    are sampled as one batch in one model call (8 × 8 bars: 0.2-0.26 s, against 2.2 s one call
    per variation), so progress goes from 0 to done; 8 × 32 bars takes 0.65-0.8 s."""
    tracks = one_call(lambda: svc.continue_melody(req.track, req.bars, req.variations, req.temperature, req.style,
                                                  req.scale, req.seed, meter=req.meter, **chord_kwargs(req.chords)),
                      progress)
    for i, track in enumerate(tracks):
        track.name = f"Continuation {i + 1}"
    return tracks


def repair_job(svc, req: RepairRequest, progress=None) -> Track:
    return one_by_one(1, lambda _i: svc.repair(req.track, req.strength, meter=req.meter), progress)[0]


def harmonize_job(svc, req: HarmonizeRequest, progress=None) -> list[list[Track]]:
    """Per candidate, [alto, tenor, bass] under the melody. All candidates are sampled as one
    batch in one model call (one net pass per Gibbs sweep for all of them), so they are ready
    together; ``progress`` moves sweep by sweep, and a cancel stops the sweeps."""
    return svc.harmonize(req.melody, req.temperature, req.candidates, req.seed, req.scale,
                         progress=progress, voice_leading=req.voice_leading, **chord_kwargs(req.chords))


def infill_job(svc, req: InfillRequest, progress=None) -> list[list[Track]]:
    """Per candidate, the four voices with the region of ``rewrite`` redrawn (one batch, as above)."""
    return svc.infill(list(req.voices), req.start, req.end, list(req.rewrite), req.temperature, req.candidates,
                      req.seed, req.scale, progress=progress, voice_leading=req.voice_leading, **chord_kwargs(req.chords))

