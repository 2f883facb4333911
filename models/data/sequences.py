"""Whole-tune event sequences and bar-aligned chunks of them: what the melody language model reads.

A language model should see tunes as they run (phrase after phrase), not isolated 2-bar windows,
so tunes are cut into long chunks (e.g. 128 steps) starting on bar lines, with overlap; a tune
shorter than a chunk is one padded chunk. Each chunk keeps the steps per bar of its tune, so the
model knows where the beats are.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .corpus import Corpus, Tune
from .melody import FIRST_PITCH_CLASS, NOTE_OFF, held_pitch, standalone
from .splits import SPLITS, split_ids, tune_events, window_hop


@dataclass
class SequenceSet:
    """Event chunks padded to one length (padding is 0 and lies beyond ``lengths``)."""

    events: np.ndarray   # (n, length) uint8
    lengths: np.ndarray  # (n,) int64 real steps per row
    bars: np.ndarray     # (n,) int64 steps per bar (rows start on a bar line)
    styles: np.ndarray   # (n,) int64
    tunes: np.ndarray    # (n,) int64 index into the tune list used to build it

    def __len__(self) -> int:
        return len(self.events)

    def take(self, idx) -> "SequenceSet":
        return SequenceSet(self.events[idx], self.lengths[idx], self.bars[idx], self.styles[idx], self.tunes[idx])

    def steps(self) -> int:
        return int(self.lengths.sum())

    def rows(self) -> list[np.ndarray]:
        """Each row's real events, without padding."""
        return [e[:n] for e, n in zip(self.events, self.lengths)]


def tune_chunks(events: np.ndarray, bar: int, length: int, hop: int, min_onsets: int = 2) -> list[np.ndarray]:
    """Bar-aligned chunks of at most ``length`` steps, one every ``hop`` steps (rounded to whole bars);
    the last chunk reaches the tune's end. Chunks with fewer than ``min_onsets`` note-ons are dropped."""
    ev = np.asarray(events, dtype=np.uint8)
    if len(ev) == 0:
        return []
    held = held_pitch(ev)
    stride = max(1, int(round(hop / bar))) * bar
    out = []
    for s in range(0, len(ev), stride):
        c = standalone(ev[s: s + length], held[s])
        if int((c >= FIRST_PITCH_CLASS).sum()) >= min_onsets:
            out.append(c)
        if s + length >= len(ev):
            break
    return out


def _pack(rows: list[np.ndarray], bars: list[int], styles: list[int], tunes: list[int], length: int) -> SequenceSet:
    events = np.zeros((len(rows), length), dtype=np.uint8)
    for i, r in enumerate(rows):
        events[i, : len(r)] = r
    return SequenceSet(events, np.array([len(r) for r in rows], dtype=np.int64), np.array(bars, dtype=np.int64),
                       np.array(styles, dtype=np.int64), np.array(tunes, dtype=np.int64))


def build_sequences(tunes: list[Tune], style_names: list[str], length: int | None, hop: int | None = None,
                    min_onsets: int = 2) -> SequenceSet:
    """Chunks of every tune (``length`` None: each whole tune is one row, padded to the longest)."""
    rows, bars, styles, idx = [], [], [], []
    for i, tune in enumerate(tunes):
        ev = tune_events(tune)
        bar = window_hop(tune.meter)
        chunks = [standalone(ev, NOTE_OFF)] if length is None else tune_chunks(ev, bar, length, hop or length,
                                                                             min_onsets)
        for c in chunks:
            if len(c) == 0:
                continue
            rows.append(c)
            bars.append(bar)
            styles.append(style_names.index(tune.style))
            idx.append(i)
    width = length if length is not None else max((len(r) for r in rows), default=0)
    return _pack(rows, bars, styles, idx, width)


@dataclass
class SequenceData:
    train: SequenceSet  # chunks for training (or whole tunes, see ``sequence_data``)
    valid: SequenceSet  # whole tunes
    test: SequenceSet   # whole tunes


def sequence_data(corpus: Corpus, cfg, whole_train: bool = False) -> SequenceData:
    """Training chunks of ``cfg.chunk`` steps every ``cfg.chunk_hop`` (or whole training tunes when
    ``whole_train``, as count-based baselines want them); held-out tunes always whole."""
    ids = split_ids(corpus)
    parts = {name: [t for t in corpus.tunes if t.tune_id in set(ids[name])] for name in SPLITS}
    styles = list(cfg.styles)
    return SequenceData(
        train=build_sequences(parts["train"], styles, None if whole_train else cfg.chunk, cfg.chunk_hop),
        valid=build_sequences(parts["valid"], styles, None),
        test=build_sequences(parts["test"], styles, None),
    )
