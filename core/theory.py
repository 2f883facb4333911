"""Keys, scales and pitch helpers: the key/scale constraint every tool can apply to its output."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_NAME_TO_PC = {n.lower(): i for i, n in enumerate(NOTE_NAMES)}
_NAME_TO_PC.update({"db": 1, "d#": 3, "gb": 6, "g#": 8, "a#": 10, "cb": 11, "e#": 5, "fb": 4, "b#": 0})

SCALE_STEPS: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "pentatonic": (0, 2, 4, 7, 9),
    "minor_pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
    "chromatic": tuple(range(12)),
}


class ScaleError(ValueError):
    pass


def pitch_class(name: str) -> int:
    try:
        return _NAME_TO_PC[name.strip().lower()]
    except KeyError:
        raise ScaleError(f"unknown note name {name!r} (use C, C#, Db, ... B)") from None


def pitch_name(pitch: int) -> str:
    return f"{NOTE_NAMES[pitch % 12]}{pitch // 12 - 1}"


@dataclass(frozen=True)
class Scale:
    tonic: int = 0
    mode: str = "major"

    def __post_init__(self) -> None:
        if self.mode not in SCALE_STEPS:
            raise ScaleError(f"unknown scale {self.mode!r}; choose one of {', '.join(SCALE_STEPS)}")

    @classmethod
    def parse(cls, text: str) -> "Scale":
        """'C', 'A minor', 'F# dorian', 'Bb-major' → Scale."""
        parts = text.replace("-", " ").replace(":", " ").split()
        if not parts:
            raise ScaleError("empty key; write e.g. 'C major' or 'A minor'")
        mode = parts[1].lower() if len(parts) > 1 else "major"
        if parts[0].endswith("m") and len(parts) == 1 and parts[0].lower() not in _NAME_TO_PC:
            return cls(pitch_class(parts[0][:-1]), "minor")
        return cls(pitch_class(parts[0]), mode)

    @property
    def name(self) -> str:
        return f"{NOTE_NAMES[self.tonic]} {self.mode.replace('_', ' ')}"

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.tonic + s) % 12 for s in SCALE_STEPS[self.mode])

    def mask(self) -> np.ndarray:
        """12 booleans, True for pitch classes in the scale."""
        m = np.zeros(12, dtype=bool)
        m[list(self.pitch_classes)] = True
        return m

    def contains(self, pitches) -> np.ndarray:
        return self.mask()[np.asarray(pitches) % 12]

    def snap(self, pitches) -> np.ndarray:
        """Move each pitch to the nearest scale pitch (ties go down, like most DAWs)."""
        p = np.asarray(pitches, dtype=np.int64)
        mask = self.mask()
        out = p.copy()
        for delta in (1, 2, 3):  # scales here have gaps of at most 3 semitones
            off = ~mask[out % 12]
            if not off.any():
                break
            down = p - delta
            up = p + delta
            take_down = off & mask[down % 12]
            out[take_down] = down[take_down]
            off = ~mask[out % 12]
            take_up = off & mask[up % 12]
            out[take_up] = up[take_up]
        return out


def key_to_scale(tonic: int, mode: str) -> Scale:
    return Scale(tonic % 12, mode if mode in SCALE_STEPS else "major")


# Krumhansl–Kessler key profiles (probe-tone ratings), C major and C minor.
_MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def estimate_key(pitches: np.ndarray, durations: np.ndarray | None = None) -> tuple[int, str]:
    """(tonic pitch class, "major" | "minor") whose Krumhansl–Kessler profile best correlates with
    the duration-weighted pitch-class histogram: the key signature to write for generated music,
    so a DAW or this app does not read every file as C major. No notes → C major."""
    p = np.asarray(pitches, dtype=np.int64)
    if p.size == 0:
        return 0, "major"
    w = np.ones(p.size) if durations is None else np.maximum(np.asarray(durations, dtype=np.float64), 1.0)
    hist = np.bincount(p % 12, weights=w, minlength=12)
    if np.ptp(hist) == 0:
        return 0, "major"
    best, best_r = (0, "major"), -2.0
    for mode, profile in (("major", _MAJOR_PROFILE), ("minor", _MINOR_PROFILE)):
        for tonic in range(12):
            r = float(np.corrcoef(hist, np.roll(profile, tonic))[0, 1])
            if r > best_r:
                best, best_r = (tonic, mode), r
    return best
