"""Named configs of the melody GAN. The name is saved with the weights (config.json beside them)."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.models.common.config import ConfigJSON, StyleLabels, pick
from latentroll.models.data.corpus import STYLE_NAMES


@dataclass(frozen=True)
class GANConfig(ConfigJSON, StyleLabels):
    name: str
    styles: tuple[str, ...] = tuple(STYLE_NAMES)
    bar: int = 16                    # steps (16ths) per generated bar
    low_pitch: int = 48              # C3
    high_pitch: int = 95             # B6: melodies are octave-folded into this range
    z_dim: int = 64
    style_dim: int = 16
    g_channels: int = 192
    d_channels: int = 32
    cond_channels: int = 64          # previous-bar conditioner
    prev_dropout: float = 0.3        # share of training bars generated without their previous bar
    style_dropout: float = 0.15      # share trained with the "any style" label
    gumbel_tau: float = 1.0          # straight-through Gumbel-softmax temperature in training
    label_smoothing: float = 0.9     # one-sided: the critic's target for real bars
    feature_matching: float = 1.0    # weight of the feature-matching term in the generator loss
    g_repeats: int = 2               # generator updates per batch (MidiNet's trick)
    lr: float = 2e-4
    lr_min: float = 2e-5
    lr_decay: float = 0.99999        # per step
    grad_clip: float = 1.0
    batch_size: int = 64
    transpose: int = 5               # random transposition ±semitones during training
    epochs: int = 6
    seed: int = 0

    @property
    def window(self) -> int:
        """Steps of the shared melody windows the GAN learns from: two bars (previous + target)."""
        return 2 * self.bar

    @property
    def pitches(self) -> int:
        return self.high_pitch - self.low_pitch + 1

    @property
    def classes(self) -> int:
        """Per step: rest, hold, or the onset of one of the pitches."""
        return 2 + self.pitches


CONFIGS: dict[str, GANConfig] = {
    "mel_bar": GANConfig(name="mel_bar"),
    # For tests and smoke runs: trains in seconds.
    "tiny": GANConfig(name="tiny", z_dim=8, style_dim=4, g_channels=16, d_channels=8, cond_channels=8,
                      batch_size=32, epochs=1, lr=2e-3),
}


def get_config(name: str, **overrides) -> GANConfig:
    return pick(CONFIGS, name, "melody GAN", **overrides)
