"""Named configs of the four drum models. The name is saved with the weights."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.models.common.config import ConfigJSON, StyleLabels, pick

from .data import DRUM_STYLE_NAMES


@dataclass(frozen=True)
class DrumVAEConfig(ConfigJSON, StyleLabels):
    """GrooVAE-like: BiLSTM encoder over (hit, velocity, offset) × 9 pieces per step; LSTM decoder
    conditioned on z and a style label (an extra 'any style' label trained by label dropout)."""

    name: str
    bars: int = 4
    styles: tuple[str, ...] = tuple(DRUM_STYLE_NAMES)
    style_dim: int = 16
    enc_hidden: int = 192
    dec_hidden: int = 256
    dec_layers: int = 2
    z_dim: int = 256
    beta_max: float = 0.2
    beta_warmup_steps: int = 3000
    free_bits: float = 64.0
    style_dropout: float = 0.3
    vel_weight: float = 3.0          # squared-error weights against the hits' cross-entropy
    off_weight: float = 3.0
    lr: float = 1e-3
    lr_min: float = 1e-5
    lr_decay: float = 0.9998
    grad_clip: float = 1.0
    batch_size: int = 64
    epochs: int = 40
    seed: int = 0

    @property
    def steps(self) -> int:
        return self.bars * 16


@dataclass(frozen=True)
class DrumToolConfig(ConfigJSON, StyleLabels):
    """Groove (quantized pattern → velocities and offsets of the same hits), Drumify (tapped
    rhythm → nine-piece part) and the drum language model (Continue) share this shape: a BiLSTM
    (or, for the LM, a causal LSTM) over steps with a style label."""

    name: str
    task: str = "groove"              # "groove", "drumify" or "lm"
    bars: int = 2
    styles: tuple[str, ...] = tuple(DRUM_STYLE_NAMES)
    style_dim: int = 8
    hidden: int = 128
    layers: int = 2
    dropout: float = 0.1
    style_dropout: float = 0.3
    lr: float = 2e-3
    lr_min: float = 1e-5
    lr_decay: float = 0.9995
    grad_clip: float = 1.0
    batch_size: int = 64
    epochs: int = 6
    seed: int = 0

    @property
    def steps(self) -> int:
        return self.bars * 16


VAE_CONFIGS: dict[str, DrumVAEConfig] = {
    # the shipped one: 256 free nats. With 64 (``drums_4bar_kl64``, the first run) the KL sat at
    # the limit and the hit accuracy stalled (valid 0.936 teacher-forced after 7 epochs, 0.948 here
    # after 16); sampling stays close to the data because z is drawn from the training latents'
    # Gaussian, not the prior.
    "drums_4bar": DrumVAEConfig(name="drums_4bar", free_bits=256.0, lr=1.5e-3, epochs=16),
    "drums_4bar_kl64": DrumVAEConfig(name="drums_4bar_kl64", epochs=7),
    # the KL of ``drums_4bar`` sat at its 256 free nats from epoch 4 on and the hit accuracy
    # flattened at 0.951 (valid): a larger latent budget
    "drums_4bar_fb512": DrumVAEConfig(name="drums_4bar_fb512", free_bits=512.0, lr=1.5e-3, epochs=20),
    # and GrooVAE's decoder width (2×512)
    "drums_4bar_d512": DrumVAEConfig(name="drums_4bar_d512", dec_hidden=512, free_bits=512.0, lr=1.5e-3, epochs=20),
    "drums_2bar": DrumVAEConfig(name="drums_2bar", bars=2, z_dim=128, free_bits=32.0),
    "tiny": DrumVAEConfig(name="tiny", style_dim=4, enc_hidden=16, dec_hidden=16, dec_layers=1, z_dim=8,
                          beta_warmup_steps=10, free_bits=2.0, batch_size=16, epochs=2, lr=3e-3),
}
GROOVE_CONFIGS: dict[str, DrumToolConfig] = {
    "groove_2bar": DrumToolConfig(name="groove_2bar", task="groove"),
    # more context (where the fills are): 4-bar windows, trained longer
    "groove_4bar": DrumToolConfig(name="groove_4bar", task="groove", bars=4, epochs=12),
    # the 2-bar one with more dropout: the shipped one overfits after ~9 epochs
    "groove_2bar_d3": DrumToolConfig(name="groove_2bar_d3", task="groove", dropout=0.3, epochs=12),
    # wider and deeper (session 10): chosen against groove_2bar_d3 on validation
    "groove_2bar_h256": DrumToolConfig(name="groove_2bar_h256", task="groove", hidden=256, dropout=0.3, epochs=12),
    "groove_2bar_l3": DrumToolConfig(name="groove_2bar_l3", task="groove", hidden=192, layers=3, dropout=0.3,
                                     epochs=12),
    "tiny": DrumToolConfig(name="tiny", task="groove", hidden=16, layers=1, style_dim=4, batch_size=16, epochs=2),
}
DRUMIFY_CONFIGS: dict[str, DrumToolConfig] = {
    "drumify_2bar": DrumToolConfig(name="drumify_2bar", task="drumify"),
    "tiny": DrumToolConfig(name="tiny", task="drumify", hidden=16, layers=1, style_dim=4, batch_size=16, epochs=2),
}
LM_CONFIGS: dict[str, DrumToolConfig] = {
    "drums_lm": DrumToolConfig(name="drums_lm", task="lm", bars=4, hidden=192, layers=2),
    "tiny": DrumToolConfig(name="tiny", task="lm", bars=2, hidden=16, layers=1, style_dim=4, batch_size=16,
                           epochs=2),
}


def vae_config(name: str, **overrides) -> DrumVAEConfig:
    return pick(VAE_CONFIGS, name, "drum VAE", **overrides)


def groove_config(name: str, **overrides) -> DrumToolConfig:
    return pick(GROOVE_CONFIGS, name, "groove", **overrides)


def drumify_config(name: str, **overrides) -> DrumToolConfig:
    return pick(DRUMIFY_CONFIGS, name, "drumify", **overrides)


def lm_config(name: str, **overrides) -> DrumToolConfig:
    return pick(LM_CONFIGS, name, "drum LM", **overrides)
