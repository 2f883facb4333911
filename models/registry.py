"""Which models exist and where their training and evaluation entry points live.

The CLI's ``train``, ``eval`` and ``ship`` commands dispatch through this table, so adding a model
is one entry here plus its own package. Entries are "module:function" strings so that listing the
models imports nothing heavy.

Entry-point contracts:
- train(config: str, run_dir: Path, corpus: Corpus, progress, max_steps, **overrides) -> dict summary
- evaluate(model_dir: Path | None, corpus: Corpus, quick: bool) -> dict of figures
- ship(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus: Corpus, commands: list[str]) -> dict
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelEntry:
    name: str
    description: str
    configs: str            # "module:CONFIGS" (a dict of named configs)
    default_config: str
    train: str
    evaluate: str | None = None
    ship: str | None = None


MODELS: dict[str, ModelEntry] = {
    "vae": ModelEntry(
        "vae", "2-bar melody VAE: sample, interpolate, explore, transfer style",
        "latentroll.models.vae.config:CONFIGS", "mel_2bar",
        "latentroll.models.vae.train:train_vae", "latentroll.models.vae.evaluate:evaluate_cli",
        "latentroll.models.vae.ship:ship_vae"),
    "classifier": ModelEntry(
        "classifier", "style classifier over 2-bar windows (the judge of style fidelity)",
        "latentroll.models.eval.style_classifier:CONFIGS", "styles6",
        "latentroll.models.eval.style_classifier:train_cli"),
    "lstm": ModelEntry(
        "lstm", "style-conditioned melody LSTM language model: continue a melody (\"Continue\")",
        "latentroll.models.lstm.config:CONFIGS", "mel_lm",
        "latentroll.models.lstm.train:train_lstm", "latentroll.models.lstm.evaluate:evaluate_cli",
        "latentroll.models.lstm.ship:ship_lstm"),
    "ae": ModelEntry(
        "ae", "denoising 2-bar melody autoencoder: repair a rough melody, compress it (\"Repair\")",
        "latentroll.models.autoencoder.config:CONFIGS", "mel_ae",
        "latentroll.models.autoencoder.train:train_ae", "latentroll.models.autoencoder.evaluate:evaluate_cli",
        "latentroll.models.autoencoder.ship:ship_ae"),
    "repair": ModelEntry(
        "repair", "note-level repair network over whole melodies: what \"Repair\" runs when shipped",
        "latentroll.models.autoencoder.config:NOTE_REPAIR_CONFIGS", "mel_fix",
        "latentroll.models.autoencoder.note_repair_train:train_note_repair",
        "latentroll.models.autoencoder.evaluate:evaluate_repair_cli",
        "latentroll.models.autoencoder.ship:ship_repair"),
    "cnn": ModelEntry(
        "cnn", "Coconet-style chorale CNN: harmonize a melody in four parts, infill a passage",
        "latentroll.models.coconet.config:CONFIGS", "chorale",
        "latentroll.models.coconet.train:train_coconet", "latentroll.models.coconet.evaluate:evaluate_cli",
        "latentroll.models.coconet.ship:ship_cnn"),
    "gan": ModelEntry(
        "gan", "MidiNet-style melody GAN: bar-by-bar melodies in a style",
        "latentroll.models.gan.config:CONFIGS", "mel_bar",
        "latentroll.models.gan.train:train_gan", "latentroll.models.gan.evaluate:evaluate_cli",
        "latentroll.models.gan.ship:ship_gan"),
}


def resolve(ref: str):
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def entry(name: str) -> ModelEntry:
    if name not in MODELS:
        raise KeyError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name]
