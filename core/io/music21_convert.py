"""music21 stream → Song. Used by ABC/MusicXML import and by the model corpus pipeline alike.

Chord symbols (ABC ``"Am"``, MusicXML ``<harmony>``) are music21 Chords of zero length; they name
harmony, they are not notes: those of the first part that has any become the song's chord track.

Each pitched note keeps the letter the score spelled it with (``Track.spelling``), so writing the
song back as MusicXML keeps E# an E#. Percussion parts (unpitched notes, or parts named in
``drum_parts``) become drum tracks on MIDI channel 10 with their General MIDI drum keys.

Pickups: music21 gives the first (short) measure ``paddingLeft``; we shift everything right by it
so that bar lines of the tune land on the Song's bar grid (bar 0 is the partial pickup bar).
"""
from __future__ import annotations

import numpy as np

from ..chords import NO_CHORD, ChordEvent, ChordSymbol, ChordSymbolError, chord_from_parts
from ..song import MAJOR, MINOR, NOTE_DTYPE, PPQ, KeySignature, Song, TempoChange, TimeSignature, Track
from .errors import MusicFileError
from .musicxml_percussion import DRUM_CHANNEL, key_of_display


def _ticks(ql) -> int:
    return int(round(float(ql) * PPQ))


def score_to_song(score, title: str | None = None, drum_parts: frozenset[str] = frozenset()) -> Song:
    """Convert a music21 Score (or a single Part/Stream) into a Song, one Track per part.

    ``drum_parts`` are ids of parts whose pitches are GM drum keys (``unpitched_to_pitched``).
    """
    from music21 import chord, harmony, note

    parts = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]
    shift = _pickup_shift(parts[0])
    tracks: list[Track] = []
    time_sigs: list[TimeSignature] = []
    keys: list[KeySignature] = []
    tempos: list[TempoChange] = []
    chords: list[ChordEvent] = []
    for pi, part in enumerate(parts):
        flat = part.stripTies(matchByPitch=True).flatten() if part.hasMeasures() else part.flatten()
        rows = []
        spelling: dict[tuple[int, int], str] = {}
        is_drum = bool(drum_parts) and _xml_part_id(part) in drum_parts
        part_chords = []
        for el in flat.notes:
            if isinstance(el, harmony.Harmony):
                symbol = _chord_of(el)
                if symbol is not None:
                    part_chords.append(ChordEvent(max(0, _ticks(el.offset) + shift), symbol))
                continue
            start = _ticks(el.offset) + shift
            dur = max(1, _ticks(el.quarterLength))
            vel = el.volume.velocity if el.volume is not None and el.volume.velocity else 90
            members = el.notes if isinstance(el, chord.ChordBase) else (el,)
            for n in members:
                if isinstance(n, note.Unpitched):
                    is_drum = True
                    p = _drum_key(n)
                elif isinstance(n, note.Note):
                    p = n.pitch.midi
                    spelling[(start, p)] = n.pitch.step
                else:
                    continue
                if 0 <= p <= 127:
                    rows.append((start, dur, p, int(vel)))
        arr = np.array(rows, dtype=NOTE_DTYPE) if rows else np.zeros(0, dtype=NOTE_DTYPE)
        name = part.partName or (part.id if isinstance(part.id, str) else None) or f"Part {pi + 1}"
        if is_drum:
            track = Track(name=str(name), program=0, channel=DRUM_CHANNEL, is_drum=True, notes=arr)
        else:
            track = Track(name=str(name), program=_program(part), channel=pi % 16 if pi < 9 else (pi + 1) % 16,
                          notes=arr, spelling=spelling)
        tracks.append(track)
        chords = chords or part_chords
        if pi == 0:
            time_sigs, keys, tempos = _maps(part, shift)
    if not any(len(t) for t in tracks):
        raise MusicFileError("the file holds no notes")
    md_title = None
    if getattr(score, "metadata", None) is not None:
        md_title = score.metadata.title
    return Song(
        title=title or md_title or "Untitled",
        tracks=tracks,
        tempos=tempos or [TempoChange(0, 120.0)],
        time_signatures=time_sigs or [TimeSignature(0, 4, 4)],
        keys=keys or [KeySignature(0, 0, MAJOR)],
        chords=chords,
    )


def _chord_of(h) -> ChordSymbol | None:
    """Our symbol for a music21 Harmony (root/kind/bass as the score wrote them); None for one
    we cannot read (it is left out, like any other unreadable mark)."""
    from music21 import harmony

    if isinstance(h, harmony.NoChord) or h.root() is None:
        return NO_CHORD
    name = lambda p: p.name.replace("-", "b")  # noqa: E731
    bass = h.bass()
    try:
        return chord_from_parts(name(h.root()), h.chordKind or "major", h.chordKindStr or "",
                                name(bass) if bass is not None else None)
    except ChordSymbolError:
        return None


def _maps(part, shift: int):
    """Meter, key and tempo maps of a part, read from the unflattened hierarchy.

    ``stripTies().flatten()`` can lose a TimeSignature object that music21's ABC reader shares
    between bars, so these are collected with their offsets in the part instead.
    """
    from music21 import key, meter, tempo

    def tick(el) -> int:
        off = el.getOffsetInHierarchy(part)
        return _ticks(off) + shift if off else 0

    time_sigs = [TimeSignature(tick(ts), ts.numerator, ts.denominator)
                 for ts in part.recurse().getElementsByClass(meter.TimeSignature)]
    keys = []
    for k in part.recurse().getElementsByClass((key.Key, key.KeySignature)):
        kk = k if isinstance(k, key.Key) else k.asKey()
        keys.append(KeySignature(tick(k), kk.tonic.pitchClass, MINOR if kk.mode == "minor" else MAJOR))
    tempos = [TempoChange(tick(mm), float(mm.getQuarterBPM()))
              for mm in part.recurse().getElementsByClass(tempo.MetronomeMark) if mm.getQuarterBPM()]
    return time_sigs, keys, tempos


def _xml_part_id(part) -> str | None:
    """The MusicXML ``<part id>`` (music21 renames the part after its name; its instrument keeps it)."""
    inst = part.getInstrument(returnDefault=False) if hasattr(part, "getInstrument") else None
    return getattr(inst, "partId", None)


def _drum_key(n) -> int:
    """An unpitched note's GM drum key: its instrument's, else the one drawn at its position."""
    inst = getattr(n, "storedInstrument", None)
    key = getattr(inst, "percMapPitch", None)
    return int(key) if key is not None else key_of_display(n.displayStep, n.displayOctave, n.notehead or "normal")


def _pickup_shift(part) -> int:
    """Ticks to add so a pickup measure ends on a bar line."""
    from music21 import stream

    measures = part.getElementsByClass(stream.Measure)
    if not measures:
        return 0
    first = measures[0]
    return _ticks(first.paddingLeft or 0)


def _program(part) -> int:
    inst = part.getInstrument(returnDefault=False) if hasattr(part, "getInstrument") else None
    prog = getattr(inst, "midiProgram", None) if inst is not None else None
    return int(prog) if prog is not None and 0 <= prog <= 127 else 0
