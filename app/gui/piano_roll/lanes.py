"""What each row of the roll shows: one of 128 pitches, or one piece of a drum track's kit.

The roll, its keyboard column, its gestures and its background all ask the current track's
``Lanes`` which row a note sits on and which pitch a row writes, so the drum lane is the same
roll (one painted item, the same gestures and undo) with other rows: one per kit piece in
``core.drum_kit.KIT`` order, plus an "Other" row only when the track has keys in no piece.
A drum hit is drawn as a cell one 16th wide (``CELL_TICKS``) whatever its duration.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.drum_kit import KIT, NUM_PIECES, piece_of
from latentroll.core.song import PPQ, Track
from latentroll.core.theory import pitch_name

from .mapping import TOP_PITCH

CELL_TICKS = PPQ // 4  # a drum hit's cell: one 16th, the drum models' step
OTHER = "Other"

_ROW_OF_KEY = np.full(TOP_PITCH + 1, NUM_PIECES, dtype=np.int64)  # GM key → kit row (NUM_PIECES: other)
for _key in range(TOP_PITCH + 1):
    _piece = piece_of(_key)
    if _piece is not None:
        _ROW_OF_KEY[_key] = _piece


@dataclass(frozen=True)
class Lanes:
    """The rows of the roll for one track (see the module docstring)."""

    drum: bool = False
    other: bool = False  # drum lane only: the "Other" row is shown

    @property
    def count(self) -> int:
        return (NUM_PIECES + int(self.other)) if self.drum else TOP_PITCH + 1

    def rows_of(self, pitches) -> np.ndarray:
        """Row of each pitch (row 0 at the top)."""
        p = np.asarray(pitches, dtype=np.int64)
        return _ROW_OF_KEY[p] if self.drum else TOP_PITCH - p

    def ends(self, notes: np.ndarray) -> np.ndarray:
        """Where each note's painted (and clickable) shape ends: its end, or a drum cell's."""
        start = notes["start"].astype(np.int64)
        return start + (CELL_TICKS if self.drum else notes["duration"])

    def pitch_of(self, row: int) -> int | None:
        """The pitch a row writes (None: the drum lane's "Other" row or a row off the roll)."""
        if not self.drum:
            return int(min(max(TOP_PITCH - row, 0), TOP_PITCH))
        return KIT[row].pitch if 0 <= row < NUM_PIECES else None

    def label(self, row: int) -> str:
        if not self.drum:
            return pitch_name(TOP_PITCH - row)
        return KIT[row].name if 0 <= row < NUM_PIECES else OTHER

    def clamp_row(self, row: float) -> int:
        """The row under a scene y, kept on the roll."""
        return int(min(max(np.floor(row), 0), self.count - 1))


PITCH_LANES = Lanes()


def lanes_for(track: Track | None) -> Lanes:
    """The rows a track is shown on: a drum track gets the kit rows."""
    if track is None or not track.is_drum:
        return PITCH_LANES
    pitches = track.notes["pitch"]
    return Lanes(drum=True, other=bool(len(pitches)) and bool((_ROW_OF_KEY[pitches] == NUM_PIECES).any()))
