"""Bars, beats and the snap grid: where bar lines go, which bar a tick is in, where a dragged note lands.

Grids count from each bar's start, so triplet grids stay on bar lines in any meter.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

from .song import PPQ, Song


@dataclass(frozen=True)
class Bar:
    number: int  # 0-based
    start: int
    length: int
    numerator: int
    denominator: int

    @property
    def beat_ticks(self) -> int:
        return PPQ * 4 // self.denominator


def iter_bars(song: Song, t0: float, t1: float) -> Iterator[Bar]:
    """Bars overlapping [t0, t1), walking the time-signature map like ``Song.bar_start``."""
    sigs = song.time_signatures
    bar_no = 0
    for i, ts in enumerate(sigs):
        nxt = sigs[i + 1].tick if i + 1 < len(sigs) else None
        bt = ts.bar_ticks
        seg_bars = -(-(nxt - ts.tick) // bt) if nxt is not None else None
        k = max(0, int((t0 - ts.tick) // bt)) if t0 > ts.tick else 0
        if seg_bars is not None:
            k = min(k, seg_bars)
        while seg_bars is None or k < seg_bars:
            start = ts.tick + k * bt
            if start >= t1:
                return
            end = start + bt if nxt is None else min(start + bt, nxt)
            if end > t0:
                yield Bar(bar_no + k, start, end - start, ts.numerator, ts.denominator)
            k += 1
        bar_no += seg_bars


def bar_at(song: Song, tick: float) -> Bar:
    for bar in iter_bars(song, tick, tick + 1):
        return bar
    ts = song.time_signatures[0]
    return Bar(0, 0, ts.bar_ticks, ts.numerator, ts.denominator)


def snap_tick(song: Song, tick: float, grid: int, mode: str = "round") -> int:
    """Snap to the grid counted from the bar containing ``tick``; mode round/floor/ceil."""
    bar = bar_at(song, max(tick, 0))
    rel = (tick - bar.start) / grid
    steps = {"round": math.floor(rel + 0.5), "floor": math.floor(rel), "ceil": math.ceil(rel)}[mode]
    return max(0, int(bar.start + steps * grid))


def beat_label(song: Song, tick: int) -> str:
    """'bar.beat.tick', 1-based bar and beat, as DAW position displays show it."""
    bar = bar_at(song, tick)
    rel = tick - bar.start
    return f"{bar.number + 1}.{rel // bar.beat_ticks + 1}.{rel % bar.beat_ticks:03d}"
