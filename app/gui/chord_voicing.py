"""Chord-track helpers the chord lane, the menus and the chord tools share (no widgets):
the key's diatonic chords to pick from, where each chord ends, a chord track voiced as notes so
it plays, renders and exports like any track, and the one edit that replaces the chords of a
span (accepting a suggestion, detecting chords).
"""
from __future__ import annotations

import numpy as np

from latentroll.core.channels import on_free_channels
from latentroll.core.chords import QUALITIES, ChordEvent, ChordSymbol, pitch_class_name
from latentroll.core.commands import AddTrack, SetSongMap
from latentroll.core.song import NOTE_DTYPE, Song, Track
from latentroll.core.theory import SCALE_STEPS, Scale

PAD_PROGRAM = 88        # GM 89 "Pad 1 (new age)", zero-based
CHORD_VELOCITY = 70
CHORDS_TRACK_NAME = "Chords"
_BY_INTERVALS = {q.intervals: q.suffix for q in QUALITIES.values() if q.suffix not in ("7sus4",)}
_FLAT_KEYS = {5, 10, 3, 8, 1, 6}  # F, Bb, Eb, Ab, Db, Gb major: their chords are spelled with flats


def diatonic_chords(scale: Scale) -> list[ChordSymbol]:
    """The key's 7 triads then its 7 seventh chords, stacked in thirds on each degree. A minor
    key takes the harmonic minor's dominant (E and E7 in A minor), as songs in minor do."""
    mode = scale.mode
    if len(SCALE_STEPS[mode]) != 7:  # pentatonic, blues, chromatic: the major or minor key they sit in
        mode = "minor" if 3 in SCALE_STEPS[mode] else "major"
    steps = SCALE_STEPS[mode]
    relative_major = (scale.tonic + (3 if 3 in steps else 0)) % 12
    flats = relative_major in _FLAT_KEYS
    out: dict[int, list[ChordSymbol]] = {3: [], 4: []}
    for size in (3, 4):
        for d in range(7):
            pcs = [steps[(d + 2 * k) % 7] for k in range(size)]
            raised = mode == "minor" and d in (4, 6)
            if raised:  # the raised leading tone: V, V7, vii°, vii°7
                pcs = [11 if p == 10 else p for p in pcs]
            suffix = _BY_INTERVALS.get(tuple((p - pcs[0]) % 12 for p in pcs))
            if suffix is None:
                continue
            root = (scale.tonic + pcs[0]) % 12
            out[size].append(ChordSymbol(root, suffix, root_name=pitch_class_name(root, flats and not (raised and d == 6))))
    return out[3] + out[4]


def chord_end(song: Song, chords: list[ChordEvent], index: int) -> int:
    """Where chord ``index`` stops sounding: the next chord, or for the last one the song's end
    (at least the end of the bar it starts in)."""
    if index + 1 < len(chords):
        return chords[index + 1].tick
    from latentroll.core.bars import bar_at

    bar = bar_at(song, chords[index].tick)
    return max(bar.start + bar.length, song.bar_start(song.bar_count()) if song.end_tick() else 0)


def voicing(symbol: ChordSymbol, center: int = 60) -> list[int]:
    """Close position around ``center`` (middle C): one note per chord tone, the root the lowest
    at or below the centre, the rest stacked above it within the octave; a slash bass goes an
    octave below the root."""
    if symbol.root is None:
        return []
    root = center - ((center - symbol.root) % 12)
    if root < center - 6:
        root += 12
    pitches = sorted({root + (i % 12) for i in symbol.intervals()})
    if symbol.bass is not None and symbol.bass != symbol.root:
        pitches.insert(0, root - ((root - symbol.bass) % 12 or 12))
    return pitches


