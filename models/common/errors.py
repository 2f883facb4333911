"""The errors a model raises for its user: the message says what is wrong with the input (the
app shows it, the CLI prints it), so callers catch these and let every other exception through."""
from __future__ import annotations


class MelodyError(ValueError):
    """Input that cannot become a melody (no notes, drums...). The message is for users."""


class ChoraleError(MelodyError):
    """Input the chorale tools cannot use. The message is for users."""


class DrumError(MelodyError):
    """Input the drum models cannot use (a pitched track into Groove, a 3/4 clip...). For users."""


__all__ = ["MelodyError", "ChoraleError", "DrumError"]
