"""Follow a chord track while decoding a melody: which events each 16th step may take.

The melody models decode one class per 16th step: two non-pitch classes (hold/rest, note-off or
rest/hold) and then one class per pitch from a lowest pitch. ``ChordFollow`` turns a chord track
into a per-step mask over those classes: on a strong beat (the downbeat, and the middle beat of a
bar with an even count of beats) a new note must be a tone of the chord sounding there. The
``strength`` is the share of strong-beat steps that get the rule (drawn per sample and step with
the call's seed): 1 makes every strong-beat note a chord tone, and the default keeps the share near
what the lead sheets themselves do (``latentroll eval chords`` measures both), since real melodies
lean on chord tones without only playing them. Steps with no chord (before the first, or N.C.)
are free. The same definition of "strong" scores a melody (``chord_tone_ratio``).

Chord ticks are relative to where the decoded clip starts (``start_ticks`` per clip).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.chords import ChordEvent, chord_at
from latentroll.core.song import PPQ

STEP_TICKS = PPQ // 4
DEFAULT_STRENGTH = 0.7
SPECIAL_CLASSES = 2      # hold/rest and note-off/hold: always allowed


@dataclass(frozen=True)
class ChordFollow:
    """A chord track to follow and how firmly (see the module docstring)."""

    chords: tuple[ChordEvent, ...]
    strength: float = DEFAULT_STRENGTH

    @classmethod
    def of(cls, chords: list[ChordEvent] | None, strength: float = DEFAULT_STRENGTH) -> "ChordFollow | None":
        if not chords:
            return None
        if not 0.0 <= strength <= 1.0:
            raise ValueError(f"chord-following strength must be between 0 and 1, not {strength}")
        return cls(tuple(sorted(chords, key=lambda c: c.tick)), strength)

    def shifted(self, ticks: int) -> "ChordFollow":
        """The same chords seen from a clip that starts ``ticks`` later (a chord sounding at the
        clip's start moves to tick 0)."""
        out: list[ChordEvent] = []
        for c in self.chords:
            t = c.tick - ticks
            if t <= 0:
                out = [ChordEvent(0, c.symbol)]
            else:
                out.append(ChordEvent(t, c.symbol))
        return ChordFollow(tuple(out), self.strength)


def strong_step(step_tick: int, meter: tuple[int, int] = (4, 4)) -> bool:
    """Whether a tick (counted from a bar line) is a strong beat of ``meter``."""
    from latentroll.core.chord_detect import beat_length

    num, den = meter
    bar = num * PPQ * 4 // den
    beat = beat_length(num, den)
    pos = step_tick % bar
    if pos == 0:
        return True
    beats = max(1, bar // beat)
    return beats % 2 == 0 and beats >= 2 and pos == (beats // 2) * beat


def step_pitch_classes(follow: ChordFollow, start_tick: int, steps: int,
                       meter: tuple[int, int] = (4, 4)) -> np.ndarray:
    """(steps, 12) bool: the pitch classes a note starting on each step may have (all where the
    step is weak or has no chord)."""
    out = np.ones((steps, 12), bool)
    for s in range(steps):
        t = start_tick + s * STEP_TICKS
        if not strong_step(t, meter):
            continue
        sym = chord_at(list(follow.chords), t)
        if sym is None or sym.root is None:
            continue
        row = np.zeros(12, bool)
        row[list(sym.pitch_classes())] = True
        out[s] = row
    return out


def class_mask(follow: ChordFollow, start_ticks: list[int] | np.ndarray, steps: int, low_pitch: int,
               pitches: int, meter: tuple[int, int] = (4, 4), seed: int | None = None,
               base: np.ndarray | None = None) -> np.ndarray:
    """(B, steps, 2 + pitches) bool: the classes each clip (starting at ``start_ticks[b]``, ticks on
    the chord track, a bar line) may take at each step; ``base`` (classes,) is ANDed in (a scale)."""
    rng = np.random.default_rng(seed)
    pcs_of_class = (np.arange(pitches) + low_pitch) % 12
    out = np.ones((len(start_ticks), steps, SPECIAL_CLASSES + pitches), bool)
    for b, t0 in enumerate(start_ticks):
        pcs = step_pitch_classes(follow, int(t0), steps, meter)
        apply = rng.random(steps) < follow.strength
        out[b, :, SPECIAL_CLASSES:] = np.where(apply[:, None], pcs[:, pcs_of_class], True)
    if base is not None:
        out &= np.asarray(base, bool)[None, None]
        # a strong step whose chord tones the scale rules out entirely falls back on the scale
        dead = ~out[:, :, SPECIAL_CLASSES:].any(-1)
        out[dead] = np.asarray(base, bool)
    return out


def chord_tone_ratio(notes: np.ndarray, chords: list[ChordEvent], meter: tuple[int, int] = (4, 4),
                     origin: int = 0) -> tuple[int, int]:
    """(chord tones, notes) among the notes starting on strong beats under a chord; ticks of
    ``notes`` and ``chords`` share an origin, bar lines fall at ``origin`` + k bars."""
    hits = total = 0
    for n in notes:
        t = int(n["start"])
        if t < origin or not strong_step(t - origin, meter):
            continue
        sym = chord_at(chords, t)
        if sym is None or sym.root is None:
            continue
        total += 1
        hits += int(n["pitch"]) % 12 in sym.pitch_classes()
    return hits, total


def step_slice(mask, t: int):
    """The mask for step ``t`` from a per-class (classes,), per-step (steps, classes) or per-clip
    (B, steps, classes) mask: what a decoding loop hands ``pick``."""
    if mask is None or mask.dim() == 1:
        return mask
    return mask[t] if mask.dim() == 2 else mask[:, t]
