"""Shipping the chord suggestion model: export a run into resources/models/chords_suggest,
evaluate the exported weights, write the card (the registry's ship contract)."""
from __future__ import annotations

from pathlib import Path

from latentroll.models.common.export import ship_run
from latentroll.models.common.weights import load_json
from latentroll.models.registry import entry

from .card import write_chord_card
from .config import ChordConfig
from .evaluate import evaluate_cli
from .network import ChordTagger


def ship_chords(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    cfg = ChordConfig.from_dict(load_json(Path(run_dir) / "config.json"))
    quick = cfg.data == "fixture"
    return ship_run("chords", run_dir, checkpoint, Path(out_dir) if out_dir else entry("chords").model_dir(),
                    commands, config_cls=ChordConfig, model_cls=ChordTagger,
                    evaluate=lambda out: evaluate_cli(out, corpus, quick), write_card=write_chord_card)
