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


NOTE_REPAIR_CONFIGS: dict[str, NoteRepairConfig] = {
    "mel_fix": NoteRepairConfig(name="mel_fix", dim=192, epochs=14, context_features=True),
    # mel_fix resumed after its 24 epochs (14,856 steps) with the learning rate raised again: by then
    # it had decayed to 3e-5 and validation had stopped moving, while it still rose at 1e-4.
    "mel_fix_restart": NoteRepairConfig(name="mel_fix_restart", dim=192, epochs=36, context_features=True,
                                        lr=2.5e-4, lr_decay=0.9997, lr_restart_step=14856),
    "tiny": NoteRepairConfig(name="tiny", dim=32, heads=2, layers=1, max_notes=64, batch_size=8, epochs=2, lr=3e-3),
}


def get_note_repair_config(name: str, **overrides) -> NoteRepairConfig:
    return pick(NOTE_REPAIR_CONFIGS, name, "note repair", **overrides)
