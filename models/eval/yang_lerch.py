"""Yang & Lerch (2018) set comparison: how close a generated set's feature distributions are to data.

For each feature, the intra-set distances of the reference set and the inter-set distances between
generated and reference pieces are smoothed with a Gaussian KDE; the overlapping area (OA) of the
two densities is 1 when the generated pieces sit among the data exactly as the data sit among
themselves. Pieces here are event windows (16th steps, see ``models/data/melody.py``).
"""
from __future__ import annotations

import numpy as np
from scipy.stats import gaussian_kde

from latentroll.models.data.melody import FIRST_PITCH_CLASS, MIN_PITCH, events_to_notes

FEATURES = ("pitch_class_histogram", "pitch_range", "average_interval", "ioi", "note_length_histogram")
_LENGTH_BINS = np.array([1, 2, 3, 4, 6, 8, 12, 16, 10_000])


def piece_features(events: np.ndarray) -> dict[str, np.ndarray]:
    ev = np.asarray(events, dtype=np.int64)
    p = ev[ev >= FIRST_PITCH_CLASS] - FIRST_PITCH_CLASS + MIN_PITCH
    notes = events_to_notes(ev)
    onsets = np.flatnonzero(ev >= FIRST_PITCH_CLASS)
    pch = np.bincount(p % 12, minlength=12).astype(float)
    pch = pch / pch.sum() if pch.sum() else pch
    steps = notes["duration"] // 120
    lh = np.histogram(steps, bins=_LENGTH_BINS)[0].astype(float)
    lh = lh / lh.sum() if lh.sum() else lh
    return {
        "pitch_class_histogram": pch,
        "pitch_range": np.array([float(p.max() - p.min()) if len(p) else 0.0]),
        "average_interval": np.array([float(np.abs(np.diff(p)).mean()) if len(p) > 1 else 0.0]),
        "ioi": np.array([float(np.diff(onsets).mean()) if len(onsets) > 1 else float(len(ev))]),
        "note_length_histogram": lh,
    }


def _matrix(pieces: np.ndarray, feature: str) -> np.ndarray:
    return np.stack([piece_features(e)[feature] for e in pieces])


def _distances(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    if b is None:
        d = np.linalg.norm(a[:, None] - a[None], axis=-1)
        return d[~np.eye(len(a), dtype=bool)]
    return np.linalg.norm(a[:, None] - b[None], axis=-1).ravel()


def _kde(x: np.ndarray):
    x = np.asarray(x, dtype=float)
    if np.ptp(x) == 0:  # a degenerate set: jitter so the KDE exists
        x = x + np.random.default_rng(0).normal(0, 1e-3, len(x))
    return gaussian_kde(x)


def overlap(intra: np.ndarray, inter: np.ndarray, points: int = 1000) -> tuple[float, float]:
    """(overlapping area, KL(intra || inter)) of two distance distributions."""
    lo = min(intra.min(), inter.min())
    hi = max(intra.max(), inter.max())
    pad = 0.1 * (hi - lo + 1e-6)
    grid = np.linspace(lo - pad, hi + pad, points)
    p, q = _kde(intra)(grid), _kde(inter)(grid)
    dx = grid[1] - grid[0]
    p, q = p / (p.sum() * dx), q / (q.sum() * dx)
    oa = float(np.minimum(p, q).sum() * dx)
    eps = 1e-10
    kl = float((p * np.log((p + eps) / (q + eps))).sum() * dx)
    return oa, kl


def compare_sets(reference: np.ndarray, generated: np.ndarray) -> dict[str, dict[str, float]]:
    """Per feature: OA and KL between reference intra-set and reference–generated inter-set distances."""
    out = {}
    for f in FEATURES:
        ref, gen = _matrix(reference, f), _matrix(generated, f)
        oa, kl = overlap(_distances(ref), _distances(gen, ref))
        out[f] = {"oa": oa, "kl": kl}
    return out
