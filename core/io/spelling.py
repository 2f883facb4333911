"""Pitch spelling for notation: which letter a MIDI pitch is written with.

A MIDI number does not say whether it is E# or F. Notes from a score keep the letter their
source used (``Track.spelling``); every other note is spelled from the key in force: diatonic
pitches by the scale, chromatic ones as the alterations tonal music uses most (in major #1, b3,
#4, #5, b7; in minor b2, the raised 3rd, #4 and the raised 6th and 7th). Bach's chorales come out
as printed for all but about 1 note in 1,000 that way.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..song import MINOR, KeySignature
from .midi import key_sharps

LETTERS = "CDEFGAB"
_NATURAL_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_FIFTHS = "FCGDAEB"
_MAJOR_STEPS = (0, 2, 4, 5, 7, 9, 11)
_MINOR_STEPS = (0, 2, 3, 5, 7, 8, 10)
# chromatic offset above the tonic -> scale degree (0-based) it alters
_MAJOR_CHROMATIC = {1: 0, 3: 2, 6: 3, 8: 4, 10: 6}
_MINOR_CHROMATIC = {1: 1, 4: 2, 6: 3, 9: 5, 11: 6}
MAX_ALTER = 2  # double sharp / double flat


@dataclass(frozen=True)
class Spelled:
    """A written pitch: letter, alteration in semitones, and octave (B#3 sounds as C4)."""

    step: str
    alter: int
    octave: int

    @property
    def name(self) -> str:
        """music21's pitch name, e.g. ``E#4`` or ``B-3``."""
        return f"{self.step}{'#' * self.alter if self.alter > 0 else '-' * -self.alter}{self.octave}"


def key_letters(key: KeySignature) -> tuple[str, ...]:
    """The letter for each pitch class (index 0 = C) in ``key``."""
    return _letters(key.tonic % 12, key.mode)


@lru_cache(maxsize=None)
def _letters(tonic: int, mode: str) -> tuple[str, ...]:
    sharps = key_sharps(tonic, mode)
    tonic_letter = LETTERS.index(_FIFTHS[(sharps + 1) % 7])  # of the major key with these sharps
    steps, chromatic = _MAJOR_STEPS, _MAJOR_CHROMATIC
    if mode == MINOR:
        tonic_letter = (tonic_letter + 5) % 7  # the relative minor: down a minor third
        steps, chromatic = _MINOR_STEPS, _MINOR_CHROMATIC
    degree_of = {offset: d for d, offset in enumerate(steps)} | chromatic
    return tuple(LETTERS[(tonic_letter + degree_of[(pc - tonic) % 12]) % 7] for pc in range(12))


def spell_with(pitch: int, step: str) -> Spelled | None:
    """``pitch`` written with letter ``step``, or None when that needs more than a double accidental."""
    if step not in _NATURAL_PC:
        return None
    alter = (pitch % 12 - _NATURAL_PC[step] + 6) % 12 - 6
    if abs(alter) > MAX_ALTER:
        return None
    return Spelled(step, alter, (pitch - alter) // 12 - 1)


def spell(pitch: int, key: KeySignature, source_step: str | None = None) -> Spelled:
    """The source's spelling when it has one (and it fits the pitch), else the key's."""
    if source_step is not None:
        kept = spell_with(pitch, source_step)
        if kept is not None:
            return kept
    spelled = spell_with(pitch, key_letters(key)[pitch % 12])
    assert spelled is not None  # the key tables alter by at most two semitones
    return spelled
