"""Next-event NLL and accuracy of the LSTM over sequences: validation, ``eval lstm`` and scoring."""
from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.models.data.sequences import SequenceSet

from .network import MelodyLSTM


def pad_rows(rows: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Event rows of different lengths → a zero-padded (n, longest) uint8 array and the lengths."""
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    events = np.zeros((len(rows), max(1, int(lengths.max(initial=0)))), dtype=np.uint8)
    for i, r in enumerate(rows):
        events[i, : len(r)] = r
    return events, lengths


@torch.no_grad()
def step_nll(model: MelodyLSTM, events: np.ndarray, lengths: np.ndarray, bars: np.ndarray, styles: np.ndarray,
             batch_steps: int = 65536) -> tuple[np.ndarray, np.ndarray]:
    """Per-row summed NLL (nats) and correct top-1 predictions over each row's real steps.

    Rows are batched by length so padding costs little; rows start on a bar line.
    """
    model.eval()
    dev = next(model.parameters()).device
    n = len(events)
    nll, hits = np.zeros(n), np.zeros(n, dtype=np.int64)
    order = np.argsort(lengths)
    s = 0
    while s < n:
        rest = np.maximum(lengths[order[s:]], 1)
        rows = max(1, int((rest * np.arange(1, len(rest) + 1) <= batch_steps).sum()))
        idx = order[s: s + rows]
        width = max(1, int(lengths[idx].max()))
        ev = torch.as_tensor(events[idx, :width].astype(np.int64), device=dev)
        logits = model.logits_for(ev, torch.as_tensor(bars[idx], device=dev), torch.as_tensor(styles[idx], device=dev))
        valid = torch.arange(width, device=dev)[None] < torch.as_tensor(lengths[idx], device=dev)[:, None]
        ce = F.cross_entropy(logits.transpose(1, 2), ev, reduction="none")
        nll[idx] = (ce * valid).sum(1).cpu().numpy()
        hits[idx] = ((logits.argmax(-1) == ev) & valid).sum(1).cpu().numpy()
        s += len(idx)
    return nll, hits


def lm_metrics(model: MelodyLSTM, seqs: SequenceSet, style_label: int | None = None) -> dict[str, float]:
    """Mean NLL (nats per 16th step) and accuracy over all real steps. ``style_label`` overrides styles."""
    styles = seqs.styles if style_label is None else np.full(len(seqs), style_label)
    nll, hits = step_nll(model, seqs.events, seqs.lengths, seqs.bars, styles)
    steps = max(1, seqs.steps())
    return {"nll": float(nll.sum() / steps), "accuracy": float(hits.sum() / steps), "loss": float(nll.sum() / steps)}
