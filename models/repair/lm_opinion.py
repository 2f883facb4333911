"""A second opinion on repair candidates, from the melody LSTM ("Continue"'s model).

The repair network reads the whole tune at once and says, per note, how likely each pitch
offset is. The LSTM was trained apart from it, to predict melodies step by step. For each note
the network thinks might be wrong, the LSTM reads the bars around it, once as they are and once
per candidate pitch. The gain is how many nats more likely the passage becomes with the fix.
That counts the note itself and every later step it touches. The repair adds
``lm_weight`` × that gain to the network's own. On 200 validation tunes this restored 56% of
shifted notes instead of 51% at the same 1.5% of clean notes changed (docs/models.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.models.data.melody import FIRST_PITCH_CLASS, held_pitch, standalone
from latentroll.models.lstm.metrics import pad_rows, step_nll
from latentroll.models.lstm.network import MelodyLSTM

from .note_features import KEEP, OFFSETS, NoteRows


@dataclass
class LMOpinion:
    model: MelodyLSTM
    style: int                   # the LSTM's style label to read with ("any style" for a user's melody)
    candidate_nats: float = 4.0  # ask about offsets the network rates within this many nats of keeping
    context_bars: int = 2        # bars read before and after the candidate's bar

    def gains(self, events: np.ndarray, bar: int, rows: NoteRows, net_gains: np.ndarray) -> np.ndarray:
        """(notes, offsets) log-likelihood gain of each candidate fix over keeping the note, 0 for
        keeping, -inf for offsets not asked about (unlikely to the network, or off the keyboard)."""
        ev = np.asarray(events, dtype=np.uint8)
        out = np.full(net_gains.shape, -np.inf)
        out[:, KEEP] = 0.0
        target = rows.pitch[:, None] + OFFSETS[None, :]
        ask = (net_gains > -self.candidate_nats) & (target >= FIRST_PITCH_CLASS) & (target < self.model.cfg.num_classes)
        ask[:, KEEP] = False
        notes = np.flatnonzero(ask.any(1))
        if not len(notes):
            return out
        held = held_pitch(ev)
        seqs, owner = [], []  # each asked note: its passage as it is, then one copy per candidate
        for i in notes:
            s = int(rows.onsets[i])
            a = max(0, (s // bar - self.context_bars) * bar)
            b = min(len(ev), (s // bar + self.context_bars + 1) * bar)
            passage = standalone(ev[a:b], int(held[a]))
            seqs.append(passage)
            owner.append((i, KEEP))
            for j in np.flatnonzero(ask[i]):
                v = passage.copy()
                v[s - a] = target[i, j]
                seqs.append(v)
                owner.append((i, int(j)))
        batch, lengths = pad_rows(seqs)
        nll, _ = step_nll(self.model, batch, lengths, np.full(len(seqs), bar), np.full(len(seqs), self.style))
        as_is = {i: v for (i, j), v in zip(owner, nll) if j == KEEP}
        for (i, j), v in zip(owner, nll):
            if j != KEEP:
                out[i, j] = as_is[i] - v
        return out
