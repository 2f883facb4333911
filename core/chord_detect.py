"""Chords from notes: the beat grid chords live on, the chord vocabularies the models speak, and a
template detector (which chord do these notes sound, per beat or per bar, and how sure is it).

No learning here (core has no torch): each candidate chord is scored by how much of the heard
pitch-class weight its tones cover, minus what it leaves out, with notes weighted by duration and by
where they fall in the beat (a note on the beat counts more than a passing one) and the lowest note
counting extra toward the root. The confidence is the winner's share of the softmax over candidates.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bars import iter_bars
from .channels import DRUM_CHANNEL
from .chords import NO_CHORD, QUALITIES, ChordEvent, ChordSymbol, pitch_class_name
from .song import PPQ, Song, empty_notes

# What a model may answer. RICH is the lead sheets' common vocabulary; SIMPLE the four a beginner
# reaches for; FAMILY the triad family used to score (root + major/minor/diminished).
RICH = ("", "m", "7", "maj7", "m7", "dim", "m7b5", "dim7", "sus4", "aug", "6", "m6")
SIMPLE = ("", "m", "7", "dim")
FAMILY = ("", "m", "dim")
VOCABULARIES = {"rich": RICH, "simple": SIMPLE}

_TO_RICH = {"sus2": "sus4", "7sus4": "sus4", "mMaj7": "m", "aug7": "aug"}
_TO_SIMPLE = {"maj7": "", "6": "", "sus4": "", "aug": "", "m7": "m", "m6": "m",
              "m7b5": "dim", "dim7": "dim"}
_TO_FAMILY = {"7": ""}


def reduce_quality(quality: str, vocab: tuple[str, ...] = RICH) -> str:
    """The nearest quality of ``vocab`` (extensions are dropped before this)."""
    q = _TO_RICH.get(quality, quality) if quality in QUALITIES else ""
    if vocab is RICH or q in vocab:
        return q
    q = _TO_SIMPLE.get(q, q)
    if vocab is SIMPLE or q in vocab:
        return q
    return _TO_FAMILY.get(q, q)


def chord_class(symbol: ChordSymbol | None, vocab: tuple[str, ...] = RICH) -> int:
    """``root * len(vocab) + quality index``; -1 for no chord."""
    if symbol is None or symbol.root is None:
        return -1
    return symbol.root * len(vocab) + vocab.index(reduce_quality(symbol.quality, vocab))


def class_symbol(index: int, vocab: tuple[str, ...] = RICH, flats: bool = True) -> ChordSymbol:
    if index < 0:
        return NO_CHORD
    root, q = divmod(int(index), len(vocab))
    return ChordSymbol(root, vocab[q], root_name=pitch_class_name(root, flats))


def class_tones(vocab: tuple[str, ...] = RICH) -> np.ndarray:
    """(12 * len(vocab), 12) 0/1: the pitch classes of each chord class."""
    out = np.zeros((12 * len(vocab), 12), np.float32)
    for root in range(12):
        for qi, q in enumerate(vocab):
            for iv in QUALITIES[q].intervals:
                out[root * len(vocab) + qi, (root + iv) % 12] = 1
    return out


# ---- the beat grid --------------------------------------------------------------------------
@dataclass(frozen=True)
class Beat:
    tick: int
    length: int
    bar: int          # bar number (0-based)
    index: int        # beat within its bar
    per_bar: int      # beats in that bar


def beat_length(numerator: int, denominator: int) -> int:
    """A beat is the denominator's note, or a dotted one in compound meters (6/8, 9/8, 12/8)."""
    unit = PPQ * 4 // denominator
    return unit * 3 if denominator >= 8 and numerator % 3 == 0 and numerator > 3 else unit


