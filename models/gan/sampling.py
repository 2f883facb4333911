"""Chained generation: bar after bar, each conditioned on the one before (the first stands alone)."""
from __future__ import annotations

import numpy as np
import torch

from .network import MelodyGAN
from .roll import steps_to_events


@torch.no_grad()
def sample_steps(model: MelodyGAN, n: int, bars: int, style: int | None, temperature: float = 1.0,
                 generator: torch.Generator | None = None, allowed: torch.Tensor | None = None) -> np.ndarray:
    """(n, bars * bar) step classes; fresh noise for every bar. ``style`` None = any style."""
    model.eval()
    label = torch.full((n,), model.cfg.any_style if style is None else style, dtype=torch.long)
    planes, out = None, []
    step = model.cfg.bar
    for i in range(bars):
        z = torch.randn(n, model.cfg.z_dim, generator=generator)
        # (classes,) the same for every step, or (n, bars * bar, classes) per step (chords)
        here = allowed if allowed is None or allowed.dim() == 1 else allowed[:, i * step:(i + 1) * step]
        bar = model.sample_bar(z, label, planes, temperature, generator, here)
        planes = model.planes(bar, None if planes is None else planes[:, 0, -1])  # notes tied over the bar line
        out.append(bar)
    return torch.cat(out, 1).numpy()


def sample_melodies(model: MelodyGAN, n: int, bars: int, style: int | None, temperature: float = 1.0,
                    generator: torch.Generator | None = None, allowed: torch.Tensor | None = None) -> np.ndarray:
    """(n, bars * bar) melody events (a note held over a bar line stays one note)."""
    return steps_to_events(sample_steps(model, n, bars, style, temperature, generator, allowed), model.cfg)
