"""Named configs of the chorale CNN. The name is saved with the weights (config.json beside them)."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.models.common.config import ConfigJSON, pick


@dataclass(frozen=True)
class CoconetConfig(ConfigJSON):
    name: str
    low_pitch: int = 36              # lowest MIDI pitch of the roll (C2)
    high_pitch: int = 81             # highest (A5); one more class per voice means "rest"
    crop: int = 64                   # training crop, in 16th steps (4 bars of 4/4)
    channels: int = 64
    layers: int = 16                 # 3×3 convolutions after the input one, in residual pairs
    dilations: tuple[int, ...] = (1, 2, 4, 8)  # cycled over the residual pairs, in time and pitch
    mask_whole_voices: float = 0.15  # share of training crops with whole voices hidden (harmonize)
    mask_time_span: float = 0.15     # share with a span of time hidden in some voices (infill)
    transpose: int = 6               # random transposition up to ±semitones, kept inside the roll
    lr: float = 1e-3
    lr_min: float = 1e-5
    lr_decay: float = 0.99995        # per step
    grad_clip: float = 1.0
    batch_size: int = 16
    crops_per_chorale: int = 8       # an epoch draws this many random crops from each chorale
    epochs: int = 24
    seed: int = 0
    # sampling defaults (the service and the evaluation use them)
    gibbs_steps: int = 32            # blocked-Gibbs sweeps (the app can ask for more or fewer); 32 was
    #                                  chosen on the validation chorales (schedule_search.py): as likely
    #                                  under the net as 64, fewer raw parallels; 24 and 16 were worse
    gibbs_pmax: float = 0.9
    gibbs_pmin: float = 0.1
    gibbs_anneal: float = 0.7        # share of the sweeps over which the mask probability falls

    @property
    def pitches(self) -> int:
        return self.high_pitch - self.low_pitch + 1

    @property
    def rest(self) -> int:
        """Class index meaning 'this voice is silent'."""
        return self.pitches

    @property
    def classes(self) -> int:
        return self.pitches + 1


CONFIGS: dict[str, CoconetConfig] = {
    "chorale": CoconetConfig(name="chorale"),
    # For tests and smoke runs: trains in seconds.
    "tiny": CoconetConfig(name="tiny", crop=32, channels=8, layers=2, dilations=(1,), batch_size=8,
                          crops_per_chorale=2, epochs=2, lr=3e-3, gibbs_steps=8),
}


def get_config(name: str, **overrides) -> CoconetConfig:
    return pick(CONFIGS, name, "chorale CNN", **overrides)
