"""Voice leading in the sampler: polish parallel fifths and octaves out of the drawn frames.

A parallel is judged by ``voiceleading.parallel_moves``, the test the evaluation counts, with
``contrary=True``: consecutive fifths/octaves by contrary motion are avoided too (else the easy way
out of C-G → D-A is an octave leap into the same fifth: avoiding only the parallel kind doubled
the contrary kind on the validation chorales, 0.8 → 1.7 per 100 beats; Bach has 0.2).
- ``forbidden``: for every voice frame and candidate class, whether putting it there (all else as
  it is) makes a parallel with another voice on the way in from the previous frame or on the way
  out to the next.
- ``polish``: after the Gibbs sweeps, while a parallel involves a free frame, one of its notes (a
  run of equal free frames, so the rhythm stays) is redrawn whole, by the net, from the pitches that
  make no parallel at either end, and that cross neither neighbouring voice if any such pitch is
  left. Notes redrawn in one pass are at least a frame apart, so each redraw removes its parallel
  and makes none: the count falls every pass. Frames that are not free are never changed.
"""
from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from .network import ChoraleCNN
from .voiceleading import PAIRS, crosses, pair_flags, parallel_moves

POLISH_PASSES = 24   # at most; each is one net pass (stops as soon as no parallel can be fixed)


def pitches(roll: torch.Tensor, rest: int) -> torch.Tensor:
    """Roll classes → pitch offsets with -1 for rest (intervals and directions are what matter)."""
    return torch.where(roll == rest, -1, roll)


def forbidden(roll: torch.Tensor, rest: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(into, out), each bool (B, V, T, rest + 1): putting class c at voice v, frame t would make a
    parallel with another voice from frame t - 1 to t (into) or from t to t + 1 (out)."""
    g = pitches(roll, rest)
    b, v, t = g.shape
    cand = pitches(torch.arange(rest + 1), rest)
    into = torch.zeros(b, v, t, rest + 1, dtype=torch.bool)
    out = torch.zeros_like(into)
    if t > 1:
        other = ~torch.eye(v, dtype=torch.bool)[:, :, None, None]  # (V, U, 1, 1): pairs of two voices
        mine, theirs = g[:, :, None, :, None], g[:, None, :, :, None]  # (B, V, 1, T, 1), (B, 1, U, T, 1)
        into[:, :, 1:] = (parallel_moves(mine[..., :-1, :], theirs[..., :-1, :], cand, theirs[..., 1:, :], True)
                          & other).any(2)
        out[:, :, :-1] = (parallel_moves(cand, theirs[..., :-1, :], mine[..., 1:, :], theirs[..., 1:, :], True)
                          & other).any(2)
    return into, out


def _note(row: np.ndarray, free: np.ndarray, f: int) -> tuple[int, int]:
    """First and last frame of the run of equal free frames of ``row`` around frame ``f``."""
    s = e = f
    while s > 0 and free[s - 1] and row[s - 1] == row[f]:
        s -= 1
    while e + 1 < len(row) and free[e + 1] and row[e + 1] == row[f]:
        e += 1
    return s, e


def pick_notes(roll: np.ndarray, free: np.ndarray, rest: int,
               rng: torch.Generator | None) -> list[tuple[int, int, int]]:
    """(voice, first, last) of notes to redraw in one pass, one per parallel where possible: for a
    parallel from frame t to t + 1, a free note of either voice on either side, at random; no two
    notes closer than one frame apart in time. ``roll``, ``free``: (V, T) numpy."""
    flags = pair_flags(np.where(roll == rest, -1, roll), contrary=True)
    found = np.argwhere(flags)
    chosen: list[tuple[int, int, int]] = []
    for k in torch.randperm(len(found), generator=rng).tolist():
        pair, t = found[k]
        sides = [(v, f) for v in PAIRS[pair] for f in (t + 1, t) if free[v, f]]
        for i in torch.randperm(len(sides), generator=rng).tolist():
            v, f = sides[i]
            s, e = _note(roll[v], free[v], f)
            if all(s >= e2 + 2 or s2 >= e + 2 for _, s2, e2 in chosen):
                chosen.append((v, s, e))
                break
    return chosen


def crossing(roll: torch.Tensor, v: int, s: int, e: int, rest: int) -> torch.Tensor:
    """(rest + 1,) bool: classes that, held by voice ``v`` over frames s..e of ``roll`` (V, T), would
    sound above the voice over it or below the voice under it somewhere."""
    g = pitches(roll[:, s: e + 1], rest)
    cand = pitches(torch.arange(rest + 1), rest)[:, None]
    out = torch.zeros(rest + 1, dtype=torch.bool)
    if v > 0:
        out |= crosses(g[v - 1], cand).any(-1)
    if v + 1 < len(g):
        out |= crosses(cand, g[v + 1]).any(-1)
    return out


def _avoid(score: torch.Tensor, bad: torch.Tensor) -> torch.Tensor:
    """``score`` with the ``bad`` classes at -inf, unless that leaves nothing."""
    masked = score.masked_fill(bad, float("-inf"))
    return masked if torch.isfinite(masked).any() else score


@torch.no_grad()
def polish(model: ChoraleCNN, roll: torch.Tensor, free: torch.Tensor, phase: torch.Tensor, temperature: float,
           generator: torch.Generator | None = None, allowed: torch.Tensor | None = None,
           passes: int = POLISH_PASSES) -> torch.Tensor:
    """Redraw notes of ``roll`` (B, V, T) until no parallel involves a ``free`` frame (or ``passes``
    run out). A note's pitch is drawn from the mean of its frames' log-probabilities given all else."""
    rest = model.cfg.rest
    x = roll.clone()
    keep = free.numpy()
    for _ in range(passes):
        picks = [pick_notes(x[b].numpy(), keep[b], rest, generator) for b in range(len(x))]
        if not any(picks):
            break
        hidden = torch.zeros_like(free)
        for b, notes in enumerate(picks):
            for v, s, e in notes:
                hidden[b, v, s: e + 1] = True
        logits = model(x, hidden, phase)
        if allowed is not None:
            logits = logits.masked_fill(~allowed, float("-inf"))
        logp = F.log_softmax(logits, dim=-1)
        into, out = forbidden(x, rest)
        for b, notes in enumerate(picks):
            for v, s, e in notes:
                score = logp[b, v, s: e + 1].mean(0).masked_fill(into[b, v, s] | out[b, v, e], float("-inf"))
                if not torch.isfinite(score).any():
                    continue
                score = _avoid(score, crossing(x[b], v, s, e, rest))
                if temperature <= 0:
                    c = int(score.argmax())
                else:
                    c = int(torch.multinomial(F.softmax(score / temperature, -1), 1, generator=generator))
                x[b, v, s: e + 1] = c
    return x
