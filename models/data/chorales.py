"""The corpus's 4-voice chorales of each split, converted for a chorale model.

Chorales are split by tune with the split every model shares (``splits.py``); the conversion to
arrays is the model's own (the chorale CNN's voice rolls: ``coconet/roll.py``), passed in.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .corpus import Corpus, Tune
from .splits import SPLITS, split_ids

CHORALE_STYLE = "chorale"
CHORALE_VOICES = 4


@dataclass
class ChoraleData:
    """Arrays (e.g. rolls (4, frames)) of the 4-voice chorales of each split, with their tune ids."""

    train: list[np.ndarray]
    valid: list[np.ndarray]
    test: list[np.ndarray]
    ids: dict[str, list[str]]

    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in SPLITS}


def chorale_data(corpus: Corpus, convert: Callable[[Tune], np.ndarray]) -> ChoraleData:
    """Each split's 4-voice chorales, each converted by ``convert``."""
    ids = split_ids(corpus)
    arrays: dict[str, list[np.ndarray]] = {}
    kept: dict[str, list[str]] = {}
    for split in SPLITS:
        keep = set(ids[split])
        tunes = [t for t in corpus.tunes
                 if t.style == CHORALE_STYLE and t.tune_id in keep and t.voices == CHORALE_VOICES]
        arrays[split] = [convert(t) for t in tunes]
        kept[split] = [t.tune_id for t in tunes]
    return ChoraleData(arrays["train"], arrays["valid"], arrays["test"], kept)
