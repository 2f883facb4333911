"""Training Groove, Drumify and the drum LM on the shared loop (one task class, three inputs).

Groove learns from (quantized pattern → performed velocities and offsets of the same hits),
Drumify from (the part's own tapped rhythm → the part), both derived on the fly from the
performed windows (``convert.quantized``/``convert.tapped``); the LM learns the next step.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.core.drum_kit import NUM_PIECES
from latentroll.models.common.distributed import device
from latentroll.models.common.run import train_model
from latentroll.models.common.trainer import Progress

from .config import DrumToolConfig, drumify_config, groove_config, lm_config
from .convert import quantized, tapped
from .data import DrumData, drum_corpus, drum_data
from .tools_net import TOKENS, DrumToolNet, hits_to_token
from .vae import split_head

N = NUM_PIECES


def tool_input(task: str, x: np.ndarray) -> np.ndarray:
    """What the ``task``'s network reads for performed windows ``x`` (…, T, 27)."""
    if task == "groove":
        return quantized(x[..., :N])
    if task == "drumify":
        return tapped(x[..., :N], x[..., N:2 * N], x[..., 2 * N:])
    return np.concatenate([np.zeros_like(x[..., :1, :]), x[..., :-1, :]], axis=-2)  # lm: the step before


def tool_loss(task: str, y: torch.Tensor, x: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
    """Loss per window (summed over steps and pieces) of ``task``'s output ``y`` against ``x``."""
    hits, vel_t, off_t = x[..., :N], x[..., N:2 * N], x[..., 2 * N:]
    b = x.shape[0]
    if task == "lm":
        logits, rest = y[..., :TOKENS], y[..., TOKENS:]
        ce = F.cross_entropy(logits.reshape(-1, TOKENS), hits_to_token(hits).reshape(-1), reduction="sum") / b
        vel, off = torch.sigmoid(rest[..., :N]), 0.5 * torch.tanh(rest[..., N:])
        acc = (logits.argmax(-1) == hits_to_token(hits)).float().mean().item()
    else:
        logit, vel, off = split_head(y)
        ce = (F.binary_cross_entropy_with_logits(logit, hits, reduction="sum") / b if task == "drumify"
              else torch.zeros(()))
        acc = ((logit > 0).float() == hits).float().mean().item() if task == "drumify" else 0.0
    ve = ((vel - vel_t).abs() * hits).sum() / b   # L1: the figures are mean absolute errors
    oe = ((off - off_t).abs() * hits).sum() / b
    loss = ce + 4.0 * ve + 4.0 * oe
    return loss, {"loss": loss.item(), "ce": ce.item(), "vel_ae": ve.item(), "off_ae": oe.item(), "accuracy": acc}


class DrumToolTask:
    def __init__(self, cfg: DrumToolConfig, data: DrumData, valid_limit: int = 2048):
        self.cfg = cfg
        self.data = data
        self.dev = device()
        self.model = DrumToolNet(cfg).to(self.dev)
        self.runner = self.model
        pick = np.random.default_rng(cfg.seed).permutation(len(data.valid))[:valid_limit]
        self.valid_x, self.valid_style = data.valid.x[pick], data.valid.style[pick]

    def num_examples(self) -> int:
        return len(self.data.train)

    def _tensors(self, x: np.ndarray, style: np.ndarray):
        inp = torch.as_tensor(tool_input(self.cfg.task, x), device=self.dev)
        return inp, torch.as_tensor(style, device=self.dev), torch.as_tensor(x, device=self.dev)

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        style = self.cfg.drop_styles(self.data.train.style[idx], self.cfg.style_dropout, rng)
        return self._tensors(self.data.train.x[idx], style)

    def loss(self, batch, step: int):
        inp, style, x = batch
        return tool_loss(self.cfg.task, self.runner(inp, style), x)

    def evaluate(self) -> dict[str, float]:
        inp, style, x = self._tensors(self.valid_x, self.valid_style)
        _, m = tool_loss(self.cfg.task, self.model(inp, style), x)
        hits = x[..., :N].sum().item() / len(x)
        return {**m, "vel_mae": m["vel_ae"] / hits, "off_mae": m["off_ae"] / hits}


def _prepare(corpus, cfg: DrumToolConfig):
    data = drum_data(drum_corpus(corpus), cfg.bars)
    return DrumToolTask(cfg, data), data.counts


def _train(get_config) -> Callable:
    def train(config: str | DrumToolConfig, run_dir: Path, corpus=None,
              progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
              should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
        return train_model(config, get_config, _prepare, run_dir, corpus, progress, max_steps, should_stop,
                           **overrides)
    return train


train_groove = _train(groove_config)
train_drumify = _train(drumify_config)
train_drum_lm = _train(lm_config)
