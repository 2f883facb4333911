"""Named LSTM language-model configs, saved as config.json beside the weights."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.models.common.config import ConfigJSON, StyleLabels, pick
from latentroll.models.data.corpus import STYLE_NAMES
from latentroll.models.data.melody import NUM_CLASSES


@dataclass(frozen=True)
class LSTMConfig(ConfigJSON, StyleLabels):
    name: str
    num_classes: int = NUM_CLASSES
    styles: tuple[str, ...] = tuple(STYLE_NAMES)
    max_bar: int = 48                # positions in the bar the model can tell apart (steps)
    token_dim: int = 64
    style_dim: int = 16
    pos_dim: int = 16
    hidden: int = 384
    layers: int = 2
    dropout: float = 0.15
    chunk: int = 128                 # training sequence length (16th steps)
    chunk_hop: int = 64              # steps between chunk starts (rounded to whole bars)
    style_dropout: float = 0.2       # share of training chunks seen with the "any style" label
    transpose: int = 5               # random transposition ±semitones during training
    lr: float = 2e-3
    lr_min: float = 5e-5
    lr_decay: float = 0.99985        # per step
    grad_clip: float = 1.0
    batch_size: int = 64
    epochs: int = 12
    seed: int = 0


CONFIGS: dict[str, LSTMConfig] = {
    "mel_lm": LSTMConfig(name="mel_lm"),
    # For tests and smoke runs: trains in seconds.
    "tiny": LSTMConfig(name="tiny", token_dim=16, style_dim=4, pos_dim=4, hidden=32, layers=1, dropout=0.0,
                       chunk=64, chunk_hop=32, batch_size=16, epochs=2, lr=5e-3),
}


def get_config(name: str, **overrides) -> LSTMConfig:
    return pick(CONFIGS, name, "LSTM", **overrides)