def beat_grid(song: Song, end_tick: int | None = None) -> list[Beat]:
    """Every beat from tick 0 to ``end_tick`` (default: the song's end), bar by bar."""
    end = song.end_tick() if end_tick is None else end_tick
    beats: list[Beat] = []
    for bar in iter_bars(song, 0, max(end, 1)):
        bl = beat_length(bar.numerator, bar.denominator)
        n = max(1, -(-bar.length // bl))
        for i in range(n):
            t = bar.start + i * bl
            beats.append(Beat(t, min(bl, bar.start + bar.length - t), bar.number, i, n))
    return beats


def pitch_weights(notes: np.ndarray, start: int, end: int, bass_bonus: float = 0.0) -> np.ndarray:
    """(12,) pitch-class weight of the notes sounding in [start, end): overlap in beats, doubled
    for a note that starts on ``start``; the lowest sounding note adds ``bass_bonus``."""
    w = np.zeros(12, np.float64)
    if len(notes) == 0 or end <= start:
        return w
    s = notes["start"].astype(np.int64)
    e = s + notes["duration"].astype(np.int64)
    keep = (s < end) & (e > start)
    if not keep.any():
        return w
    ov = (np.minimum(e[keep], end) - np.maximum(s[keep], start)) / float(end - start)
    ov = ov * np.where(s[keep] == start, 2.0, 1.0)
    pcs = notes["pitch"][keep].astype(np.int64) % 12
    np.add.at(w, pcs, ov)
    if bass_bonus:
        w[int(notes["pitch"][keep].min()) % 12] += bass_bonus
    return w


# ---- detection ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DetectedChord:
    tick: int
    length: int
    symbol: ChordSymbol
    confidence: float  # 0..1: the winner's share among the candidates


def _scores(w: np.ndarray, tones: np.ndarray, bass_pc: int | None) -> np.ndarray:
    total = w.sum()
    if total <= 0:
        return np.zeros(len(tones))
    hit = tones @ w / total                       # share of what sounds that the chord explains
    missing = (tones * (w <= 0)).sum(1) / tones.sum(1)   # share of the chord's tones not heard
    score = hit - 0.35 * missing - 0.02 * (tones.sum(1) - 3)  # prefer triads when they explain as much
    if bass_pc is not None:
        roots = np.repeat(np.arange(12), len(tones) // 12)
        score = score + 0.12 * (roots == bass_pc)
    return score


def detect_chords(song: Song, track_indices: list[int] | None = None, per: str = "beat",
                  start: int = 0, end: int | None = None, vocab: tuple[str, ...] = RICH,
                  merge: bool = True) -> list[DetectedChord]:
    """The chord each beat (``per="beat"``) or bar (``"bar"``) of ``song`` sounds, from the notes of
    the given tracks (default: every audible one) between ``start`` and ``end``; beats with no
    notes are N.C. With ``merge`` a chord repeated on following beats is one event."""
    if per not in ("beat", "bar"):
        raise ValueError(f"detect per 'beat' or 'bar', not {per!r}")
    tracks = song.tracks if track_indices is None else [song.tracks[i] for i in track_indices]
    tracks = [t for t in tracks if len(t.notes) and not t.is_drum and t.channel != DRUM_CHANNEL]
    notes = np.concatenate([t.notes for t in tracks]) if tracks else empty_notes()
    end = song.end_tick() if end is None else end
    spans = _spans(song, per, start, end)
    tones = class_tones(vocab)
    out: list[DetectedChord] = []
    for s, e in spans:
        w = pitch_weights(notes, s, e)
        if w.sum() <= 0:
            out.append(DetectedChord(s, e - s, NO_CHORD, 1.0))
            continue
        sounding = notes[(notes["start"] < e) & (notes["start"] + notes["duration"] > s)]
        bass = int(sounding["pitch"].min()) % 12 if len(sounding) > 1 else None
        sc = _scores(w, tones, bass)
        best = int(np.argmax(sc))
        p = np.exp((sc - sc.max()) * 12.0)
        out.append(DetectedChord(s, e - s, class_symbol(best, vocab, flats=_flat_key(song)), float(p[best] / p.sum())))
    if merge:
        out = _merged(out)
    return out


def detected_events(detected: list[DetectedChord]) -> list[ChordEvent]:
    """The detected chords as a chord track (N.C. where nothing sounds)."""
    return [ChordEvent(d.tick, d.symbol) for d in detected]


def _spans(song: Song, per: str, start: int, end: int) -> list[tuple[int, int]]:
    if per == "bar":
        return [(b.start, b.start + b.length) for b in iter_bars(song, start, max(end, start + 1))]
    return [(b.tick, b.tick + b.length) for b in beat_grid(song, end) if b.tick + b.length > start]


def _merged(chords: list[DetectedChord]) -> list[DetectedChord]:
    out: list[DetectedChord] = []
    for d in chords:
        if out and out[-1].symbol == d.symbol:
            prev = out[-1]
            n = prev.length + d.length
            conf = (prev.confidence * prev.length + d.confidence * d.length) / n
            out[-1] = DetectedChord(prev.tick, n, prev.symbol, conf)
        else:
            out.append(d)
    return out


def _flat_key(song: Song) -> bool:
    """Spell roots with flats in flat keys (F, Bb, Eb … and their minors)."""
    k = song.key
    major = (k.tonic + (3 if k.mode == "minor" else 0)) % 12
    return major in (5, 10, 3, 8, 1, 6)
