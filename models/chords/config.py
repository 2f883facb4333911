"""Named configs of the chord models (suggestion tagger, learned bass). The name is saved with the
weights."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.models.common.config import ConfigJSON, pick


@dataclass(frozen=True)
class ChordConfig(ConfigJSON):
    """The suggestion model: count tables (transitions per style, emissions) + a bi-GRU tagger over
    segments; decoding mixes the tagger's posteriors with the transitions."""

    name: str
    data: str = "openewld"          # "openewld" (the vendored lead sheets) or "fixture" (tests)
    hidden: int = 64
    layers: int = 1
    dropout: float = 0.3
    chorale_sequences: bool = True   # the chorales (derived chords) train the tagger too, flagged
    # decoding (tuned on the validation songs; see the card)
    tagger_weight: float = 1.0       # log-posterior weight
    prior_correction: float = 0.3    # subtract this x log prior (posterior → likelihood)
    transition_weight: float = 0.3
    hmm_weight: float = 0.6          # weight of the count-based emission (hybrid)
    beam: int = 24
    lr: float = 3e-3
    lr_min: float = 1e-4
    lr_decay: float = 0.999
    grad_clip: float = 1.0
    batch_size: int = 16
    epochs: int = 14
    seed: int = 0


@dataclass(frozen=True)
class BassConfig(ConfigJSON):
    """The learned bass style: count tables of the chorales' bass under their derived chords."""

    name: str
    data: str = "openewld"           # lead sheets it is evaluated on: "openewld" or "fixture" (tests)
    alpha: float = 0.5               # add-alpha smoothing
    epochs: int = 1
    batch_size: int = 1
    seed: int = 0


CONFIGS: dict[str, ChordConfig] = {
    "chords": ChordConfig(name="chords"),
    "tiny": ChordConfig(name="tiny", data="fixture", hidden=8, epochs=2, batch_size=4),
}
BASS_CONFIGS: dict[str, BassConfig] = {
    "bass_chorale": BassConfig(name="bass_chorale"),
    "tiny": BassConfig(name="tiny", data="fixture"),
}


def get_config(name: str = "chords", **overrides) -> ChordConfig:
    return pick(CONFIGS, name, "chord", **overrides)


def get_bass_config(name: str = "bass_chorale", **overrides) -> BassConfig:
    return pick(BASS_CONFIGS, name, "bass", **overrides)
