"""Reconstruction metrics shared by per-epoch validation and ``latentroll eval vae``."""
from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from .network import MelodyVAE, kl_divergence


@torch.no_grad()
def reconstruction_metrics(model: MelodyVAE, events: np.ndarray, batch: int = 512,
                           greedy_limit: int | None = None) -> dict[str, float]:
    """Teacher-forced and greedy reconstruction accuracy (per 16th step), KL and NLL (nats/window).

    Decoding uses the 'any style' label (what the app does with a user's melody) and z = μ.
    """
    model.eval()
    dev = next(model.parameters()).device
    n = len(events)
    tf_hits = greedy_hits = greedy_n = 0
    kl_sum = nll_sum = 0.0
    for s in range(0, n, batch):
        ev = torch.as_tensor(events[s: s + batch].astype(np.int64), device=dev)
        style = torch.full((len(ev),), model.cfg.any_style, dtype=torch.long, device=dev)
        mu, logvar = model.encode(ev)
        logits = model.decode_teacher(mu, style, ev)
        tf_hits += int((logits.argmax(-1) == ev).sum())
        nll_sum += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ev.reshape(-1), reduction="sum"))
        kl_sum += float(kl_divergence(mu, logvar).sum())
        if greedy_limit is None or greedy_n < greedy_limit * ev.shape[1]:
            out = model.decode(mu, style, ev.shape[1])
            greedy_hits += int((out == ev).sum())
            greedy_n += ev.numel()
    total = events.size
    return {
        "tf_accuracy": tf_hits / total,
        "recon_accuracy": greedy_hits / max(1, greedy_n),
        "kl": kl_sum / n,
        "nll": nll_sum / n,
        "loss": (nll_sum + kl_sum) / n,
    }
