"""Per-beat melody features and chord targets, key-relative, and the segments (bars or half bars)
a progression changes on.

Everything is transposed so the key signature's major tonic is C (``LeadSheet.major_tonic``): the
models learn "IV after I", not "F after C", and 502 songs are enough. A beat's feature is the
pitch-class weight of the melody in it (``core.chord_detect.pitch_weights``: overlap, doubled for a
note struck on the beat); a segment sums its beats, the first beat of a bar counting most.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.chord_detect import RICH, Beat, beat_grid, chord_class, pitch_weights
from latentroll.core.chords import ChordEvent, chord_at
from latentroll.core.song import Song

RHYTHMS = ("bar", "half")
BEAT_WEIGHT_DOWNBEAT = 1.5
BEAT_WEIGHT_MIDBAR = 1.2


@dataclass
class SongBeats:
    """One song on its beat grid, transposed by ``-shift`` (so its key is C)."""

    beats: list[Beat]
    pcs: np.ndarray      # (B, 12) melody pitch-class weight per beat, key-relative
    target: np.ndarray   # (B,) RICH class of the lead sheet's chord (key-relative); -1 = none
    shift: int           # semitones the song was transposed down by


def melody_notes(song: Song) -> np.ndarray:
    """The melody a chord model listens to: the non-drum track with the most notes."""
    tracks = [t for t in song.tracks if len(t.notes) and not t.is_drum]
    if not tracks:
        from latentroll.core.song import empty_notes

        return empty_notes()
    return max(tracks, key=len).sorted_notes()


def key_shift(song: Song) -> int:
    k = song.key
    return (k.tonic + (3 if k.mode == "minor" else 0)) % 12


def song_beats(song: Song, notes: np.ndarray | None = None, chords: list[ChordEvent] | None = None,
               shift: int | None = None, end_tick: int | None = None) -> SongBeats:
    notes = melody_notes(song) if notes is None else notes
    shift = key_shift(song) if shift is None else shift
    chords = song.chords if chords is None else chords
    end = end_tick if end_tick is not None else max(song.end_tick(), max((c.tick for c in chords), default=0) + 1)
    beats = beat_grid(song, end)
    pcs = np.zeros((len(beats), 12), np.float32)
    target = np.full(len(beats), -1, np.int64)
    for i, b in enumerate(beats):
        w = pitch_weights(notes, b.tick, b.tick + b.length)
        pcs[i] = np.roll(w, -shift)
        sym = chord_at(chords, b.tick)
        if sym is not None and sym.root is not None:
            target[i] = chord_class(sym.transposed(-shift), RICH)
    return SongBeats(beats, pcs, target, shift)


def beat_weight(b: Beat) -> float:
    if b.index == 0:
        return BEAT_WEIGHT_DOWNBEAT
    if b.per_bar % 2 == 0 and b.index == b.per_bar // 2:
        return BEAT_WEIGHT_MIDBAR
    return 1.0


def segments(beats: list[Beat], rhythm: str = "bar") -> list[list[int]]:
    """Beat indices of each segment a chord may hold: bars, or half bars in even meters."""
    if rhythm not in RHYTHMS:
        raise ValueError(f"harmonic rhythm is one of {', '.join(RHYTHMS)}, not {rhythm!r}")
    out: list[list[int]] = []
    for i, b in enumerate(beats):
        new_bar = b.index == 0 or not out
        half = rhythm == "half" and b.per_bar % 2 == 0 and b.per_bar >= 2 and b.index == b.per_bar // 2
        if new_bar or half:
            out.append([])
        out[-1].append(i)
    return out


def segment_features(sb: SongBeats, segs: list[list[int]]) -> np.ndarray:
    """(S, 12) beat-weighted melody pitch-class weight of each segment."""
    out = np.zeros((len(segs), 12), np.float32)
    for s, idx in enumerate(segs):
        for i in idx:
            out[s] += sb.pcs[i] * beat_weight(sb.beats[i])
    return out


def segment_targets(sb: SongBeats, segs: list[list[int]]) -> np.ndarray:
    """(S,) the chord holding most of each segment's beats (-1 when none)."""
    out = np.full(len(segs), -1, np.int64)
    for s, idx in enumerate(segs):
        vals = sb.target[idx]
        vals = vals[vals >= 0]
        if len(vals):
            v, c = np.unique(vals, return_counts=True)
            out[s] = v[np.argmax(c)]
    return out
