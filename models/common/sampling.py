"""Picking events from logits, the one way every model does it."""
from __future__ import annotations

import torch
from torch.nn import functional as F


def pick(logits: torch.Tensor, temperature: float = 0.0, generator: torch.Generator | None = None,
         allowed: torch.Tensor | None = None) -> torch.Tensor:
    """Class indices over the last axis of ``logits`` (any leading shape): the likeliest at
    temperature 0, else a draw from softmax(logits / temperature). ``allowed`` (bool, broadcast
    against ``logits``) rules classes out, e.g. pitches outside a scale."""
    if allowed is not None:
        logits = logits.masked_fill(~allowed, float("-inf"))
    if temperature <= 0:
        return logits.argmax(-1)
    probs = F.softmax(logits / temperature, dim=-1)
    drawn = torch.multinomial(probs.reshape(-1, probs.shape[-1]), 1, generator=generator)
    return drawn.view(logits.shape[:-1])
