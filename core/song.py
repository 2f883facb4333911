"""The one music data model: Song, Track, Note, and the tempo/meter/key maps.

Ticks are at 480 PPQ everywhere. A track keeps its notes in a NumPy structured array so the
piano roll, the renderer and the models read thousands of notes without Python loops; the
``Note`` dataclass is the friendly single-note view of one row.

Row order inside a track is the order edits left it in (insertion order), not time order: edit
commands refer to rows by index and can revert exactly. ``Track.sorted_notes()`` gives time order.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

import numpy as np

from .chords import ChordEvent, ChordSymbol, chord_at, normalized_chords

PPQ = 480

NOTE_DTYPE = np.dtype(
    [("start", "<i8"), ("duration", "<i8"), ("pitch", "<i2"), ("velocity", "<i2")]
)

# What a song read from a file may claim (see ``Song.limits_problem``).
MAX_TICK = 100_000 * 4 * PPQ  # 100,000 bars of 4/4: two days at 120 BPM, within a MIDI delta time
MAX_BARS = 100_000
BPM_RANGE = (1.0, 1000.0)

MAJOR = "major"
MINOR = "minor"


def empty_notes(n: int = 0) -> np.ndarray:
    return np.zeros(n, dtype=NOTE_DTYPE)


@dataclass(frozen=True, order=True)
class Note:
    """One note. Order is by start, then pitch, which is the order of a score."""

    start: int
    pitch: int
    duration: int
    velocity: int = 100

    @property
    def end(self) -> int:
        return self.start + self.duration


def notes_to_array(notes: Iterable[Note]) -> np.ndarray:
    rows = [(n.start, n.duration, n.pitch, n.velocity) for n in notes]
    return np.array(rows, dtype=NOTE_DTYPE) if rows else empty_notes()


def array_to_notes(arr: np.ndarray) -> list[Note]:
    return [
        Note(start=int(s), pitch=int(p), duration=int(d), velocity=int(v))
        for s, d, p, v in zip(arr["start"], arr["duration"], arr["pitch"], arr["velocity"])
    ]


def sort_notes(arr: np.ndarray) -> np.ndarray:
    """Time order (start, then pitch, then duration) as a new array."""
    order = np.lexsort((arr["duration"], arr["pitch"], arr["start"]))
    return arr[order]


@dataclass
class Track:
    """One instrument part. ``volume`` and ``pan`` are MIDI CC values (0..127)."""

    name: str = "Track"
    program: int = 0
    channel: int = 0
    is_drum: bool = False
    volume: int = 100
    pan: int = 64
    mute: bool = False
    solo: bool = False
    notes: np.ndarray = field(default_factory=empty_notes)
    # (start tick, MIDI pitch) -> letter ("C".."B") a score file spelled that note with, so that
    # MusicXML export keeps the source's E# instead of respelling it F; not part of equality.
    spelling: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.notes, np.ndarray) or self.notes.dtype != NOTE_DTYPE:
            self.notes = notes_to_array(self.notes)

    def __len__(self) -> int:
        return len(self.notes)

    def note(self, i: int) -> Note:
        r = self.notes[i]
        return Note(int(r["start"]), int(r["pitch"]), int(r["duration"]), int(r["velocity"]))

    def iter_notes(self) -> Iterator[Note]:
        return iter(array_to_notes(self.notes))

    def sorted_notes(self) -> np.ndarray:
        return sort_notes(self.notes)

    def end_tick(self) -> int:
        if not len(self.notes):
            return 0
        return int((self.notes["start"] + self.notes["duration"]).max())

    def settings_equal(self, other: "Track") -> bool:
        return (
            self.name, self.program, self.channel, self.is_drum,
            self.volume, self.pan, self.mute, self.solo,
        ) == (
            other.name, other.program, other.channel, other.is_drum,
            other.volume, other.pan, other.mute, other.solo,
        )

    def __eq__(self, other: object) -> bool:
        """Equal settings and the same multiset of notes (row order does not matter)."""
        if not isinstance(other, Track):
            return NotImplemented
        return self.settings_equal(other) and np.array_equal(
            self.sorted_notes(), other.sorted_notes()
        )

    def copy(self) -> "Track":
        return Track(
            name=self.name, program=self.program, channel=self.channel, is_drum=self.is_drum,
            volume=self.volume, pan=self.pan, mute=self.mute, solo=self.solo,
            notes=self.notes.copy(), spelling=dict(self.spelling),
        )


@dataclass(frozen=True, order=True)
class TempoChange:
    tick: int
    bpm: float


@dataclass(frozen=True, order=True)
class TimeSignature:
    tick: int
    numerator: int = 4
    denominator: int = 4

    @property
    def bar_ticks(self) -> int:
        return self.numerator * PPQ * 4 // self.denominator


@dataclass(frozen=True, order=True)
class KeySignature:
    """A key: tonic pitch class (0 = C) and mode (``major`` or ``minor``)."""

    tick: int
    tonic: int = 0
    mode: str = MAJOR


@dataclass
class Song:
    title: str = "Untitled"
    tracks: list[Track] = field(default_factory=list)
    tempos: list[TempoChange] = field(default_factory=lambda: [TempoChange(0, 120.0)])
    time_signatures: list[TimeSignature] = field(default_factory=lambda: [TimeSignature(0, 4, 4)])
    keys: list[KeySignature] = field(default_factory=lambda: [KeySignature(0, 0, MAJOR)])
    ppq: int = PPQ
    chords: list[ChordEvent] = field(default_factory=list)  # the chord track: symbols at ticks

    def __post_init__(self) -> None:
        if self.ppq != PPQ:
            raise ValueError(f"LatentRoll songs use {PPQ} PPQ; rescale on import")
        self.normalize_maps()

    def normalize_maps(self) -> None:
        """Sort the maps, keep the last event per tick, and make sure each starts at tick 0."""
        self.tempos = _normalized(self.tempos, TempoChange(0, 120.0))
        self.time_signatures = _normalized(self.time_signatures, TimeSignature(0, 4, 4))
        self.keys = _normalized(self.keys, KeySignature(0, 0, MAJOR))
        self.chords = normalized_chords(self.chords)

    # ---- simple accessors -------------------------------------------------------------
    @property
    def bpm(self) -> float:
        return self.tempos[0].bpm

    @property
    def time_signature(self) -> TimeSignature:
        return self.time_signatures[0]

    @property
    def key(self) -> KeySignature:
        return self.keys[0]

    def chord_at(self, tick: int) -> ChordSymbol | None:
        """The chord symbol sounding at ``tick`` on the chord track (None before the first)."""
        return chord_at(self.chords, tick)

    def note_count(self) -> int:
        return sum(len(t) for t in self.tracks)

    def end_tick(self) -> int:
        return max((t.end_tick() for t in self.tracks), default=0)

    def audible_tracks(self) -> list[Track]:
        """Tracks that sound: solo wins over mute, as in every DAW."""
        soloed = [t for t in self.tracks if t.solo]
        return soloed if soloed else [t for t in self.tracks if not t.mute]

    def copy(self) -> "Song":
        return Song(
            title=self.title,
            tracks=[t.copy() for t in self.tracks],
            tempos=list(self.tempos),
            time_signatures=list(self.time_signatures),
            keys=list(self.keys),
            chords=list(self.chords),
        )

    # ---- time conversions -------------------------------------------------------------
    def tick_to_seconds(self, ticks):
        """Seconds at ``ticks`` (scalar or array) under the tempo map."""
        t = np.asarray(ticks, dtype=np.float64)
        marks = np.array([c.tick for c in self.tempos], dtype=np.float64)
        spt = np.array([60.0 / (c.bpm * PPQ) for c in self.tempos])
        seg_secs = np.concatenate([[0.0], np.cumsum(np.diff(marks) * spt[:-1])])
        idx = np.clip(np.searchsorted(marks, t, side="right") - 1, 0, len(marks) - 1)
        out = seg_secs[idx] + (t - marks[idx]) * spt[idx]
        return float(out) if np.ndim(ticks) == 0 else out

    def seconds_to_tick(self, seconds: float) -> int:
        marks = [c.tick for c in self.tempos]
        secs = [float(self.tick_to_seconds(m)) for m in marks]
        i = max(0, bisect.bisect_right(secs, seconds) - 1)
        spt = 60.0 / (self.tempos[i].bpm * PPQ)
        return int(round(marks[i] + (seconds - secs[i]) / spt))

    def duration_seconds(self) -> float:
        return float(self.tick_to_seconds(self.end_tick()))

    def bar_start(self, bar: int) -> int:
        """Tick where 0-based ``bar`` starts, walking the time-signature map."""
        tick, cur_bar = 0, 0
        sigs = self.time_signatures
        for i, ts in enumerate(sigs):
            nxt = sigs[i + 1].tick if i + 1 < len(sigs) else None
            if nxt is not None:
                bars_here = -(-(nxt - ts.tick) // ts.bar_ticks)  # a change lands on a bar line
                if cur_bar + bars_here <= bar:
                    cur_bar += bars_here
                    tick = nxt
                    continue
            return ts.tick + (bar - cur_bar) * ts.bar_ticks
        return tick

    def bars_starting_before(self, tick: int) -> int:
        """How many bars start before ``tick``: one pass over the meter map, however far the tick."""
        count = 0
        sigs = self.time_signatures
        for i, ts in enumerate(sigs):
            if tick <= ts.tick:
                break
            nxt = sigs[i + 1].tick if i + 1 < len(sigs) else None
            end = tick if nxt is None else min(tick, nxt)  # bars of this meter start in [ts.tick, end)
            count += -(-(end - ts.tick) // ts.bar_ticks)
        return count

    def bar_at(self, tick: int) -> int:
        """0-based bar holding ``tick`` (bar 0 for ticks before the start)."""
        return max(0, self.bars_starting_before(tick + 1) - 1)

    def tick_to_bar_beat(self, tick: int) -> tuple[int, int, int]:
        """(bar, beat, tick-in-beat), all 0-based; the beat follows the meter's denominator."""
        bar = self.bar_at(tick)
        start = self.bar_start(bar)
        ts = self.time_signature_at(tick)
        beat_ticks = PPQ * 4 // ts.denominator
        return bar, (tick - start) // beat_ticks, (tick - start) % beat_ticks

    def bar_count(self) -> int:
        """Bars up to the last note's end (at least 1)."""
        return max(self.bars_starting_before(self.end_tick()), 1)

    def limits_problem(self) -> str | None:
        """Why this song is beyond what LatentRoll handles (in user words), or None.

        Files can claim anything: a note at tick 2**62, a tempo of 0 or -100 BPM. Such songs are
        refused when read, so that lengths, bar counts and audio sizes stay finite and quick.
        """
        end = self.end_tick()
        if end > MAX_TICK or any(len(t.notes) and int(t.notes["start"].min()) < 0 for t in self.tracks):
            return (f"a note ends at beat {end / PPQ:,.0f}; LatentRoll handles songs up to "
                    f"{MAX_TICK // PPQ:,} beats (notes from beat 0)")
        for name, events in (("tempo", self.tempos), ("time signature", self.time_signatures),
                             ("key", self.keys)):
            if events[-1].tick > MAX_TICK:
                return f"a {name} change lies at beat {events[-1].tick / PPQ:,.0f}, past the {MAX_TICK // PPQ:,}-beat limit"
        for t in self.tempos:
            if not BPM_RANGE[0] <= t.bpm <= BPM_RANGE[1]:  # also refuses NaN
                return f"it sets a tempo of {t.bpm:g} BPM; LatentRoll plays {BPM_RANGE[0]:g}-{BPM_RANGE[1]:g} BPM"
        bars = self.bar_count()
        if bars > MAX_BARS:
            return f"it is {bars:,} bars long; LatentRoll handles up to {MAX_BARS:,} bars"
        return None

    def time_signature_at(self, tick: int) -> TimeSignature:
        return _at(self.time_signatures, tick)

    def key_at(self, tick: int) -> KeySignature:
        return _at(self.keys, tick)

    def tempo_at(self, tick: int) -> TempoChange:
        return _at(self.tempos, tick)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Song):
            return NotImplemented
        return (
            self.title == other.title
            and self.tracks == other.tracks
            and [(t.tick, round(t.bpm, 3)) for t in self.tempos]
            == [(t.tick, round(t.bpm, 3)) for t in other.tempos]
            and self.time_signatures == other.time_signatures
            and self.keys == other.keys
        )


def _normalized(events: Sequence, default):
    by_tick = {}
    for e in sorted(events, key=lambda e: e.tick):
        by_tick[e.tick] = e
    out = [by_tick[k] for k in sorted(by_tick)]
    if not out or out[0].tick != 0:
        first = out[0] if out else default
        out.insert(0, type(first)(0, *[getattr(first, f) for f in _fields(first)[1:]]))
    return out


def _fields(obj) -> list[str]:
    return list(obj.__dataclass_fields__)


def _at(events: Sequence, tick: int):
    ticks = [e.tick for e in events]
    return events[max(0, bisect.bisect_right(ticks, tick) - 1)]
