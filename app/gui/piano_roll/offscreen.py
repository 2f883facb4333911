"""Marks at the roll's top and bottom edges for notes above or below the visible pitch range.

A harmonized bass an octave under the melody, or a flute part above it, sounds but cannot be
seen; a pill ("▼ 12 notes below") says so, and a click scrolls to them. The roll paints every
frame, so the counting is cached: the notes the roll paints (the current track, plus the other
tracks when ghost notes are on) are gathered once per song change into three flat arrays, and
the counts are kept per visible rectangle; a repaint with nothing changed costs a tuple compare.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter

from latentroll.core.song import Song

from ..theme import ROLL
from .mapping import Mapping

ABOVE, BELOW = "above", "below"
MARGIN_PX = 3   # between a pill and the roll's edge
PAD_PX = 8      # the pill's text inset


@dataclass(frozen=True)
class Hidden:
    """Notes of the visible time span that lie out of sight in one direction."""

    direction: str  # ABOVE or BELOW
    count: int
    low: int        # their lowest pitch
    high: int       # their highest pitch

    @property
    def text(self) -> str:
        arrow = "▲" if self.direction == ABOVE else "▼"
        return f"{arrow} {self.count} note{'s' * (self.count != 1)} {self.direction}"


@dataclass(frozen=True)
class Mark:
    hidden: Hidden
    rect: QRectF  # viewport pixels


class OffscreenNotes:
    """Counts the painted notes outside the visible rows; ``invalidate`` on any song, track or
    ghost-notes change."""

    def __init__(self) -> None:
        self._notes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # start, end, pitch
        self._key: tuple | None = None
        self._hidden: tuple[Hidden, ...] = ()

    def invalidate(self) -> None:
        self._notes = None
        self._key = None

    def _gather(self, song: Song, current: int, ghosts: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._notes is None:
            tracks = [t for i, t in enumerate(song.tracks) if (ghosts or i == current) and len(t.notes)]
            if tracks:
                notes = np.concatenate([t.notes for t in tracks])
                start = notes["start"].astype(np.int64)
                self._notes = (start, start + notes["duration"], notes["pitch"].astype(np.int64))
            else:
                empty = np.zeros(0, dtype=np.int64)
                self._notes = (empty, empty, empty)
        return self._notes

    def hidden(self, song: Song, current: int, ghosts: bool, m: Mapping, width: int, height: int) -> tuple[Hidden, ...]:
        """The notes sounding between the viewport's left and right edges whose rows lie wholly
        above its top or below its bottom, one ``Hidden`` per direction that has any."""
        t0, t1 = m.tick(0), m.tick(width)
        top, bottom = m.pitch_at(0), m.pitch_at(max(height - 1, 0))
        key = (t0, t1, top, bottom)
        if key == self._key:
            return self._hidden
        start, end, pitch = self._gather(song, current, ghosts)
        sounding = (start < t1) & (end > t0)
        out = []
        for direction, mask in ((ABOVE, sounding & (pitch > top)), (BELOW, sounding & (pitch < bottom))):
            if mask.any():
                p = pitch[mask]
                out.append(Hidden(direction, int(mask.sum()), int(p.min()), int(p.max())))
        self._key, self._hidden = key, tuple(out)
        return self._hidden


def marks(hidden: tuple[Hidden, ...], metrics: QFontMetrics, width: int, height: int) -> list[Mark]:
    """Where each pill goes: centred at the top edge (above) or the bottom edge (below)."""
    out = []
    h = metrics.height() + 4
    for hid in hidden:
        w = metrics.horizontalAdvance(hid.text) + 2 * PAD_PX
        y = MARGIN_PX if hid.direction == ABOVE else height - h - MARGIN_PX
        out.append(Mark(hid, QRectF((width - w) / 2, y, w, h)))
    return out


def paint_marks(painter: QPainter, found: list[Mark]) -> None:
    """Device-pixel painting (the painter's transform reset): a pill and its text per mark."""
    for mark in found:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ROLL.offscreen_mark)
        painter.drawRoundedRect(mark.rect, mark.rect.height() / 2, mark.rect.height() / 2)
        painter.setPen(ROLL.offscreen_text)
        painter.drawText(mark.rect, Qt.AlignmentFlag.AlignCenter, mark.hidden.text)


def scroll_target(hidden: Hidden, visible_rows: float) -> float:
    """The pitch to centre the view on to show ``hidden``: their middle when they fit, else the
    part nearest the current view (the highest of those below, the lowest of those above)."""
    span = hidden.high - hidden.low + 1
    if span <= visible_rows - 2:
        return (hidden.low + hidden.high) / 2
    half = visible_rows / 2 - 1
    return hidden.high - half if hidden.direction == BELOW else hidden.low + half
