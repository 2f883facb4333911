"""The melody GAN service: ``generate`` melodies bar by bar. Core Tracks out, never tensors."""
from __future__ import annotations

import torch

from latentroll.core.chords import ChordEvent
from latentroll.core.song import Track
from latentroll.core.theory import Scale
from latentroll.models.common.chord_mask import ChordFollow, class_mask
from latentroll.models.common.errors import MelodyError
from latentroll.models.common.protocol import ServiceInfo
from latentroll.models.common.service import NetworkService, style_label
from latentroll.models.data.corpus import StyleInfo, style_infos
from latentroll.models.data.tracks import events_to_track

from .config import GANConfig
from .network import MelodyGAN
from .roll import scale_classes
from .sampling import sample_melodies

MAX_BARS = 64
MAX_MELODIES = 256
# What "temperature 1" means: the raw softmax temperature at which the shipped generator's samples
# sit closest to validation melodies on the MuseGAN metrics (scripts/tune_gan_temperature.py;
# for the shipped epoch-5 weights raw 1.0 gives slightly too many long notes, 1.1 too many pitch
# classes per bar). Re-tune when the weights change. The test split only measures it.
TEMPERATURE_SCALE = 1.04


class MelodyGANService(NetworkService):
    key, config_cls, network_cls = "gan", GANConfig, MelodyGAN
    cfg: GANConfig

    def styles(self) -> list[StyleInfo]:
        """The styles it can be asked for (besides None / "any")."""
        return style_infos(self.cfg.styles)

    def info(self) -> ServiceInfo:
        return ServiceInfo(self.name, styles=tuple((s.name, s.description) for s in self.styles()))

    def generate(self, n: int, style: str | None = None, bars: int = 2, temperature: float = 1.0,
                 scale: Scale | None = None, seed: int | None = None,
                 chords: list[ChordEvent] | None = None) -> list[Track]:
        """``n`` melodies of ``bars`` 4/4 bars. temperature 0 = the most likely step each time,
        1 = the calibrated default (``TEMPERATURE_SCALE``), higher = wilder. ``scale`` keeps
        every note in a key; with ``chords`` (ticks from the melody's start) strong-beat notes
        lean on their chord tones."""
        if not 1 <= n <= MAX_MELODIES:
            raise MelodyError(f"ask for between 1 and {MAX_MELODIES} melodies")
        if not 1 <= bars <= MAX_BARS:
            raise MelodyError(f"bars must be between 1 and {MAX_BARS}")
        if not 0.0 <= temperature <= 2.0:
            raise MelodyError("temperature must be between 0 and 2")
        label = style_label(self.cfg, style)
        allowed = torch.as_tensor(scale_classes(scale.mask(), self.cfg)) if scale is not None else None
        follow = ChordFollow.of(chords)
        if follow is not None:
            allowed = torch.as_tensor(class_mask(follow, [0] * n, bars * self.cfg.bar, self.cfg.low_pitch,
                                                 self.cfg.pitches, seed=seed,
                                                 base=None if allowed is None else allowed.numpy()))
        gen = torch.Generator().manual_seed(int(seed)) if seed is not None else None
        events = sample_melodies(self.model, n, bars, label, temperature * TEMPERATURE_SCALE, gen, allowed)
        name = style or "any"
        return [events_to_track(e, f"GAN {name} {i + 1}") for i, e in enumerate(events)]


__all__ = ["MelodyGANService"]
