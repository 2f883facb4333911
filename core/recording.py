"""Turn a take played on a MIDI keyboard into notes: timestamped presses and releases → rows at
480 PPQ under the song's tempo map.

No Qt and no clock here: the caller stamps each message with the seconds since the take began
(``time.monotonic`` in the app, made-up times in tests). The take follows the transport: it
starts at ``start_tick`` and, when the loop is on and the take starts before the loop end, wraps
back to the loop start at the loop end exactly as playback does; every pass is recorded on top
of the others (loop overdub), and a note still held when the loop wraps is cut at the loop end.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

from .song import NOTE_DTYPE, Song, sort_notes
from .timing import quantize


@dataclass(frozen=True)
class KeyEvent:
    """A key press (velocity 1..127) or release (velocity 0, MIDI's own convention)."""

    time: float  # seconds since the take began
    pitch: int
    velocity: int

    @property
    def is_press(self) -> bool:
        return self.velocity > 0


def key_event(message: object, time: float) -> KeyEvent | None:
    """The press or release in a mido-style message (``type``, ``note``, ``velocity``);
    None for anything else (clock, control change, pitch bend...)."""
    kind = getattr(message, "type", None)
    if kind not in ("note_on", "note_off"):
        return None
    pitch = int(getattr(message, "note"))
    velocity = int(getattr(message, "velocity", 0)) if kind == "note_on" else 0
    return KeyEvent(float(time), pitch, max(0, min(velocity, 127)))


class TakeClock:
    """Seconds since the take began → (song tick, loop pass). Pass 0 is the first run from
    ``start_tick``; each wrap at the loop end starts the next pass at the loop start."""

    def __init__(self, song: Song, start_tick: int, loop: tuple[int, int] | None = None):
        self._song = Song(tempos=list(song.tempos))  # the tempo map as the take began
        self.start_tick = max(0, int(start_tick))
        self._start_s = self._song.tick_to_seconds(self.start_tick)
        self.loop = None
        if loop is not None and loop[1] > loop[0] and self.start_tick < loop[1]:
            self.loop = (int(loop[0]), int(loop[1]))
            self._loop_s = (self._song.tick_to_seconds(loop[0]), self._song.tick_to_seconds(loop[1]))

    def at(self, elapsed: float) -> tuple[int, int]:
        s = self._start_s + max(0.0, float(elapsed))
        if self.loop is not None and s >= self._loop_s[1]:
            a, b = self._loop_s
            passes, into = divmod(s - b, b - a)
            return self._song.seconds_to_tick(a + into), int(passes) + 1
        return self._song.seconds_to_tick(s), 0


class TakeRecorder:
    """Collects one take. ``feed`` every key event in time order; ``notes(now)`` is the take so
    far (held keys drawn up to ``now``) for live display; ``finish(end)`` closes the keys still
    held at ``end`` and returns the take's notes in time order.

    ``grid`` (ticks) quantizes note starts on record (the lengths are kept), as a DAW's input
    quantize does; None records as played.
    """

    def __init__(self, clock: TakeClock, grid: int | None = None):
        self.clock = clock
        self.grid = grid if grid and grid > 0 else None
        self._held: dict[int, tuple[int, int, int]] = {}  # pitch → (start tick, pass, velocity)
        self._rows: list[tuple[int, int, int, int]] = []  # (start, duration, pitch, velocity)

    def feed(self, event: KeyEvent) -> None:
        if not 0 <= event.pitch <= 127:
            return
        if event.pitch in self._held:  # a release, or a second press without a release between
            self._close(event.pitch, event.time)
        if event.is_press:
            tick, passes = self.clock.at(event.time)
            self._held[event.pitch] = (tick, passes, event.velocity)

    @property
    def held(self) -> list[int]:
        return sorted(self._held)

    def __len__(self) -> int:
        return len(self._rows)

    def notes(self, now: float | None = None) -> np.ndarray:
        rows = list(self._rows)
        if now is not None:
            rows += [self._row(p, now) for p in self._held]
        return self._array(rows)

    def finish(self, end_time: float) -> np.ndarray:
        for pitch in list(self._held):
            self._close(pitch, end_time)
        return self._array(self._rows)

    # ---- internals ---------------------------------------------------------------------
    def _row(self, pitch: int, time: float) -> tuple[int, int, int, int]:
        start, passes, velocity = self._held[pitch]
        end, end_pass = self.clock.at(time)
        if end_pass != passes:  # held across the loop wrap: the note ends at the loop end
            end = self.clock.loop[1]
        return start, max(1, end - start), pitch, velocity

    def _close(self, pitch: int, time: float) -> None:
        self._rows.append(self._row(pitch, time))
        del self._held[pitch]

    def _array(self, rows: list[tuple[int, int, int, int]]) -> np.ndarray:
        arr = np.array(rows, dtype=NOTE_DTYPE) if rows else np.zeros(0, dtype=NOTE_DTYPE)
        if self.grid is not None and len(arr):
            arr["start"], arr["duration"] = quantize(arr["start"], arr["duration"], self.grid)
        return sort_notes(arr)


def record_take(events: Iterable[KeyEvent], song: Song, start_tick: int, end_time: float,
                loop: tuple[int, int] | None = None, grid: int | None = None) -> np.ndarray:
    """A whole take at once: the notes that ``events`` make when played from ``start_tick``."""
    recorder = TakeRecorder(TakeClock(song, start_tick, loop), grid)
    for event in sorted(events, key=lambda e: e.time):
        recorder.feed(event)
    return recorder.finish(end_time)


__all__ = ["KeyEvent", "TakeClock", "TakeRecorder", "key_event", "record_take"]
