"""Simple voice models the CNN's likelihood is compared with, fitted on the training chorales.

Both score one voice frame at a time in the roll's classes (pitches + rest) with add-α smoothing:
- unigram: p_v(x) — how often voice v sits on each pitch;
- Markov: p_v(x_t | x_{t-1}) — a first-order chain per voice (its first frame uses the unigram).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .roll import NUM_VOICES


@dataclass
class VoiceBaselines:
    unigram: np.ndarray  # (4, classes) log-probabilities
    markov: np.ndarray   # (4, classes, classes) log p(next | previous)

    @classmethod
    def fit(cls, rolls: list[np.ndarray], classes: int, alpha_unigram: float = 1.0,
            alpha_markov: float = 0.1) -> "VoiceBaselines":
        uni = np.full((NUM_VOICES, classes), alpha_unigram)
        mk = np.full((NUM_VOICES, classes, classes), alpha_markov)
        for roll in rolls:
            for v in range(NUM_VOICES):
                np.add.at(uni[v], roll[v], 1)
                np.add.at(mk[v], (roll[v, :-1], roll[v, 1:]), 1)
        uni = np.log(uni / uni.sum(-1, keepdims=True))
        mk = np.log(mk / mk.sum(-1, keepdims=True))
        return cls(uni, mk)

    def nll(self, roll: np.ndarray, t: int, v: int) -> tuple[float, float]:
        """(unigram, Markov) negative log-likelihood of frame t of voice v."""
        x = roll[v, t]
        markov = self.unigram[v, x] if t == 0 else self.markov[v, roll[v, t - 1], x]
        return -float(self.unigram[v, x]), -float(markov)
