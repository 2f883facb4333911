"""The chord suggestion model: an HMM over key-relative chord classes with learned emissions, and
the two rule baselines it is measured against.

States are the RICH chord classes in C (12 roots x 12 qualities). A segment's melody (beat-weighted
pitch classes) is emitted by its chord as a multinomial over the 12 intervals above the chord's
root, one table per quality, plus a key-relative table per chord (how melodies in C sit over this
chord): both counted on the training songs, add-alpha smoothed. Transitions are a first-order chord
Markov chain per style (lead sheets; chorales), with a "stay" probability for harmonic rhythm.
Decoding is a beam search that returns N ranked, mutually different progressions.

Baselines (as the issue names them):
- ``diatonic``: per segment, the key's diatonic triad that covers the most melody weight;
- ``markov``: the same transitions with a rule emission (melody weight on chord tones).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.core.chord_detect import RICH, SIMPLE, class_tones

from .features import RHYTHMS

N_Q = len(RICH)
N_CLASSES = 12 * N_Q
STYLES = ("songbook", "chorale")
N_TABLES = len(STYLES) * len(RHYTHMS)   # one transition table per style and harmonic rhythm
DIATONIC = ("C", "Dm", "Em", "F", "G", "Am", "Bdim")


@dataclass
class ChordTables:
    """What the model learned, as arrays (saved as safetensors)."""

    interval_logp: np.ndarray   # (N_Q, 12) log P(melody interval above root | quality)
    key_logp: np.ndarray        # (N_CLASSES, 12) log P(melody pitch class in C | chord)
    start_logp: np.ndarray      # (N_TABLES, N_CLASSES)
    trans_logp: np.ndarray      # (N_TABLES, N_CLASSES, N_CLASSES) log P(next | prev), change or stay
    prior_logp: np.ndarray      # (N_CLASSES,) log P(chord)

    def transitions(self, style: str, rhythm: str) -> tuple[np.ndarray, np.ndarray]:
        i = table_index(style, rhythm)
        return self.start_logp[i], self.trans_logp[i]

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.ascontiguousarray(v, np.float32) for k, v in self.__dict__.items()}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "ChordTables":
        return cls(**{k: np.asarray(arrays[k], np.float32) for k in cls.__dataclass_fields__})


def table_index(style: str, rhythm: str) -> int:
    return STYLES.index(style) * len(RHYTHMS) + RHYTHMS.index(rhythm)


@dataclass(frozen=True)
class DecodeParams:
    """How the count emission is made (the values measured best on the valid songs)."""

    emission_weight: float = 1.0
    key_mix: float = 0.5          # weight of the key-relative emission vs the interval one
    prior_weight: float = 0.0


def _norm_log(counts: np.ndarray, alpha: float) -> np.ndarray:
    c = counts + alpha
    return np.log(c / c.sum(-1, keepdims=True))


def fit_tables(feature_sets: list[list[tuple[np.ndarray, np.ndarray]]], alpha: float = 0.5,
               trans_alpha: float = 0.2, emission_styles: tuple[int, ...] = (0,)) -> ChordTables:
    """Count the tables. ``feature_sets[style]`` is a list of songs, each (S, 12) segment features
    and (S,) segment targets (RICH classes, -1 = none); the list is indexed by ``table_index``. Emissions are counted on
    ``emission_styles`` only (a chorale's derived chords contain its soprano by construction)."""
    iv = np.zeros((N_Q, 12))
    key = np.zeros((N_CLASSES, 12))
    prior = np.zeros(N_CLASSES)
    styles = len(feature_sets)
    start = np.zeros((styles, N_CLASSES))
    trans = np.zeros((styles, N_CLASSES, N_CLASSES))
    for s, songs in enumerate(feature_sets):
        for feats, targets in songs:
            prev = -1
            for f, c in zip(feats, targets):
                if c < 0:
                    prev = -1
                    continue
                root, q = divmod(int(c), N_Q)
                if s in emission_styles:
                    iv[q] += np.roll(f, -root)
                    key[c] += f
                    prior[c] += 1
                if prev < 0:
                    start[s, c] += 1
                else:
                    trans[s, prev, c] += 1
                prev = c
    # Transitions back off to the prior shape, so an unseen chord pair is possible but unlikely.
    p = (prior + 1) / (prior + 1).sum()
    trans_logp = np.log((trans + trans_alpha * p * N_CLASSES / 10) /
                        (trans + trans_alpha * p * N_CLASSES / 10).sum(-1, keepdims=True))
    start_logp = np.log((start + p * 2) / (start + p * 2).sum(-1, keepdims=True))
    # A chord seen rarely falls back on its quality's interval table placed on its root.
    shape = _rolled(iv)
    key_logp = _norm_log(key + 4.0 * shape / shape.sum(-1, keepdims=True), 1e-3)
    return ChordTables(_norm_log(iv, alpha), key_logp, start_logp, trans_logp, np.log(p))


def _rolled(iv: np.ndarray) -> np.ndarray:
    """(N_CLASSES, 12) the interval table placed on each root: the key table's smoothing prior."""
    out = np.zeros((N_CLASSES, 12))
    for root in range(12):
        for q in range(N_Q):
            out[root * N_Q + q] = np.roll(iv[q] + 0.5, root)
    return out


def emission_scores(tables: ChordTables, feats: np.ndarray, params: DecodeParams) -> np.ndarray:
    """(S, N_CLASSES) log-likelihood of each segment's melody under each chord."""
    iv_full = np.stack([np.roll(tables.interval_logp[q], root) for root in range(12) for q in range(N_Q)])
    lp = (1 - params.key_mix) * iv_full + params.key_mix * tables.key_logp
    return params.emission_weight * feats @ lp.T + params.prior_weight * tables.prior_logp


def beam_decode(emit: np.ndarray, start: np.ndarray, trans: np.ndarray, allowed: np.ndarray,
                n: int = 3, beam: int = 48, min_diff: float = 0.1) -> list[tuple[float, list[int]]]:
    """The ``n`` best progressions (score, classes per segment) that differ from each other in at
    least ``min_diff`` of their segments, from a beam search over the HMM."""
    S = len(emit)
    if S == 0:
        return [(0.0, [])]
    neg = np.where(allowed, 0.0, -np.inf)
    scores = start + emit[0] + neg
    order = np.argsort(-scores)[:beam]
    hyps = [(float(scores[c]), [int(c)]) for c in order if np.isfinite(scores[c])]
    for t in range(1, S):
        cand_scores = []
        for sc, seq in hyps:
            row = sc + trans[seq[-1]] + emit[t] + neg
            top = np.argpartition(-row, min(beam, len(row) - 1))[:beam]
            cand_scores.extend((float(row[c]), seq, int(c)) for c in top if np.isfinite(row[c]))
        cand_scores.sort(key=lambda x: -x[0])
        hyps = [(sc, seq + [c]) for sc, seq, c in cand_scores[:beam]]
    picked: list[tuple[float, list[int]]] = []
    for sc, seq in hyps:
        if all(np.mean(np.array(seq) != np.array(p)) >= min_diff for _, p in picked):
            picked.append((sc, seq))
        if len(picked) == n:
            break
    return picked or hyps[:1]


# ---- baselines -------------------------------------------------------------------------------
def diatonic_classes() -> list[int]:
    from latentroll.core.chord_detect import chord_class
    from latentroll.core.chords import parse_chord

    return [chord_class(parse_chord(t), RICH) for t in DIATONIC]


def baseline_diatonic(feats: np.ndarray) -> list[int]:
    """Per segment, the diatonic triad of C with the most melody weight on its tones (ties: the
    earlier of I, ii, iii, IV, V, vi, vii°, nudged to I, IV, V)."""
    tones = class_tones(RICH)
    cls = diatonic_classes()
    bonus = np.array([0.03, 0, 0, 0.02, 0.025, 0.01, -0.01])
    out = []
    for f in feats:
        if f.sum() <= 0:
            out.append(cls[0] if not out else out[-1])
            continue
        cover = tones[cls] @ f / f.sum() + bonus
        out.append(cls[int(np.argmax(cover))])
    return out


def rule_emission(feats: np.ndarray, vocab: tuple[str, ...] = SIMPLE, weight: float = 4.0) -> np.ndarray:
    """(S, 12 * len(vocab)) the baseline's emission: ``weight`` x the share of melody weight on
    each chord's tones."""
    tones = class_tones(vocab)
    tot = np.maximum(feats.sum(1, keepdims=True), 1e-6)
    return weight * (feats @ tones.T) / tot


# ---- answering in a smaller vocabulary -------------------------------------------------------
# The model scores the 144 RICH classes; asked for the simple vocabulary it adds up the classes
# each simple chord stands for (Am7 and Am6 are "Am"), rather than discarding them.
def group_index(vocab: tuple[str, ...]) -> np.ndarray:
    """(N_CLASSES,) the class of ``vocab`` each RICH class reduces to (root * len(vocab) + quality)."""
    from latentroll.core.chord_detect import reduce_quality

    q_of = np.array([vocab.index(reduce_quality(q, vocab)) for q in RICH])
    roots, qs = np.divmod(np.arange(N_CLASSES), N_Q)
    return roots * len(vocab) + q_of[qs]


def _logsumexp_groups(x: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """Log-sum-exp over the last axis within each group → (..., n)."""
    m = x.max(-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.exp(x - m)
    out = np.zeros(x.shape[:-1] + (n,))
    np.add.at(np.moveaxis(out, -1, 0), groups, np.moveaxis(e, -1, 0))
    with np.errstate(divide="ignore"):
        return np.log(out) + m


def reduce_scores(logp: np.ndarray, vocab: tuple[str, ...]) -> np.ndarray:
    """(..., N_CLASSES) log probabilities → (..., 12 * len(vocab)), summed within each class."""
    return _logsumexp_groups(logp, group_index(vocab), 12 * len(vocab))


def reduce_transitions(start: np.ndarray, trans: np.ndarray, prior: np.ndarray,
                       vocab: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The transition table between ``vocab`` classes: P(b | a) = sum over the RICH classes a'
    of a (weighted by their prior) and b' of b of P(b' | a')."""
    g = group_index(vocab)
    n = 12 * len(vocab)
    p = np.exp(prior)
    t = np.exp(trans) * p[:, None]
    rows = np.zeros((n, N_CLASSES))
    np.add.at(rows, g, t)
    red = np.zeros((n, n))
    np.add.at(red.T, g, rows.T)
    red = red / np.maximum(red.sum(1, keepdims=True), 1e-12)
    with np.errstate(divide="ignore"):
        return reduce_scores(start, vocab), np.log(np.maximum(red, 1e-12))


def expand_class(index: int, vocab: tuple[str, ...]) -> int:
    """A ``vocab`` class back as its RICH class."""
    root, q = divmod(int(index), len(vocab))
    return root * N_Q + RICH.index(vocab[q])
