"""Bass lines from a chord track: four rule styles and a learned one, in the song's meter.

- ``root``: the chord's root (or slash bass) on every downbeat and chord change, held;
- ``root_fifth``: root on the first beat, the fifth on the middle (or last) beat;
- ``walking``: a note a beat, chord tones and steps, a chromatic approach into the next chord;
- ``pop_eighths``: driving eighths on the root, an octave pop before a chord change;
- ``chorale``: learned from the Bach chorales' bass voice under their derived chords: a table of
  the bass's interval above the chord root given the previous interval and the beat (downbeat or
  not), sampled with a seed, then placed in the octave nearest the previous note.

Velocities carry Groove-like accents (downbeat, mid-bar, beats, off-beats) with a little seeded
spread. Notes stay in ``BASS_RANGE``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.chord_detect import Beat, beat_grid
from latentroll.core.chords import ChordEvent, ChordSymbol, chord_at
from latentroll.core.song import NOTE_DTYPE, Song, Track

from ..common.errors import MelodyError

STYLES = ("root", "root_fifth", "walking", "pop_eighths", "chorale")
RULE_STYLES = STYLES[:4]
BASS_RANGE = (28, 55)        # E1 .. G3
HOME = 40                    # E2: where a line starts looking for its first root
CHORALE_RANGE = (36, 62)     # C2 .. D4: a chorale bass sits higher than a bass guitar
BASS_PROGRAM = {"walking": 32, "chorale": 42}   # acoustic bass; cello for the chorale line
DEFAULT_PROGRAM = 33         # electric bass (finger)


@dataclass
class BassTables:
    """The learned style: log P(interval above root | previous interval, downbeat?)."""

    interval_logp: np.ndarray   # (2, 13, 12): [downbeat][previous interval or 12 = start][interval]

    def arrays(self) -> dict[str, np.ndarray]:
        return {"interval_logp": self.interval_logp.astype(np.float32)}


def fit_bass_tables(lines: list[tuple[list[int], list[ChordSymbol | None], list[Beat]]], alpha: float = 0.5) -> BassTables:
    """Count (bass pitch per beat, chord per beat, beats) of each chorale into the table."""
    counts = np.zeros((2, 13, 12))
    for pitches, chords, beats in lines:
        prev = 12
        for p, c, b in zip(pitches, chords, beats):
            if p < 0 or c is None or c.root is None:
                prev = 12
                continue
            iv = (p - c.root) % 12
            counts[int(b.index == 0), prev, iv] += 1
            prev = iv
    c = counts + alpha
    return BassTables(np.log(c / c.sum(-1, keepdims=True)))


def velocity(beat: Beat, offbeat: bool, rng: np.random.Generator) -> int:
    if offbeat:
        v = 70
    elif beat.index == 0:
        v = 104
    elif beat.per_bar % 2 == 0 and beat.index == beat.per_bar // 2:
        v = 92
    else:
        v = 82
    return int(np.clip(v + rng.integers(-4, 5), 1, 127))


def nearest(pc: int, prev: int, lo: int = BASS_RANGE[0], hi: int = BASS_RANGE[1]) -> int:
    """The pitch of class ``pc`` nearest ``prev`` inside [lo, hi]."""
    cands = [p for p in range(lo, hi + 1) if p % 12 == pc % 12]
    return min(cands, key=lambda p: (abs(p - prev), p))


def _fifth(sym: ChordSymbol) -> int:
    iv = sym.intervals()
    return (sym.root + next((i for i in iv if i in (7, 6, 8)), 7)) % 12


def _tones(sym: ChordSymbol) -> list[int]:
    return sorted({(sym.root + i) % 12 for i in sym.intervals()})


def _bass_pc(sym: ChordSymbol) -> int:
    return sym.bass_pitch_class()


def split_at_changes(beats: list[Beat], chords: list[ChordEvent]) -> list[Beat]:
    """The beats, each cut where a chord changes inside it (an anticipated chord gets its note)."""
    ticks = sorted({c.tick for c in chords})
    out: list[Beat] = []
    for b in beats:
        cuts = [t for t in ticks if b.tick < t < b.tick + b.length]
        edges = [b.tick, *cuts, b.tick + b.length]
        for s0, s1 in zip(edges, edges[1:]):
            out.append(Beat(s0, s1 - s0, b.bar, b.index, b.per_bar) if s0 == b.tick else
                       Beat(s0, s1 - s0, b.bar, -1, b.per_bar))
    return out


def check_chords(song: Song) -> list[ChordEvent]:
    chords = [c for c in song.chords]
    if not any(c.symbol.root is not None for c in chords):
        raise MelodyError("the song has no chords to follow: add a chord track (e.g. --chords \"C G Am F\")")
    return chords


def bass_line(song: Song, style: str = "root", seed: int = 0, tables: BassTables | None = None,
              end_tick: int | None = None, temperature: float = 1.0) -> Track:
    """A bass Track that follows ``song.chords`` in ``style`` through the song's bars."""
    if style not in STYLES:
        raise MelodyError(f"bass style must be one of {', '.join(STYLES)}, not {style!r}")
    if style == "chorale" and tables is None:
        raise MelodyError("the chorale bass style needs the learned bass model")
    chords = check_chords(song)
    last = max(c.tick for c in chords)
    end = end_tick if end_tick is not None else max(song.end_tick(), last + song.time_signature_at(last).bar_ticks)
    beats = split_at_changes([b for b in beat_grid(song, end) if b.tick < end], chords)
    lo, hi = CHORALE_RANGE if style == "chorale" else BASS_RANGE
    rng = np.random.default_rng(seed)
    rows: list[tuple[int, int, int, int]] = []   # start, duration, pitch, velocity
    prev_pitch, prev_iv = (lo + hi) // 2 - 6, 12
    for i, b in enumerate(beats):
        sym = chord_at(chords, b.tick)
        nxt_beat = beats[i + 1] if i + 1 < len(beats) else None
        nxt = chord_at(chords, nxt_beat.tick) if nxt_beat else None
        if sym is None or sym.root is None:
            prev_iv = 12
            continue
        changed = i == 0 or chord_at(chords, beats[i - 1].tick) != sym
        before_change = nxt is not None and nxt != sym and nxt.root is not None
        if style == "root":
            if b.index == 0 or changed:
                prev_pitch = nearest(_bass_pc(sym), prev_pitch, lo, hi)
                rows.append((b.tick, b.length, prev_pitch, velocity(b, False, rng)))
            elif rows:
                s, d, p, v = rows[-1]
                rows[-1] = (s, d + b.length, p, v)
        elif style == "root_fifth":
            mid = b.per_bar // 2 if b.per_bar % 2 == 0 else b.per_bar - 1
            if b.index == 0 or changed:
                prev_pitch = nearest(_bass_pc(sym), prev_pitch, lo, hi)
                rows.append((b.tick, b.length, prev_pitch, velocity(b, False, rng)))
            elif b.index == mid:
                prev_pitch = nearest(_fifth(sym), prev_pitch, lo, hi)
                rows.append((b.tick, b.length, prev_pitch, velocity(b, False, rng)))
            elif rows:
                s, d, p, v = rows[-1]
                rows[-1] = (s, d + b.length, p, v)
        elif style == "walking":
            if b.index == 0 or changed:
                pc = _bass_pc(sym)
            elif before_change:
                target = nearest(_bass_pc(nxt), prev_pitch, lo, hi)
                pc = (target + (1 if rng.random() < 0.5 else -1)) % 12   # chromatic approach
            else:
                tones = [t for t in _tones(sym) if t != prev_pitch % 12] or _tones(sym)
                pc = int(rng.choice(tones))
            prev_pitch = nearest(pc, prev_pitch, lo, hi)
            rows.append((b.tick, int(b.length * 0.9), prev_pitch, velocity(b, False, rng)))
        elif style == "pop_eighths":
            root = nearest(_bass_pc(sym), prev_pitch, lo, hi)
            prev_pitch = root
            half = b.length // 2
            rows.append((b.tick, int(half * 0.85), root, velocity(b, False, rng)))
            up = before_change and b.index == b.per_bar - 1 and root + 12 <= hi
            rows.append((b.tick + half, int(half * 0.85), root + 12 if up else root, velocity(b, True, rng)))
        else:  # chorale: sample the interval above the root, then the octave nearest the last note
            assert tables is not None
            logp = tables.interval_logp[int(b.index == 0), prev_iv] / max(temperature, 1e-3)
            allowed = np.full(12, -np.inf)
            for t in _tones(sym):
                allowed[(t - sym.root) % 12] = 0.0
            if b.index == 0 or changed:
                allowed[:] = -np.inf
                allowed[(_bass_pc(sym) - sym.root) % 12] = 0.0
            p = np.exp(logp + allowed - (logp + allowed).max())
            iv = int(rng.choice(12, p=p / p.sum()))
            pitch = nearest((sym.root + iv) % 12, prev_pitch, lo, hi)
            if rows and rows[-1][2] == pitch and not changed and b.index != 0:
                s, d, pp, v = rows[-1]
                rows[-1] = (s, d + b.length, pp, v)
            else:
                rows.append((b.tick, b.length, pitch, velocity(b, False, rng)))
            prev_pitch, prev_iv = pitch, iv
    notes = np.zeros(len(rows), NOTE_DTYPE)
    if rows:
        arr = np.array(rows)
        notes["start"], notes["duration"], notes["pitch"], notes["velocity"] = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
    return Track(name=f"Bass ({style.replace('_', ' ')})", program=BASS_PROGRAM.get(style, DEFAULT_PROGRAM), notes=notes)


