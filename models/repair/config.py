"""Named repair network configs, saved as config.json beside the weights."""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.models.common.config import ConfigJSON, pick
from latentroll.models.data.corpus import STYLE_NAMES
from latentroll.models.data.melody import NUM_CLASSES


@dataclass(frozen=True)
class NoteRepairConfig(ConfigJSON):
    """The note-level repair network: each note of a rough melody reads the whole tune and says how
    far (−2…+2 semitones) its pitch is from the clean one.

    Attention lets a note be compared with its phrase's repeats anywhere in the tune; a convolution
    first gathers each note's neighbours. Wrong notes are what it repairs; rhythm stays as it is.
    """

    name: str
    num_classes: int = NUM_CLASSES
    styles: tuple[str, ...] = tuple(STYLE_NAMES)  # only to count the data per style; the model is style-blind
    max_bar_steps: int = 48
    dim: int = 160
    heads: int = 4
    layers: int = 4
    conv_kernel: int = 5
    dropout: float = 0.1
    context_features: bool = False   # also read NoteRows.context(): the key and the votes of repeated phrases
    max_notes: int = 384             # training crops: this many consecutive notes at most
    min_notes: int = 8
    shift_min: float = 0.05          # each training tune gets a shift rate drawn from [min, max]
    shift_max: float = 0.2
    clean_share: float = 0.1
    transpose: int = 5
    repair_margin: float = 2.0       # nats; calibrated on validation tunes at ship time
    lm_weight: float = 0.0           # weight of the melody LSTM's opinion on candidate fixes (0: network alone)
    lm_margin: float = 2.0           # nats; the margin with that opinion added, calibrated at ship time
    lr: float = 5e-4
    lr_min: float = 1e-5
    lr_decay: float = 0.9998
    lr_restart_step: int = 0         # resuming a run past this step restarts the decay from ``lr``
    grad_clip: float = 1.0
    batch_size: int = 16             # tunes per batch
    epochs: int = 12
    crops_per_tune: int = 1
    seed: int = 0


CONFIGS: dict[str, NoteRepairConfig] = {
    "mel_fix": NoteRepairConfig(name="mel_fix", dim=192, epochs=14, context_features=True),
    # mel_fix resumed after its 24 epochs (14,856 steps) with the learning rate raised again: by then
    # it had decayed to 3e-5 and validation had stopped moving, while it still rose at 1e-4.
    "mel_fix_restart": NoteRepairConfig(name="mel_fix_restart", dim=192, epochs=36, context_features=True,
                                        lr=2.5e-4, lr_decay=0.9997, lr_restart_step=14856),
    "tiny": NoteRepairConfig(name="tiny", dim=32, heads=2, layers=1, max_notes=64, batch_size=8, epochs=2, lr=3e-3),
}


def get_config(name: str, **overrides) -> NoteRepairConfig:
    return pick(CONFIGS, name, "note repair", **overrides)
