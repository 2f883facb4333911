"""The drum kit as the drum models and the drum lane see it: nine canonical pieces.

GrooVAE's reduction: every General MIDI percussion key belongs to one of nine pieces (kick,
snare, closed hi-hat, open hi-hat, low/mid/high tom, crash, ride). The Groove MIDI Dataset's
Roland kit writes its rims, edges and bell on other keys (40 snare rim, 58 floor-tom rim, 22/26
hi-hat edges, 55/52 crash edges, 59 ride edge, 53 ride bell); they join their piece here. A key
in no piece (cowbell, shakers, …) is dropped by the models and shown as "other" in the lane.
"""
from __future__ import annotations

from dataclasses import dataclass

from .channels import DRUM_CHANNEL  # noqa: F401  (the drum models and lane use it from here too)


@dataclass(frozen=True)
class DrumPiece:
    name: str           # what the lane shows
    short: str          # a column name in tables and the CLI
    pitch: int          # the GM key a model writes for it
    keys: tuple[int, ...]  # every key that plays it (``pitch`` first)


KIT: tuple[DrumPiece, ...] = (
    DrumPiece("Kick", "kick", 36, (36, 35)),
    DrumPiece("Snare", "snare", 38, (38, 37, 39, 40, 27, 28, 31, 32, 33, 34, 56, 65, 66, 75, 85)),
    DrumPiece("Closed HH", "hh_closed", 42, (42, 22, 44, 54, 68, 69, 70, 71, 73, 78, 80)),
    DrumPiece("Open HH", "hh_open", 46, (46, 26, 67, 72, 74, 79, 81)),
    DrumPiece("Low Tom", "tom_low", 45, (45, 41, 43, 58, 29, 61, 64, 84)),
    DrumPiece("Mid Tom", "tom_mid", 48, (48, 47, 60, 63, 77, 86, 87)),
    DrumPiece("High Tom", "tom_high", 50, (50, 30, 62, 76, 83)),
    DrumPiece("Crash", "crash", 49, (49, 52, 55, 57)),
    DrumPiece("Ride", "ride", 51, (51, 53, 59, 82)),
)
NUM_PIECES = len(KIT)

_PIECE_OF_KEY: dict[int, int] = {k: i for i, piece in enumerate(KIT) for k in piece.keys}


def piece_of(pitch: int) -> int | None:
    """Index in ``KIT`` of the piece a GM percussion key plays, or None for a key in no piece."""
    return _PIECE_OF_KEY.get(int(pitch))


def piece_pitches() -> tuple[int, ...]:
    """The key each piece is written with, in ``KIT`` order."""
    return tuple(p.pitch for p in KIT)
