"""The style classifier: a small dilated 1-D CNN over a window's events, pooled to style logits."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from latentroll.models.data.melody import NUM_CLASSES

from .config import ClassifierConfig


class StyleNet(nn.Module):
    def __init__(self, cfg: ClassifierConfig):
        super().__init__()
        self.cfg = cfg
        c = cfg.channels
        self.token = nn.Embedding(NUM_CLASSES, cfg.token_dim)
        self.convs = nn.ModuleList([
            nn.Conv1d(cfg.token_dim, c, 3, padding=1),
            nn.Conv1d(c, c, 3, padding=2, dilation=2),
            nn.Conv1d(c, c, 3, padding=4, dilation=4),
            nn.Conv1d(c, c, 3, padding=8, dilation=8),
        ])
        self.head = nn.Linear(2 * c, len(cfg.styles))

    def forward(self, events: torch.Tensor) -> torch.Tensor:
        x = self.token(events).transpose(1, 2)
        for i, conv in enumerate(self.convs):
            y = F.gelu(conv(x))
            x = y if i == 0 else x + y
        return self.head(torch.cat([x.mean(-1), x.amax(-1)], dim=-1))


@torch.no_grad()
def predict(model: StyleNet, events: np.ndarray, batch: int = 1024) -> np.ndarray:
    """The style index of each (n, window) event window."""
    model.eval()
    out = [model(torch.as_tensor(events[s: s + batch].astype(np.int64))).argmax(-1).numpy()
           for s in range(0, len(events), batch)]
    return np.concatenate(out) if out else np.zeros(0, np.int64)
