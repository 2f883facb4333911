"""Phrase structure as a feature: the bar-to-bar self-similarity (repetition) matrix of a melody,
compared between sets with Yang & Lerch's overlapping area (``yang_lerch.overlap``).

Why: per-window features (pitch histogram, intervals, note lengths) cannot tell a 16-bar tune with
repeats (AABA, call and response) from 16 unrelated bars chained together. The matrix can: entry
(i, j) is the share of 16th steps at which bars i and j hold the same event, so a repeated bar is a
1 off the diagonal. A set of generated phrases matches the data's structure when the distances
between its matrices and the data's sit like the data's among themselves (OA near 1).
"""
from __future__ import annotations

import numpy as np

from .yang_lerch import _distances, overlap

BAR_STEPS = 16


def bar_similarity(events: np.ndarray, bar_steps: int = BAR_STEPS) -> np.ndarray:
    """(bars, bars) share of steps at which two bars hold the same event (whole bars only).
    A bar's opening 'hold' is compared as such: a tie over the bar line is part of the pattern."""
    ev = np.asarray(events)
    bars = len(ev) // bar_steps
    b = ev[: bars * bar_steps].reshape(bars, bar_steps)
    return (b[:, None, :] == b[None, :, :]).mean(-1)


def repetition_vector(events: np.ndarray, bar_steps: int = BAR_STEPS) -> np.ndarray:
    """The matrix's entries above the diagonal, row by row: what the OA compares."""
    m = bar_similarity(events, bar_steps)
    return m[np.triu_indices(len(m), k=1)]


def repetition_oa(reference: np.ndarray, generated: np.ndarray, bar_steps: int = BAR_STEPS) -> dict[str, float]:
    """OA and KL of the reference's intra-set distances between repetition matrices against the
    reference-generated distances. Both sets: (n, steps) event windows of the same length."""
    ref = np.stack([repetition_vector(e, bar_steps) for e in reference])
    gen = np.stack([repetition_vector(e, bar_steps) for e in generated])
    if ref.shape[1] != gen.shape[1]:
        raise ValueError("the two sets must hold phrases of the same number of bars")
    oa, kl = overlap(_distances(ref), _distances(gen, ref))
    return {"oa": oa, "kl": kl}
