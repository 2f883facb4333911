"""Every model LatentRoll has, in one table: its service, the folders it loads, how it trains,
evaluates and ships, and which app tools it serves.

The CLI (``train``/``eval``/``ship`` and the tool commands), the GUI's model host and the model
process all read this table; nothing else lists models. Adding a model is a package of the usual
shape (config, network, train, evaluate, ship, service) plus one entry here.

Entries name code as "module:attr" strings, so listing the models imports nothing heavy (the UI
process never imports torch). Entry-point contracts:
- train(config: str, run_dir: Path, corpus: Corpus, progress, max_steps, **overrides) -> dict summary
- evaluate(model_dir: Path | None, corpus: Corpus, quick: bool) -> dict of figures
- ship(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus: Corpus, commands: list[str]) -> dict
- service: a class following ``models.common.service.ModelService`` (``load(folders)``, ``info()``).
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

WEIGHTS_FILE = "model.safetensors"
MAIN = "model"  # the role of a model's own folder; other roles name folders it also loads


def shipped_model_dir(folder: str, env_var: str | None = None) -> Path:
    """``$env_var`` when it is set and not empty, else resources/models/<folder>."""
    override = os.environ.get(env_var) if env_var else None
    if override:
        return Path(override)
    from importlib.resources import files

    return Path(str(files("latentroll.resources"))) / "models" / folder


@dataclass(frozen=True)
class ModelFolder:
    """A shipped model folder, the variable that may name another one, and whether the model
    works without it (an optional helper model, such as Repair's LSTM opinion)."""

    folder: str
    env_var: str | None = None
    required: bool = True

    def path(self) -> Path:
        return shipped_model_dir(self.folder, self.env_var)


@dataclass(frozen=True)
class ModelEntry:
    key: str
    description: str
    configs: str                      # "module:CONFIGS" (a dict of named configs)
    default_config: str
    train: str
    folders: Mapping[str, ModelFolder]  # role → folder: MAIN is its own weights, another role is the key of a model it loads
    service: str                      # "module:Class" following ModelService
    evaluate: str | None = None
    ship: str | None = None
    tools: frozenset[str] = frozenset()  # what the app's panels may ask of it
    label: str = ""                   # shown in the app's model selector and banners
    short: str = ""                   # shown in the status bar
    bar_step: int = 1                 # generated lengths are a multiple of this many bars
    family: str = ""                  # the group the app shows its tools under (Model Tools' upper tabs)

    @property
    def folder(self) -> ModelFolder:
        return self.folders[MAIN]

    @property
    def env_var(self) -> str | None:
        return self.folder.env_var

    def model_dir(self) -> Path:
        return self.folder.path()

    def folder_paths(self, overrides: Mapping[str, Path] | None = None) -> dict[str, Path]:
        """Every folder the service loads, resolved now (in the caller's process): the model
        process gets these with each load and never reads the environment itself."""
        paths = {role: f.path() for role, f in self.folders.items()}
        paths.update({role: Path(p) for role, p in (overrides or {}).items()})
        return paths


def _folder(name: str, env: str, required: bool = True) -> ModelFolder:
    return ModelFolder(name, f"LATENTROLL_{env}_DIR", required)


VAE_FOLDER = _folder("vae_mel_2bar", "VAE")
VAE_4BAR_FOLDER = _folder("vae_mel_4bar", "VAE_4BAR")
LSTM_FOLDER = _folder("lstm_mel_lm", "LSTM")
AE_FOLDER = _folder("ae_mel_ae", "AE")

MODELS: dict[str, ModelEntry] = {e.key: e for e in (
    ModelEntry(
        "vae", "2-bar melody VAE: sample, interpolate, explore, transfer style (longer phrases route to vae_4bar "
        "and structure)",
        "latentroll.models.vae.config:CONFIGS", "mel_2bar", "latentroll.models.vae.train:train_vae",
        {MAIN: VAE_FOLDER}, "latentroll.models.vae.service:MelodyVAEService",
        "latentroll.models.vae.evaluate:evaluate_cli", "latentroll.models.vae.ship:ship_vae",
        tools=frozenset({"generate", "transfer", "interpolate", "grid", "map"}),
        # the panels' melody model: its requests go to it, the 4-bar VAE or the structure model by length
        label="Melody VAE (1-16 bars)", short="VAE",
        family="Melody"),
    ModelEntry(  # no tools of its own: the app routes 3-16-bar phrases here (app/calls/phrases.py)
        "vae_4bar", "4-bar melody VAE (conductor over bars): interpolate, blend, generate and transfer 4-bar phrases",
        "latentroll.models.vae.config:CONFIGS", "mel_4bar_h", "latentroll.models.vae.train:train_vae",
        {MAIN: VAE_4BAR_FOLDER}, "latentroll.models.vae.service:MelodyVAEService",
        "latentroll.models.vae.evaluate:evaluate_cli", "latentroll.models.vae.ship:ship_vae",
        label="Melody VAE (4-bar phrases)", short="VAE 4-bar", bar_step=4, family="Melody"),
    ModelEntry(
        "structure", "16-bar phrase structure over the 2-bar VAE's latents: repeats and form (Generate, 8-16 bars)",
        "latentroll.models.structure.config:CONFIGS", "structure_16bar_w",
        "latentroll.models.structure.train:train_structure",
        {MAIN: _folder("structure_16bar", "STRUCTURE"), "vae": VAE_FOLDER},
        "latentroll.models.structure.service:PhraseStructureService",
        "latentroll.models.structure.evaluate:evaluate_cli", "latentroll.models.structure.ship:ship_structure",
        label="Phrase structure (16 bars)", short="Structure", bar_step=2),
    ModelEntry(
        "classifier", "style classifier over 2-bar windows (the judge of style fidelity)",
        "latentroll.models.style_classifier.config:CONFIGS", "styles6",
        "latentroll.models.style_classifier.train:train_cli",
        {MAIN: _folder("style_classifier", "CLASSIFIER")},
        "latentroll.models.style_classifier.service:StyleClassifierService",
        "latentroll.models.style_classifier.evaluate:evaluate_cli",
        label="Style classifier", short="Judge", family="Melody"),
    ModelEntry(
        "lstm", "style-conditioned melody LSTM language model: continue a melody (\"Continue\")",
        "latentroll.models.lstm.config:CONFIGS", "mel_lm", "latentroll.models.lstm.train:train_lstm",
        {MAIN: LSTM_FOLDER}, "latentroll.models.lstm.service:MelodyLSTMService",
        "latentroll.models.lstm.evaluate:evaluate_cli", "latentroll.models.lstm.ship:ship_lstm",
        tools=frozenset({"continue"}), label="Melody LSTM (continue)", short="LSTM", family="Melody"),
    ModelEntry(
        "ae", "denoising 2-bar melody code autoencoder: compress a melody to 64 bits a bar",
        "latentroll.models.autoencoder.config:CONFIGS", "mel_ae", "latentroll.models.autoencoder.train:train_ae",
        {MAIN: AE_FOLDER}, "latentroll.models.autoencoder.service:MelodyAEService",
        "latentroll.models.autoencoder.evaluate:evaluate_cli", "latentroll.models.autoencoder.ship:ship_ae",
        label="Melody code autoencoder", short="AE", family="Melody"),
    ModelEntry(
        "repair", "note-level repair network over whole melodies, with the LSTM's opinion (\"Repair\")",
        "latentroll.models.repair.config:CONFIGS", "mel_fix",
        "latentroll.models.repair.train:train_note_repair",
        {MAIN: _folder("ae_mel_fix", "REPAIR"), "ae": AE_FOLDER,
         "lstm": ModelFolder(LSTM_FOLDER.folder, LSTM_FOLDER.env_var, False)},
        "latentroll.models.repair.service:MelodyRepairService",
        "latentroll.models.repair.evaluate:evaluate_cli", "latentroll.models.repair.ship:ship_repair",
        tools=frozenset({"repair"}), label="Melody repair (note network + LSTM)", short="Repair", family="Melody"),
    ModelEntry(
        "cnn", "Coconet-style chorale CNN: harmonize a melody in four parts, infill a passage",
        "latentroll.models.coconet.config:CONFIGS", "chorale", "latentroll.models.coconet.train:train_coconet",
        {MAIN: _folder("cnn_chorale", "CNN")}, "latentroll.models.coconet.service:ChoraleService",
        "latentroll.models.coconet.evaluate:evaluate_cli", "latentroll.models.coconet.ship:ship_cnn",
        tools=frozenset({"harmonize", "infill"}), label="Chorale CNN (harmonize, infill)", short="CNN",
        family="Chorale"),
    ModelEntry(
        "gan", "MidiNet-style melody GAN: bar-by-bar melodies in a style",
        "latentroll.models.gan.config:CONFIGS", "mel_bar", "latentroll.models.gan.train:train_gan",
        {MAIN: _folder("gan_mel_bar", "GAN")}, "latentroll.models.gan.service:MelodyGANService",
        "latentroll.models.gan.evaluate:evaluate_cli", "latentroll.models.gan.ship:ship_gan",
        tools=frozenset({"generate"}), label="Melody GAN (bar by bar)", short="GAN", family="Melody"),
    ModelEntry(
        "chords", "chord suggestion for a melody (bi-GRU tagger + chord transitions); chord detection",
        "latentroll.models.chords.config:CONFIGS", "chords", "latentroll.models.chords.train:train_chords",
        {MAIN: _folder("chords_suggest", "CHORDS")}, "latentroll.models.chords.service:ChordService",
        "latentroll.models.chords.evaluate:evaluate_cli", "latentroll.models.chords.ship:ship_chords",
        tools=frozenset({"chords"}), label="Chord suggestion", short="Chords", family="Chords"),
    ModelEntry(
        "bass", "bass lines from a chord track: rule styles and a style learned from the chorales' bass",
        "latentroll.models.chords.config:BASS_CONFIGS", "bass_chorale", "latentroll.models.chords.bass_model:train_bass",
        {MAIN: _folder("bass_chorale", "BASS")}, "latentroll.models.chords.bass_model:BassService",
        "latentroll.models.chords.bass_model:evaluate_bass_cli", "latentroll.models.chords.bass_model:ship_bass",
        tools=frozenset({"bass_line"}), label="Bass from chords", short="Bass", family="Chords"),
    ModelEntry(
        "drums_vae", "4-bar drum VAE (GrooVAE-like): generate, interpolate and blend drum clips in a style",
        "latentroll.models.drums.config:VAE_CONFIGS", "drums_4bar_fb512", "latentroll.models.drums.train:train_drum_vae",
        {MAIN: _folder("drums_vae_4bar", "DRUMS_VAE")}, "latentroll.models.drums.service:DrumVAEService",
        "latentroll.models.drums.evaluate:evaluate_vae_cli", "latentroll.models.drums.ship:ship_drum_vae",
        tools=frozenset({"drums_generate", "drums_interpolate", "drums_grid"}),
        label="Drum VAE (4-bar drum clips)", short="Drums", bar_step=4, family="Drums"),
    ModelEntry(
        "groove", "Groove: performed velocity and timing for a quantized drum part (the same hits)",
        "latentroll.models.drums.config:GROOVE_CONFIGS", "groove_2bar_h256",
        "latentroll.models.drums.tools_train:train_groove",
        {MAIN: _folder("drums_groove", "GROOVE")}, "latentroll.models.drums.service:GrooveService",
        "latentroll.models.drums.evaluate:evaluate_groove_cli", "latentroll.models.drums.ship:ship_groove",
        tools=frozenset({"groove"}), label="Groove (humanize drums)", short="Groove", family="Drums"),
    ModelEntry(
        "drumify", "Drumify: any rhythm (taps, a melody's onsets) to a nine-piece drum part",
        "latentroll.models.drums.config:DRUMIFY_CONFIGS", "drumify_2bar",
        "latentroll.models.drums.tools_train:train_drumify",
        {MAIN: _folder("drums_drumify", "DRUMIFY")}, "latentroll.models.drums.service:DrumifyService",
        "latentroll.models.drums.evaluate:evaluate_drumify_cli", "latentroll.models.drums.ship:ship_drumify",
        tools=frozenset({"drumify"}), label="Drumify (rhythm to drums)", short="Drumify", family="Drums"),
    ModelEntry(
        "drums_lm", "drum language model (Drum RNN-like): continue a drum clip by 1-32 bars",
        "latentroll.models.drums.config:LM_CONFIGS", "drums_lm", "latentroll.models.drums.tools_train:train_drum_lm",
        {MAIN: _folder("drums_lm", "DRUMS_LM")}, "latentroll.models.drums.service:DrumContinueService",
        "latentroll.models.drums.evaluate:evaluate_lm_cli", "latentroll.models.drums.ship:ship_drum_lm",
        tools=frozenset({"drums_continue"}), label="Drum LM (continue drums)", short="DrumLM", family="Drums"),
)}


def resolve(ref: str):
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def entry(name: str) -> ModelEntry:
    if name not in MODELS:
        raise KeyError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")
    return MODELS[name]

