"""What the Generate panel asks of a model. Runs in a worker; ``svc`` is the service (or its
stand-in that forwards to the model process). No Qt."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from latentroll.core.chords import ChordEvent
from latentroll.core.song import Track
from latentroll.core.theory import Scale

from .batching import chord_kwargs, one_by_one, one_call
from .phrases import PHRASE_KEYS, PHRASE_MODELS, model_for

STRUCTURE_MODEL = "structure"   # the 16-bar phrase-structure model over the 2-bar VAE (models/structure)
STRUCTURE_BARS = range(8, 17)   # melody VAE requests of these lengths get repeats and form from it
WITH_STRUCTURE = "with phrase structure"  # said in the candidates' model label


@dataclass(frozen=True)
class GenerateRequest:
    style: str | None          # None: no style label ("any")
    temperature: float = 1.0
    variations: int = 8
    bars: int = 4
    scale: Scale | None = None
    seed: int = 0
    chords: tuple[ChordEvent, ...] = ()  # "Follow chords": ticks from the clip's start


@dataclass(frozen=True)
class TransferRequest:
    track: Track               # the selected notes, at their place in the song
    style: str
    temperature: float = 0.0
    scale: Scale | None = None
    seed: int = 0
    chords: tuple[ChordEvent, ...] = ()  # "Follow chords": the song's chord track (song ticks, as the notes)


def generate_model(key: str, bars: int, style: str | None = None,
                   models: Sequence[tuple[str, int]] = PHRASE_MODELS) -> str:
    """The model a Generate request of ``bars`` bars in ``style`` runs on: a melody VAE request of
    8-16 bars goes to the phrase-structure model (the 2-bar VAE's segments, some of them repeats of
    earlier ones; chosen over chained 4-bar clips by measurement, docs/models.md); other lengths go
    where ``model_for`` routes them (among ``models``); other models run as asked."""
    routed = model_for(key, bars, style, models)
    return STRUCTURE_MODEL if routed in PHRASE_KEYS and bars in STRUCTURE_BARS else routed


def generate_candidates(svc, req: GenerateRequest, progress=None) -> list[Track]:
    label = req.style or "any style"
    follow = chord_kwargs(req.chords)

    def one(i: int) -> Track:
        track = svc.generate(1, style=req.style, temperature=req.temperature, bars=req.bars,
                             scale=req.scale, seed=req.seed + i, **follow)[0]
        track.name = f"{label} {i + 1}"
        return track

    return one_by_one(req.variations, one, progress)


def transfer_selection(svc, req: TransferRequest, progress=None) -> Track:
    return one_call(lambda: svc.transfer(req.track, req.style, temperature=req.temperature, scale=req.scale,
                                         seed=req.seed, **chord_kwargs(req.chords)), progress)