def voiced_track(song: Song, chords: list[ChordEvent] | None = None, program: int = PAD_PROGRAM,
                 name: str = CHORDS_TRACK_NAME) -> Track:
    """The chord track as notes: each chord's tones held until the next chord."""
    chords = list(song.chords if chords is None else chords)
    rows = []
    for i, c in enumerate(chords):
        end = chord_end(song, chords, i)
        for p in voicing(c.symbol):
            if end > c.tick:
                rows.append((c.tick, end - c.tick, p, CHORD_VELOCITY))
    notes = np.array(rows, dtype=NOTE_DTYPE) if rows else np.zeros(0, dtype=NOTE_DTYPE)
    return Track(name=name, program=program, notes=notes)


def add_chords_track(song: Song, program: int = PAD_PROGRAM) -> AddTrack:
    """The edit "Chords → track" makes: the voiced chord track on a free channel, at the end."""
    track = on_free_channels(song, [voiced_track(song, program=program)])[0]
    return AddTrack(track, text="Chords → track")


def replace_chords(song: Song, new: list[ChordEvent], start: int = 0, end: int | None = None,
                   text: str = "Replace chords") -> SetSongMap:
    """The chords of ``[start, end)`` (the whole song when ``end`` is None) become ``new``, one
    edit; chords outside the span stay. A chord sounding into ``end`` is restated there when
    music follows, so the music after the span keeps its harmony."""
    kept = [c for c in song.chords if c.tick < start or (end is not None and c.tick >= end)]
    inside = [c for c in new if c.tick >= start and (end is None or c.tick < end)]
    if end is not None and end < song.end_tick() and not any(c.tick == end for c in kept):
        after = song.chord_at(end)
        if after is not None:
            kept.append(ChordEvent(end, after))
    return SetSongMap("chords", sorted(kept + inside, key=lambda c: c.tick), text=text)


def bar_span(song: Song, notes: np.ndarray) -> tuple[int, int]:
    """The whole bars ``notes`` touch: ``(first bar's start, last bar's end)``."""
    from latentroll.core.bars import bar_at

    first = bar_at(song, int(notes["start"].min())).start
    last = bar_at(song, max(int((notes["start"] + notes["duration"]).max()) - 1, 0))
    return first, last.start + last.length


def merged(chords: list[ChordEvent]) -> list[ChordEvent]:
    """Repeats of the chord before dropped: a chord holds until the next anyway."""
    out: list[ChordEvent] = []
    for c in sorted(chords, key=lambda c: c.tick):
        if not out or out[-1].symbol != c.symbol:
            out.append(c)
    return out


def detected_chords_edit(song: Song, start: int = 0, end: int | None = None) -> tuple[SetSongMap | None, str]:
    """The edit that fills ``[start, end)`` of the chord lane with the chords the notes sound, bar
    by bar, and what to tell the user (why not, when there is no edit)."""
    from latentroll.app.calls.chords import detect_song_chords
    from latentroll.models.common.errors import MelodyError

    try:
        found = detect_song_chords(song, per="bar", start=start, end=end)
    except MelodyError as exc:
        return None, str(exc)
    chords = merged([ChordEvent(d.tick, d.symbol) for d in found])
    if not chords:
        return None, "No chords found in the notes"
    return replace_chords(song, chords, start, end, text="Detect chords"), f"Detected {len(chords)} chords — Ctrl+Z undoes it"


def selection_bars(song: Song, track: Track | None, selection: np.ndarray) -> tuple[int, int | None]:
    """The bars of the selected notes, else the whole song (``end`` None)."""
    if track is not None and len(selection) and len(track.notes):
        return bar_span(song, track.notes[selection[selection < len(track.notes)]])
    return 0, None


def chords_from(song: Song, origin: int) -> tuple[ChordEvent, ...]:
    """The chord track seen from ``origin`` (ticks from there): what a clip placed at ``origin``
    follows; the chord sounding at ``origin`` starts at 0."""
    out = [ChordEvent(c.tick - origin, c.symbol) for c in song.chords if c.tick > origin]
    at = song.chord_at(origin)
    return tuple(([ChordEvent(0, at)] if at is not None else []) + out)
