"""Train/valid/test split by tune (never by window), stratified by style, with a fixed seed.

Every model uses this split, so a tune held out from one model is held out from all of them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .corpus import Corpus, Tune
from .melody import FIRST_PITCH_CLASS, WindowSpec, bar_steps, notes_to_events, windows_from_events

SPLIT_SEED = 20261122
SPLITS = ("train", "valid", "test")


def split_ids(corpus: Corpus, valid: float = 0.1, test: float = 0.1, seed: int = SPLIT_SEED) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {s: [] for s in SPLITS}
    rng = np.random.default_rng(seed)
    by_style: dict[str, list[str]] = {}
    for t in corpus.tunes:
        by_style.setdefault(t.style, []).append(t.tune_id)
    for style in sorted(by_style):
        ids = sorted(by_style[style])
        rng.shuffle(ids)
        n_test = max(1, int(round(len(ids) * test)))
        n_valid = max(1, int(round(len(ids) * valid)))
        out["test"] += ids[:n_test]
        out["valid"] += ids[n_test: n_test + n_valid]
        out["train"] += ids[n_test + n_valid:]
    return out


def tune_events(tune: Tune, voice: int = 0) -> np.ndarray:
    n = tune.voice(voice)
    return notes_to_events(n[:, 0], n[:, 1], n[:, 2])


@dataclass
class WindowSet:
    """Melody windows with their style index and the index of the tune they came from."""

    events: np.ndarray  # (n, length) uint8
    styles: np.ndarray  # (n,) int64
    tunes: np.ndarray   # (n,) int64, index into the tune list used to build it

    def __len__(self) -> int:
        return len(self.events)

    def take(self, idx) -> "WindowSet":
        return WindowSet(self.events[idx], self.styles[idx], self.tunes[idx])


def window_hop(meter: tuple[int, int]) -> int:
    """Steps between window starts: one bar, or 16 steps for meters shorter than a half note
    (1/4, 1/8 ... in Essen tunes mark free or changing meter, not real one-beat bars)."""
    steps = bar_steps(*meter)
    return steps if steps >= 8 else 16


def build_windows(tunes: list[Tune], style_names: list[str], spec: WindowSpec = WindowSpec()) -> WindowSet:
    ev, st, tu = [], [], []
    for i, tune in enumerate(tunes):
        w = windows_from_events(tune_events(tune), window_hop(tune.meter), spec)
        if len(w):
            ev.append(w)
            st.append(np.full(len(w), style_names.index(tune.style)))
            tu.append(np.full(len(w), i))
    if not ev:
        return WindowSet(np.zeros((0, spec.length), np.uint8), np.zeros(0, np.int64), np.zeros(0, np.int64))
    return WindowSet(np.concatenate(ev), np.concatenate(st).astype(np.int64), np.concatenate(tu).astype(np.int64))


def split_tunes(corpus: Corpus, split: str, limit: int | None = None, seed: int = 0) -> list[tuple[np.ndarray, int]]:
    """(events, steps per bar) of a split's whole tunes that have notes, optionally a seeded sample:
    what whole-melody models (repair) train and are measured on."""
    ids = set(split_ids(corpus)[split])
    tunes = [(tune_events(t), window_hop(t.meter)) for t in corpus.tunes if t.tune_id in ids]
    tunes = [(ev, bar) for ev, bar in tunes if (ev >= FIRST_PITCH_CLASS).any()]
    if limit is not None and limit < len(tunes):
        tunes = [tunes[i] for i in np.sort(np.random.default_rng(seed).permutation(len(tunes))[:limit])]
    return tunes


def held_out_sample(corpus: Corpus, per_style: int = 40, seed: int = SPLIT_SEED) -> Corpus:
    """A small corpus of test-split tunes only: the committed test fixture. Because it holds only
    held-out tunes, shipped models can be quality-checked on it honestly."""
    test = set(split_ids(corpus)["test"])
    rng = np.random.default_rng(seed)
    picked = []
    for style in sorted({t.style for t in corpus.tunes}):
        pool = [t for t in corpus.tunes if t.style == style and t.tune_id in test]
        idx = rng.permutation(len(pool))[:per_style]
        picked += [pool[i] for i in sorted(idx)]
    return Corpus(picked)


@dataclass
class MelodyData:
    """The 2-bar windows of the shared split: what the VAE, the autoencoder and the judge read."""

    train: WindowSet
    valid: WindowSet
    test: WindowSet


def melody_data(corpus: Corpus, cfg) -> MelodyData:
    """Windows of ``cfg.window`` steps from each split, labelled with ``cfg.styles``."""
    ids = split_ids(corpus)
    spec = WindowSpec(length=cfg.window)
    sets = {}
    for name in SPLITS:
        keep = set(ids[name])
        sets[name] = build_windows([t for t in corpus.tunes if t.tune_id in keep], list(cfg.styles), spec)
    return MelodyData(**sets)


def window_counts(corpus: Corpus, data: MelodyData) -> dict:
    """What a run records about its data (the model card's Data section)."""
    return {"tunes": len(corpus.tunes), "by_style": corpus.by_style(),
            "windows": {k: len(getattr(data, k)) for k in SPLITS}}
