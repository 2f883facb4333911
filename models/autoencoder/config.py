"""Named autoencoder configs, saved as config.json beside the weights."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.models.common.config import ConfigJSON, pick
from latentroll.models.data.corpus import STYLE_NAMES
from latentroll.models.data.melody import NUM_CLASSES, STEPS_PER_QUARTER


@dataclass(frozen=True)
class AEConfig(ConfigJSON):
    name: str
    window: int = 32                 # steps (16ths) per window: 2 bars of 4/4
    num_classes: int = NUM_CLASSES
    styles: tuple[str, ...] = tuple(STYLE_NAMES)  # only to label the shared windows; the model is style-blind
    token_dim: int = 64
    enc_hidden: int = 256
    code_bits: int = 128             # the binary bottleneck
    step_dim: int = 64               # decoder input per step, unfolded from the code
    dec_hidden: int = 256
    dec_layers: int = 2
    # training corruption (per note of a corrupted window)
    shift_rate: float = 0.12         # pitch moved ±1–2 semitones
    jitter_rate: float = 0.06        # onset moved one 16th earlier or later
    drop_rate: float = 0.06          # note dropped (the one before holds on, or a rest)
    clean_share: float = 0.2         # share of windows left clean
    transpose: int = 5               # random transposition ±semitones during training
    repair_margin: float = 2.0       # nats: at strength 0.5 an event changes only if the fix is this much likelier
    lr: float = 1e-3
    lr_min: float = 1e-5
    lr_decay: float = 0.9999         # per step
    grad_clip: float = 1.0
    batch_size: int = 128
    epochs: int = 12                 # windows start every bar, so each bar is seen twice an epoch
    seed: int = 0

    @property
    def bits_per_bar(self) -> float:
        """Code size per 4/4 bar."""
        return self.code_bits * (4 * STEPS_PER_QUARTER) / self.window


CONFIGS: dict[str, AEConfig] = {
    "mel_ae": AEConfig(name="mel_ae"),
    # For tests and smoke runs: trains in seconds.
    "tiny": AEConfig(name="tiny", token_dim=16, enc_hidden=32, code_bits=16, step_dim=8, dec_hidden=32, dec_layers=1,
                     batch_size=32, epochs=2, lr=3e-3),
}


def get_config(name: str, **overrides) -> AEConfig:
    return pick(CONFIGS, name, "autoencoder", **overrides)
