"""Named style classifier configs, saved as config.json beside the weights."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.models.data.corpus import STYLE_NAMES


@dataclass(frozen=True)
class ClassifierConfig:
    styles: tuple[str, ...]
    channels: int = 96
    token_dim: int = 32
    epochs: int = 6
    batch_size: int = 256
    lr: float = 2e-3
    transpose: int = 5               # random transposition ±semitones in training: it cannot lean on the key
    seed: int = 0
    window: int = 32                 # steps (16ths) per window: the 2 bars the VAE's clips have


CONFIGS: dict[str, ClassifierConfig] = {
    "styles6": ClassifierConfig(styles=tuple(STYLE_NAMES)),
    "tiny": ClassifierConfig(styles=tuple(STYLE_NAMES), channels=16, token_dim=8, epochs=1, batch_size=64),
}
