"""Named phrase-structure configs, saved as config.json beside the weights."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.models.common.config import ConfigJSON, StyleLabels, pick
from latentroll.models.data.corpus import STYLE_NAMES


@dataclass(frozen=True)
class StructureConfig(ConfigJSON, StyleLabels):
    name: str
    styles: tuple[str, ...] = tuple(STYLE_NAMES)
    segments: int = 8                # segments per phrase (8 × 2 bars = 16 bars)
    segment_steps: int = 32          # 16ths per segment: the 2-bar VAE's window
    hop_segments: int = 1            # training phrases start every this many segments of a tune
    copy_threshold: float = 0.85     # a segment copies an earlier one when this share of their event steps match
    z_dim: int = 256                 # the VAE's latent size (checked when the data is encoded)
    whiten: bool = False             # model latents in their style Gaussian's coordinates (whitening.py)
    hidden: int = 64
    style_dim: int = 8
    pos_dim: int = 8
    key_dim: int = 32
    dropout: float = 0.3
    z_noise: float = 0.3             # training noise on the input latents (standardized units)
    z_weight: float = 1.0            # weight of the new-latent Gaussian NLL (per dim) against the pointer loss
    style_dropout: float = 0.2       # share of training phrases seen with the "any style" label
    lr: float = 2e-3
    lr_min: float = 5e-5
    lr_decay: float = 0.999          # per step
    grad_clip: float = 1.0
    batch_size: int = 64
    epochs: int = 20
    seed: int = 0

    @property
    def phrase_steps(self) -> int:
        return self.segments * self.segment_steps


CONFIGS: dict[str, StructureConfig] = {
    "structure_16bar": StructureConfig(name="structure_16bar"),
    # The same in each style's own latent coordinates (session 11: style fidelity 0.38 → ~0.8).
    "structure_16bar_w": StructureConfig(name="structure_16bar_w", whiten=True),
    # The same over the 4-bar VAE (mel_4bar_h): 4 segments of 4 bars (issue 18: chosen by measurement).
    "structure_16bar_4": StructureConfig(name="structure_16bar_4", segments=4, segment_steps=64),
    # For tests and smoke runs: trains in seconds on the fixture (8-bar phrases: the fixture's tunes are short).
    "tiny": StructureConfig(name="tiny", segments=4, hidden=16, style_dim=2, pos_dim=2, key_dim=8, dropout=0.0,
                            batch_size=8, epochs=2, lr=1e-2, lr_decay=0.9999),
    "tiny_w": StructureConfig(name="tiny_w", segments=4, hidden=16, style_dim=2, pos_dim=2, key_dim=8, dropout=0.0,
                              batch_size=8, epochs=1, lr=1e-2, lr_decay=0.9999, whiten=True),
}


def get_config(name: str, **overrides) -> StructureConfig:
    return pick(CONFIGS, name, "structure", **overrides)
