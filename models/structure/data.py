"""The structure model's data: bar-aligned phrases of the melody corpus, cut into VAE segments,
each labelled new or a copy of an earlier segment, with the 2-bar VAE's latent of every segment.

Phrases come from the shared split by tune (``models/data/splits.py``), so a test tune is held
out here as it is from the VAE. Only tunes whose bar divides the 32-step segment (2/4, 4/4, 2/2,
4/2 ...) are read: in 3/4 or 6/8 a 2-bar VAE window is not 2 bars, and a repeat would not line
up with segments.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.models.data.corpus import Corpus
from latentroll.models.data.melody import FIRST_PITCH_CLASS, NO_EVENT, WindowSpec, held_pitch, windows_from_events
from latentroll.models.data.splits import SPLITS, split_ids, tune_events, window_hop

from .config import StructureConfig
from .whitening import StyleWhitening

NEW = 0  # label of a new segment; label j + 1 means "copy segment j"


def segment_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Share of event steps (a note-on or note-off in either) at which two segments agree, along the
    last axis (broadcasting). Holds are left out: two segments of quarter notes would otherwise
    look 3/4 alike whatever their pitches."""
    a, b = np.asarray(a), np.asarray(b)
    events = (a != NO_EVENT) | (b != NO_EVENT)
    same = (a == b) & events
    return same.sum(-1) / np.maximum(events.sum(-1), 1)


def repeat_labels(segments: np.ndarray, threshold: float) -> np.ndarray:
    """(..., S) labels of (..., S, steps) segments: 0 for new, j + 1 when segment j is the earliest
    earlier segment at least ``threshold`` alike (``segment_similarity``)."""
    seg = np.asarray(segments)
    sim = segment_similarity(seg[..., :, None, :], seg[..., None, :, :])  # (..., S, S)
    s = seg.shape[-2]
    earlier = np.tril(np.ones((s, s), bool), k=-1)
    hit = (sim >= threshold) & earlier
    return np.where(hit.any(-1), hit.argmax(-1) + 1, NEW).astype(np.int64)


def standalone_segments(phrase: np.ndarray, segment_steps: int) -> np.ndarray:
    """(S, steps) segments of a phrase as the VAE reads them: a note held into a segment is
    re-struck at its start, a hold over silence becomes a note-off (``melody.standalone``)."""
    ev = np.asarray(phrase, dtype=np.uint8)
    held = held_pitch(ev)
    seg = ev.reshape(-1, segment_steps).copy()
    starts = np.arange(len(seg)) * segment_steps
    hold = seg[:, 0] == NO_EVENT
    seg[hold, 0] = np.where(held[starts[hold]] >= FIRST_PITCH_CLASS, held[starts[hold]], 1)
    return seg


@dataclass
class PhraseSet:
    """Phrases of one split: the events as in the tune, the VAE's segments, labels and latents."""

    events: np.ndarray    # (n, S·steps) uint8, the phrase as in the tune
    segments: np.ndarray  # (n, S, steps) uint8, standalone segments
    labels: np.ndarray    # (n, S) int64, 0 new / j + 1 copy of j
    styles: np.ndarray    # (n,) int64
    tunes: np.ndarray     # (n,) int64, index into the split's tune list
    latents: np.ndarray | None = None  # (n, S, z) float32: the VAE's μ, a copy's taken from its source

    def __len__(self) -> int:
        return len(self.events)


def aligned(meter: tuple[int, int], segment_steps: int) -> bool:
    """Whether bars of ``meter`` fit a segment a whole number of times."""
    return segment_steps % window_hop(meter) == 0


def build_phrases(tunes, style_names, cfg: StructureConfig) -> PhraseSet:
    """Every phrase of ``cfg.segments`` segments starting on a segment line of each aligned tune
    (every ``hop_segments``), kept when each of its segments has a note."""
    spec = WindowSpec(cfg.phrase_steps, cfg.hop_segments, 1)
    ev, seg, st, tu = [], [], [], []
    for i, tune in enumerate(tunes):
        if not aligned(tune.meter, cfg.segment_steps):
            continue
        for w in windows_from_events(tune_events(tune), cfg.segment_steps, spec):
            s = standalone_segments(w, cfg.segment_steps)
            if (s >= FIRST_PITCH_CLASS).any(-1).all():
                ev.append(w)
                seg.append(s)
                st.append(style_names.index(tune.style))
                tu.append(i)
    n, steps = len(ev), cfg.phrase_steps
    events = np.stack(ev) if n else np.zeros((0, steps), np.uint8)
    segments = np.stack(seg) if n else np.zeros((0, cfg.segments, cfg.segment_steps), np.uint8)
    return PhraseSet(events, segments, repeat_labels(segments, cfg.copy_threshold),
                     np.asarray(st, np.int64), np.asarray(tu, np.int64))


def attach_latents(data: PhraseSet, encode, z_dim: int, batch: int = 2048) -> PhraseSet:
    """Fill ``data.latents`` with ``encode((m, steps) segments) -> (m, z)`` of every distinct
    segment; a copy's latent is its source's (what sampling feeds back for a copy)."""
    n, s, steps = data.segments.shape
    flat = data.segments.reshape(n * s, steps)
    uniq, inverse = np.unique(flat, axis=0, return_inverse=True) if len(flat) else (flat, np.zeros(0, int))
    z = np.concatenate([encode(uniq[i: i + batch]) for i in range(0, len(uniq), batch)]) if len(uniq) \
        else np.zeros((0, z_dim), np.float32)
    if z.shape[1] != z_dim:
        raise ValueError(f"the VAE's latents have {z.shape[1]} dimensions, the config expects {z_dim}")
    lat = z[np.asarray(inverse).reshape(-1)].reshape(n, s, z_dim).astype(np.float32)
    src = np.where(data.labels > NEW, data.labels - 1, np.arange(s)[None, :])
    data.latents = np.take_along_axis(lat, src[..., None], axis=1)
    return data


@dataclass
class StructureData:
    train: PhraseSet
    valid: PhraseSet
    test: PhraseSet


def structure_data(corpus: Corpus, cfg: StructureConfig, encode=None,
                   whitening: StyleWhitening | None = None) -> StructureData:
    """Phrases of each split (the shared split by tune); with ``encode``, their latents too, in
    their style's coordinates when ``whitening`` is given (a config with ``whiten`` needs it)."""
    if encode is not None and cfg.whiten and whitening is None:
        raise ValueError(f"structure config {cfg.name!r} models whitened latents: its VAE ships no style Gaussians")
    ids = split_ids(corpus)
    sets = {}
    for name in SPLITS:
        keep = set(ids[name])
        sets[name] = build_phrases([t for t in corpus.tunes if t.tune_id in keep], list(cfg.styles), cfg)
        if encode is not None:
            attach_latents(sets[name], encode, cfg.z_dim)
            if cfg.whiten:
                sets[name].latents = whitening.whiten(sets[name].latents, sets[name].styles)
    return StructureData(**sets)


def phrase_counts(corpus: Corpus, data: StructureData) -> dict:
    """What a run records about its data (the card's Data section): phrases per split and how
    often a segment copies an earlier one."""
    out = {"tunes": len(corpus.tunes), "by_style": corpus.by_style(),
           "phrases": {k: len(getattr(data, k)) for k in SPLITS}}
    for k in SPLITS:
        lab = getattr(data, k).labels
        out[f"copy_share_{k}"] = round(float((lab > NEW).mean()), 4) if lab.size else 0.0
    return out
