"""Chord progressions for a melody: the suggestion model's decode, from a Song to chord tracks.

The melody is put on its beat grid, transposed to C by its key, cut into segments (bars or half
bars); each segment gets a score per chord class (the tagger's log posterior, corrected by the
chord prior, optionally mixed with the count HMM's emission), and a beam search over the style's
transition table returns N ranked, mutually different progressions, transposed back. Melodies
longer than ``MAX_SEGMENTS`` segments are decoded in chunks that carry the last chord over, so a
10-minute melody takes seconds, not minutes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.chord_detect import RICH, VOCABULARIES, class_symbol
from latentroll.core.chords import ChordEvent
from latentroll.core.song import Song

from ..common.errors import MelodyError
from .features import RHYTHMS, SongBeats, melody_notes, segment_features, segments, song_beats
from .hmm import (
    STYLES,
    ChordTables,
    DecodeParams,
    beam_decode,
    emission_scores,
    expand_class,
    reduce_scores,
    reduce_transitions,
)

MAX_SEGMENTS = 64           # decoded at once; longer melodies go in chunks
MAX_MINUTES = 20.0          # beyond this a melody is refused (not a song)
_FLAT_KEYS = (5, 10, 3, 8, 1, 6)


@dataclass(frozen=True)
class SuggestRequest:
    n: int = 3
    rhythm: str = "bar"        # one of features.RHYTHMS
    vocab: str = "simple"      # "simple" or "rich"
    style: str = "songbook"    # one of hmm.STYLES


@dataclass
class Progression:
    """One suggestion: chords on the song's ticks and its rank (0 = best)."""

    chords: list[ChordEvent]
    rank: int

    @property
    def text(self) -> str:
        return " ".join(c.symbol.text for c in self.chords)


@dataclass(frozen=True)
class Weights:
    """How a segment's chord scores are made (the config's decoding fields)."""

    tagger: float = 1.0
    prior_correction: float = 0.3
    transition: float = 0.3
    hmm: float = 0.6
    beam: int = 24

    @classmethod
    def of(cls, cfg) -> "Weights":
        return cls(cfg.tagger_weight, cfg.prior_correction, cfg.transition_weight, cfg.hmm_weight, cfg.beam)


def check_request(req: SuggestRequest) -> None:
    if req.rhythm not in RHYTHMS:
        raise MelodyError(f"harmonic rhythm must be one of {', '.join(RHYTHMS)}, not {req.rhythm!r}")
    if req.vocab not in VOCABULARIES:
        raise MelodyError(f"chord vocabulary must be one of {', '.join(VOCABULARIES)}, not {req.vocab!r}")
    if req.style not in STYLES:
        raise MelodyError(f"chord style must be one of {', '.join(STYLES)}, not {req.style!r}")
    if not 1 <= req.n <= 10:
        raise MelodyError(f"ask for 1 to 10 progressions, not {req.n}")


def check_melody(song: Song) -> np.ndarray:
    """The melody a suggestion listens to, or a MelodyError a user can act on."""
    notes = melody_notes(song)
    if len(notes) == 0:
        raise MelodyError("there is no melody to suggest chords for: the song has no notes")
    end = int((notes["start"].astype(np.int64) + notes["duration"]).max())
    minutes = song.tick_to_seconds(end) / 60.0
    if minutes > MAX_MINUTES:
        raise MelodyError(f"the melody is {minutes:.0f} minutes long; chord suggestion takes up to "
                          f"{MAX_MINUTES:.0f} minutes (select a part)")
    return notes