def root_coverage(track: Track, song: Song) -> float:
    """Share of downbeats (and chord changes) where the bass sounds the chord's bass note."""
    chords = song.chords
    points = sorted({b.tick for b in beat_grid(song, song.end_tick()) if b.index == 0} | {c.tick for c in chords})
    hits = total = 0
    n = track.notes
    for t in points:
        sym = chord_at(chords, t)
        if sym is None or sym.root is None:
            continue
        total += 1
        sounding = n[(n["start"] <= t) & (n["start"] + n["duration"] > t)]
        hits += any(int(p) % 12 == _bass_pc(sym) for p in sounding["pitch"])
    return hits / total if total else 0.0


def comping_track(song: Song, octave_root: int = 48, program: int = 0) -> Track:
    """The chord track played as block chords (root from C3 up, tones above it), struck on every
    downbeat and chord change and held to the next: what detection hears beside the melody, and
    a plain pad for auditioning a progression."""
    chords = [c for c in song.chords]
    if not chords:
        return Track(name="Chords", program=program)
    end = max(song.end_tick(), max(c.tick for c in chords) + song.time_signature_at(chords[-1].tick).bar_ticks)
    points = sorted({b.tick for b in beat_grid(song, end) if b.index == 0 and b.tick >= chords[0].tick}
                    | {c.tick for c in chords})
    rows = []
    for i, t in enumerate(points):
        sym = chord_at(chords, t)
        if sym is None or sym.root is None:
            continue
        dur = (points[i + 1] if i + 1 < len(points) else end) - t
        root = octave_root + sym.root
        for iv in sym.intervals():
            rows.append((t, dur, root + iv if iv < 12 else root + iv - 12, 72))
        if sym.bass is not None:
            rows.append((t, dur, octave_root - 12 + sym.bass, 72))
    notes = np.zeros(len(rows), NOTE_DTYPE)
    if rows:
        arr = np.array(rows)
        notes["start"], notes["duration"], notes["pitch"], notes["velocity"] = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
    return Track(name="Chords", program=program, channel=1, notes=notes)
