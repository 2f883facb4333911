"""Melody events ↔ the note rows the note-level repair network reads (the converter).

A note is a note-on step: its pitch class, its 16th in the bar, the 16ths it sounds (to the next
event) and the 16ths of rest after it. Repair only moves pitches, so the fixed melody is the
same events with new pitch classes at the same onsets.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from latentroll.models.data.melody import FIRST_PITCH_CLASS, NO_EVENT, NOTE_OFF

MAX_SPAN = 32  # 16ths; longer sounds and rests share the last bucket
# The repeat contexts: (notes each side, whether their rhythm must match too).
CONTEXTS = ((1, True), (2, True), (1, False))
NUM_CONTEXT_FEATURES = 12 + len(CONTEXTS) * 5
OFFSETS = np.array([-2, -1, 0, 1, 2])  # clean pitch − the pitch that is there, in semitones
KEEP = 2  # index of offset 0


@dataclass(frozen=True)
class NoteRows:
    onsets: np.ndarray    # (n,) step of each note-on
    pitch: np.ndarray     # (n,) event class of each note
    position: np.ndarray  # (n,) 16ths since the bar line
    sound: np.ndarray     # (n,) 16ths until the next event, ≤ MAX_SPAN
    rest: np.ndarray      # (n,) 16ths of rest after the note, ≤ MAX_SPAN

    def context(self) -> np.ndarray:
        """(n, NUM_CONTEXT_FEATURES) float: what the rest of the tune says about each note.

        12 values: the tune's pitch-class shares seen from the note (share of notes a semitone
        above, two above, …), so the key shows whether the note and its neighbours fit. Then, for
        each of ``CONTEXTS``, votes from the tune's other notes with the same surroundings
        (neighbouring pitches, and rhythm where asked): how many of them sit −2…+2 semitones from
        this note, log-scaled. A phrase that comes back elsewhere in the tune votes for the pitch
        it had there."""
        n = len(self.pitch)
        out = np.zeros((n, NUM_CONTEXT_FEATURES), np.float32)
        if n == 0:
            return out
        pc = self.pitch % 12
        share = np.bincount(pc, minlength=12) / n
        out[:, :12] = share[(pc[:, None] + np.arange(12)[None]) % 12]
        rhythm = self.position * (MAX_SPAN + 1) ** 2 + self.sound * (MAX_SPAN + 1) + self.rest
        for c, (r, with_rhythm) in enumerate(CONTEXTS):
            groups: dict[tuple, list[int]] = {}
            keys = []
            for i in range(n):
                if i - r < 0 or i + r >= n:
                    keys.append(None)
                    continue
                around = [j for j in range(i - r, i + r + 1) if j != i]
                key = tuple(int(self.pitch[j]) for j in around)
                if with_rhythm:
                    key += tuple(int(rhythm[j]) for j in range(i - r, i + r + 1))
                keys.append(key)
                groups.setdefault(key, []).append(i)
            col = 12 + 5 * c
            for i, key in enumerate(keys):
                if key is None:
                    continue
                for j in groups[key]:
                    d = int(self.pitch[j]) - int(self.pitch[i])
                    if j != i and abs(d) <= 2:
                        out[i, col + d + 2] += 1.0
        out[:, 12:] = np.log1p(out[:, 12:])
        return out


def note_rows(events: np.ndarray, bar: int) -> NoteRows:
    ev = np.asarray(events, dtype=np.int64)
    onsets = np.nonzero(ev >= FIRST_PITCH_CLASS)[0]
    marks = np.nonzero(ev != NO_EVENT)[0]
    nxt = np.append(marks, len(ev))
    after = nxt[np.searchsorted(marks, onsets, side="right")]          # next event after each onset
    next_on = np.append(onsets[1:], len(ev))
    rest = np.where(ev[np.minimum(after, len(ev) - 1)] == NOTE_OFF, next_on - after, 0) * (after < len(ev))
    return NoteRows(onsets=onsets, pitch=ev[onsets], position=onsets % max(1, bar),
                    sound=np.minimum(after - onsets, MAX_SPAN), rest=np.minimum(rest, MAX_SPAN))


def offset_labels(rough: np.ndarray, clean: np.ndarray, onsets: np.ndarray) -> np.ndarray:
    """Class of (clean − rough) pitch at each onset; offsets beyond ±2 are marked -100 (ignored)."""
    d = clean[onsets].astype(np.int64) - rough[onsets].astype(np.int64)
    ok = (np.abs(d) <= 2) & (clean[onsets] >= FIRST_PITCH_CLASS)
    return np.where(ok, d + KEEP, -100)
