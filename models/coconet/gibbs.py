"""Annealed blocked Gibbs sampling (Yao et al. 2014, as Coconet uses it).

The free voice frames are first all drawn at once from the model with all of them hidden. Then
each sweep hides a random block of free frames (each with probability p), asks the net for them
given everything else and redraws the block. p falls linearly from ``pmax`` to ``pmin`` over the
first ``anneal`` share of the sweeps and stays at ``pmin``: big blocks early let the texture
change wholesale, small blocks late polish it note by note. Frames that are not free (the given
melody, the music around an infill) are never changed.

With ``voice_leading`` a polish follows the sweeps (constraint.py): while a parallel fifth or
octave involves a free frame, one of its notes is redrawn whole from the pitches that make none.
(Masking such pitches frame by frame inside the sweeps was tried and left out: it moved parallels
a 16th off the beat rather than removing them.)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from latentroll.models.common.sampling import pick

from .constraint import polish
from .network import ChoraleCNN


@dataclass(frozen=True)
class Schedule:
    steps: int = 96
    pmax: float = 0.9
    pmin: float = 0.1
    anneal: float = 0.7

    def prob(self, n: int) -> float:
        """Mask probability of sweep ``n`` (0-based)."""
        span = max(1.0, self.anneal * self.steps)
        return max(self.pmin, self.pmax - (self.pmax - self.pmin) * n / span)

    @classmethod
    def of(cls, cfg) -> "Schedule":
        return cls(cfg.gibbs_steps, cfg.gibbs_pmax, cfg.gibbs_pmin, cfg.gibbs_anneal)


def _redraw(model: ChoraleCNN, roll, block, phase, temperature: float, generator, allowed) -> torch.Tensor:
    drawn = pick(model(roll, block, phase), temperature, generator, allowed)
    return torch.where(block, drawn, roll)


@torch.no_grad()
def gibbs_sample(model: ChoraleCNN, roll: torch.Tensor, free: torch.Tensor, phase: torch.Tensor,
                 schedule: Schedule = Schedule(), temperature: float = 1.0,
                 generator: torch.Generator | None = None, allowed: torch.Tensor | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 voice_leading: bool = False) -> torch.Tensor:
    """Redraw the ``free`` frames of ``roll`` (B, 4, T). ``allowed``: bool, broadcastable to
    (B, 4, T, classes), the classes a frame may take (e.g. a scale). ``progress(done, total)`` is
    called after every sweep (an exception raised there stops the sampling within one net pass:
    how a worker cancels). ``voice_leading``: then polish away the parallel fifths/octaves (1-2
    net passes, not reported)."""
    model.eval()
    x = _redraw(model, roll, free, phase, temperature, generator, allowed)
    for n in range(schedule.steps):
        block = free & (torch.rand(free.shape, generator=generator) < schedule.prob(n))
        if block.any():
            x = _redraw(model, x, block, phase, temperature, generator, allowed)
        if progress is not None:
            progress(n + 1, schedule.steps)
    if voice_leading:
        x = polish(model, x, free, phase, temperature, generator, allowed)
    return x