class Suggester:
    """The count tables and, when trained, the tagger; ``scores`` + ``decode`` make progressions."""

    def __init__(self, tables: ChordTables, tagger=None, weights: Weights = Weights()):
        self.tables = tables
        self.tagger = tagger
        self.weights = weights

    def scores(self, sb: SongBeats, segs: list[list[int]], rhythm: str, vocab: tuple[str, ...] = RICH,
               style: str = STYLES[0]) -> np.ndarray:
        """(S, 12 * len(vocab)) log score of each chord class of ``vocab`` on each segment: the
        tagger's log posterior less ``prior_correction`` x the log prior, plus the count HMM's
        emission; a smaller vocabulary adds up the RICH classes each of its chords stands for."""
        w = self.weights
        prior = self.tables.prior_logp
        feats = segment_features(sb, segs)
        hmm = emission_scores(self.tables, feats, DecodeParams())      # log P(melody | chord)
        red = (lambda x: x) if vocab == RICH else (lambda x: reduce_scores(x, vocab))
        prior_r = red(prior)
        hmm_r = red(hmm + prior) - prior_r
        if self.tagger is None:
            return hmm_r
        import torch

        from .network import segment_inputs

        x = torch.from_numpy(segment_inputs(sb, segs, rhythm == "half", style == "chorale"))[None]
        with torch.no_grad():
            lp = torch.log_softmax(self.tagger(x)[0], -1).numpy().astype(np.float64)
        return w.tagger * (red(lp) - w.prior_correction * prior_r) + w.hmm * hmm_r

    def transitions(self, req: SuggestRequest) -> tuple[np.ndarray, np.ndarray]:
        """(start, trans) over the request's vocabulary, weighted."""
        start, trans = self.tables.transitions(req.style, req.rhythm)
        vocab = VOCABULARIES[req.vocab]
        if vocab != RICH:
            start, trans = reduce_transitions(start, trans, self.tables.prior_logp, vocab)
        tw = self.weights.transition if self.tagger is not None else 1.0
        return tw * start, tw * trans

    def decode(self, sb: SongBeats, segs: list[list[int]], req: SuggestRequest) -> list[list[int]]:
        """N RICH class sequences (key-relative), decoded in chunks of MAX_SEGMENTS."""
        vocab = VOCABULARIES[req.vocab]
        emit = self.scores(sb, segs, req.rhythm, vocab, req.style)
        start, trans = self.transitions(req)
        allowed = np.ones(emit.shape[1], bool)
        seqs: list[list[int]] = [[] for _ in range(req.n)]
        for c0 in range(0, len(segs), MAX_SEGMENTS):
            first = start if c0 == 0 else trans[seqs[0][-1]]
            pool = beam_decode(emit[c0:c0 + MAX_SEGMENTS], first, trans, allowed, n=POOL * req.n,
                               beam=self.weights.beam)
            best = distinct_progressions(pool, req.n)
            for i in range(req.n):
                seqs[i] += best[min(i, len(best) - 1)][1]
        return [[expand_class(c, vocab) for c in seq] for seq in seqs]

    def suggest(self, song: Song, req: SuggestRequest = SuggestRequest()) -> list[Progression]:
        """N ranked progressions for the song's melody, as chord tracks in the song's key."""
        check_request(req)
        notes = check_melody(song)
        end = int((notes["start"].astype(np.int64) + notes["duration"]).max())
        sb = song_beats(song, notes=notes, chords=[], end_tick=end)
        segs = segments(sb.beats, req.rhythm)
        flats = sb.shift in _FLAT_KEYS
        out: list[Progression] = []
        seen: set[tuple] = set()
        for seq in self.decode(sb, segs, req):
            if tuple(seq) in seen:
                continue
            seen.add(tuple(seq))
            chords: list[ChordEvent] = []
            for cls, idx in zip(seq, segs):
                sym = class_symbol(transpose_class(cls, sb.shift), RICH, flats)
                if not chords or chords[-1].symbol != sym:
                    chords.append(ChordEvent(sb.beats[idx[0]].tick, sym))
            out.append(Progression(chords, len(out)))
        return out


POOL = 4  # n-best candidates looked at per wanted suggestion


def distinct_progressions(pool: list[tuple[float, list[int]]], n: int) -> list[tuple[float, list[int]]]:
    """The ``n`` best of ``pool`` whose chord changes (repeats merged) differ: two progressions
    that only move a change by a bar read the same to a user ("G D G D7 G" three times). Filled up
    with the next best when the pool has fewer distinct ones."""
    def changes(seq: list[int]) -> tuple[int, ...]:
        return tuple(c for i, c in enumerate(seq) if i == 0 or c != seq[i - 1])

    picked, seen = [], set()
    for item in pool:
        key = changes(item[1])
        if key not in seen:
            seen.add(key)
            picked.append(item)
        if len(picked) == n:
            return picked
    return picked + [item for item in pool if item not in picked][:n - len(picked)]


def transpose_class(cls: int, semitones: int) -> int:
    if cls < 0:
        return cls
    root, q = divmod(cls, len(RICH))
    return (root + semitones) % 12 * len(RICH) + q
