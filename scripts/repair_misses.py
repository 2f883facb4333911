"""Where the shipped repair misses: restore rates of shifted notes by kind, on validation tunes.

A shifted note is "in key" when its wrong pitch class still lies in the tune's diatonic scale (the
major-scale set, any of 12 transpositions, that holds most of the clean tune's notes), and has a
"repeat" when another note of the clean tune has the same neighbours (pitch and rhythm, one note
each side), so the tune itself shows elsewhere what belongs there. Prints, per kind, its share of
the shifted notes, the share restored, and the share moved to some other wrong pitch, at strength
0.5. Validation tunes only (never test): the figures explain docs/models.md's "Repair" limits.

With ``--weights 0,0.6,1,lstm`` it instead asks how the two opinions should be mixed: for every
note and every offset it takes the network's gain and the LSTM's (asked about all four offsets,
not only the network's candidates), and prints the share restored at ``--budget`` clean notes
changed for each LSTM weight, and for the LSTM alone ("lstm").

Run: ``.venv/bin/python scripts/repair_misses.py [--tunes 400] [--threads 2] [--weights 0,0.6,lstm]``
"""
from __future__ import annotations

import argparse

import numpy as np

MAJOR = np.array([0, 2, 4, 5, 7, 9, 11])


def scale_of(pitches: np.ndarray) -> set[int]:
    """Pitch classes of the major-scale set that holds most of ``pitches``."""
    counts = np.bincount(pitches % 12, minlength=12)
    best = max(range(12), key=lambda t: counts[(MAJOR + t) % 12].sum())
    return {int(p) for p in (MAJOR + best) % 12}


def repeated(rows, i: int) -> bool:
    """Whether another note has note ``i``'s neighbours (pitch and rhythm, one each side)."""
    n = len(rows.pitch)
    if i == 0 or i == n - 1:
        return False

    def around(j):
        return (rows.pitch[j - 1], rows.pitch[j + 1], rows.position[j], rows.sound[j], rows.rest[j],
                rows.sound[j - 1], rows.sound[j + 1])
    me = around(i)
    return any(around(j) == me for j in range(1, n - 1) if j != i)


def restored_at(gains: np.ndarray, shifted: np.ndarray, true: np.ndarray, budget: float, keep: int) -> float:
    """Share of shifted notes restored when the margin changes ``budget`` of the clean notes.

    ``gains`` (notes, offsets) scores each fix over keeping the note (column ``keep`` ignored),
    ``true`` the offset index back to the clean pitch."""
    g = gains.copy()
    g[:, keep] = -np.inf
    best, top = g.argmax(1), g.max(1)
    changed = top > np.quantile(top[~shifted], 1 - budget)
    return float((changed & shifted & (best == true)).sum() / max(1, shifted.sum()))


def weight_sweep(fixer, tunes, weights: list[str], budget: float) -> None:
    from latentroll.models.data.corruption import shift_notes
    from latentroll.models.repair.note_features import KEEP
    from latentroll.models.repair.note_repair import note_logprobs

    rng = np.random.default_rng(0)
    net, lm, shifted, true = [], [], [], []
    for ev, bar in tunes:
        rough, moved = shift_notes(ev[None], 0.1, rng)
        rough, moved = rough[0], moved[0]
        rows, logp = note_logprobs(fixer, rough, bar)
        gains = logp - logp[:, KEEP:KEEP + 1]
        net.append(gains)
        lm.append(fixer.opinion.gains(rough, bar, rows, np.zeros_like(gains)))  # zeros: ask about every offset
        shifted.append(moved[rows.onsets])
        true.append(ev[rows.onsets].astype(int) - rough[rows.onsets].astype(int) + KEEP)
    net, lm = np.concatenate(net), np.concatenate(lm)
    shifted, true = np.concatenate(shifted), np.concatenate(true)
    lm = np.where(np.isfinite(lm), lm, -1e9)  # off the keyboard
    print(f"{len(tunes)} validation tunes, {int(shifted.sum())} shifted notes, restored at {budget:.1%} clean change")
    for w in weights:
        gains = lm if w == "lstm" else net + float(w) * lm
        name = "LSTM alone" if w == "lstm" else f"network + {float(w):g} x LSTM"
        print(f"{name:<24}{restored_at(gains, shifted, true, budget, KEEP):>8.1%}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tunes", type=int, default=400)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--strength", type=float, default=0.5)
    ap.add_argument("--weights", help="comma-separated LSTM weights to compare, 'lstm' for the LSTM alone")
    ap.add_argument("--budget", type=float, default=0.018, help="clean-change share for --weights")
    a = ap.parse_args()
    import torch

    from latentroll.models.common.repair_margin import repair_events
    from latentroll.models.data.corpus import Corpus, default_cache_path
    from latentroll.models.data.corruption import shift_notes
    from latentroll.models.data.splits import split_tunes
    from latentroll.models.repair.note_features import note_rows
    from latentroll.models.repair.service import MelodyRepairService

    torch.set_num_threads(a.threads)
    fixer = MelodyRepairService.load().repairer
    tunes = split_tunes(Corpus.load(default_cache_path()), "valid", a.tunes)
    if a.weights:
        weight_sweep(fixer, tunes, a.weights.split(","), a.budget)
        return 0
    rng = np.random.default_rng(0)
    tally: dict[tuple[bool, bool], np.ndarray] = {}  # (in key, repeat) → shifted, restored, moved wrong
    for ev, bar in tunes:
        rough, shifted = shift_notes(ev[None], 0.1, rng)
        rough, shifted = rough[0], shifted[0]
        fixed = repair_events(fixer, rough, bar, a.strength)
        rows = note_rows(ev, bar)
        scale = scale_of(rows.pitch)
        index = {int(s): i for i, s in enumerate(rows.onsets)}
        for s in np.flatnonzero(shifted):
            kind = (int(rough[s]) % 12 in scale, repeated(rows, index[int(s)]))
            t = tally.setdefault(kind, np.zeros(3, np.int64))
            t += [1, fixed[s] == ev[s], (fixed[s] != ev[s]) and (fixed[s] != rough[s])]
    total = sum(int(t[0]) for t in tally.values())
    print(f"{a.tunes} validation tunes, {total} shifted notes, strength {a.strength}")
    print(f"{'kind':<26}{'share':>8}{'restored':>10}{'moved wrong':>13}")
    for (in_key, rep), t in sorted(tally.items(), reverse=True):
        name = f"{'in key' if in_key else 'out of key'}, {'repeat' if rep else 'no repeat'}"
        print(f"{name:<26}{t[0] / total:>8.1%}{t[1] / t[0]:>10.1%}{t[2] / t[0]:>13.1%}")
    restored = sum(int(t[1]) for t in tally.values())
    print(f"{'all':<26}{1:>8.1%}{restored / total:>10.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
