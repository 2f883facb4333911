"""Shipping a structure run: export the weights to resources/, evaluate, write the model card."""
from __future__ import annotations

from pathlib import Path

from latentroll.models.common.export import ship_run
from latentroll.models.registry import MAIN, entry

from .card import write_card
from .config import StructureConfig
from .evaluate import evaluate_cli
from .network import StructureNet


def ship_structure(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    out = Path(out_dir) if out_dir else entry("structure").model_dir()
    vae = entry("structure").folder_paths()["vae"]
    return ship_run("structure", run_dir, checkpoint, out, commands, config_cls=StructureConfig,
                    model_cls=StructureNet, evaluate=lambda o: evaluate_cli({MAIN: o, "vae": vae}, corpus),
                    write_card=write_card)
