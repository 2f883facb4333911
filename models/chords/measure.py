"""Per-beat accuracy of chord suggestions against lead sheets' own chords, for the model and the two
baselines: top-1 and top-3, root + triad family (major/minor/diminished) and root only.

A beat is scored where the lead sheet has a chord; a suggestion's chord on a segment counts for
every beat of it. Top-3 counts a beat right when any of the three progressions has it right.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from latentroll.core.chord_detect import FAMILY, RICH, VOCABULARIES, reduce_quality

from .data import LeadSheet
from .features import SongBeats, segment_features, segments, song_beats
from .hmm import N_Q, STYLES, baseline_diatonic, beam_decode, expand_class, rule_emission
from .suggest import Suggester, SuggestRequest

_FAMILY_OF = np.array([FAMILY.index(reduce_quality(q, FAMILY)) for q in RICH])


def family(classes: np.ndarray) -> np.ndarray:
    """RICH class → root * 3 + family (-1 stays -1)."""
    classes = np.asarray(classes)
    root, q = np.divmod(np.maximum(classes, 0), N_Q)
    return np.where(classes < 0, -1, root * len(FAMILY) + _FAMILY_OF[q])


@dataclass
class Tally:
    beats: int = 0
    hits: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.hits[name] = self.hits.get(name, 0) + int(n)

    def rate(self, name: str) -> float:
        return round(self.hits.get(name, 0) / max(self.beats, 1), 4)


def beats_of(seq: list[int], segs: list[list[int]], n_beats: int) -> np.ndarray:
    out = np.full(n_beats, -1, np.int64)
    for c, idx in zip(seq, segs):
        out[idx] = c
    return out


def score_song(tally: Tally, name: str, target: np.ndarray, preds: list[np.ndarray]) -> None:
    """Add one song's hits for ``name`` (top-1 = preds[0], top-k = any)."""
    keep = target >= 0
    tf, tr = family(target[keep]), target[keep] // N_Q
    top1 = preds[0][keep]
    tally.add(f"{name}_top1", (family(top1) == tf).sum())
    tally.add(f"{name}_top1_root", (top1 // N_Q == tr).sum())
    anyf = np.zeros(keep.sum(), bool)
    anyr = np.zeros(keep.sum(), bool)
    for p in preds[:3]:
        anyf |= family(p[keep]) == tf
        anyr |= p[keep] // N_Q == tr
    tally.add(f"{name}_top3", anyf.sum())
    tally.add(f"{name}_top3_root", anyr.sum())


def leadsheet_beats(ls: LeadSheet) -> SongBeats:
    song = ls.to_song()
    end = max(song.end_tick(), max((c.tick for c in ls.chords), default=0) + 1)
    return song_beats(song, notes=ls.notes, chords=ls.chords, shift=ls.major_tonic, end_tick=end)


def measure_suggestions(suggester: Suggester, songs: list[LeadSheet] | list[SongBeats], rhythm: str = "bar",
                        vocab: str = "simple", baselines: bool = True) -> dict[str, float]:
    """Top-1/top-3 per-beat accuracy of ``suggester`` (and the baselines) on ``songs`` (lead sheets,
    or their ``leadsheet_beats``)."""
    tally = Tally()
    req = SuggestRequest(n=3, rhythm=rhythm, vocab=vocab, style=STYLES[0])
    voc = VOCABULARIES[vocab]
    start, trans = Suggester(suggester.tables).transitions(req)    # the count model's, unweighted
    allowed = np.ones(12 * len(voc), bool)
    for sb in (s if isinstance(s, SongBeats) else leadsheet_beats(s) for s in songs):
        segs = segments(sb.beats, rhythm)
        n_beats = len(sb.beats)
        tally.beats += int((sb.target >= 0).sum())
        seqs = suggester.decode(sb, segs, req)
        score_song(tally, "model", sb.target, [beats_of(s, segs, n_beats) for s in seqs])
        if baselines:
            feats = segment_features(sb, segs)
            score_song(tally, "diatonic", sb.target, [beats_of(baseline_diatonic(feats), segs, n_beats)])
            best = beam_decode(rule_emission(feats, voc), start, trans, allowed, n=3)
            score_song(tally, "markov", sb.target,
                       [beats_of([expand_class(c, voc) for c in s], segs, n_beats) for _, s in best])
    out = {k: tally.rate(k) for k in sorted(tally.hits)}
    out["beats"] = tally.beats
    return out
