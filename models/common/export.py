"""Publishing a trained model folder: weights + config.json (+ model extras), swapped in whole.

The folder is written beside its target and renamed over it, so the app never sees half a model;
the card and eval.json of a previous ship survive a re-export until the ship step rewrites them,
and so does the storage dtype of its weights (float16 where every eval figure held: see the card).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from torch import nn

from .weights import load_json, load_tensors, save_json, save_tensors, storage_dtype

KEEP_ON_REEXPORT = ("model_card.md", "eval.json")


def load_run_weights(model: nn.Module, checkpoint: Path) -> nn.Module:
    """Load a run checkpoint folder's model.safetensors into ``model`` (eval mode)."""
    model.load_state_dict(load_tensors(Path(checkpoint) / "model.safetensors"))
    return model.eval()


def publish_model(model: nn.Module, cfg, checkpoint: Path, out_dir: Path,
                  extras: Callable[[Path], None] | None = None) -> Path:
    """Write ``out_dir`` with model.safetensors, config.json, export.json and what ``extras`` adds.

    The weights keep the storage dtype of those they replace (float32 for a first ship)."""
    out_dir = Path(out_dir)
    previous = out_dir / "model.safetensors"
    dtype = storage_dtype(previous) if previous.exists() else "float32"
    tmp = Path(str(out_dir) + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    save_tensors(model.state_dict(), tmp / "model.safetensors", metadata={"config": cfg.name}, dtype=dtype)
    (tmp / "config.json").write_text(cfg.to_json() + "\n")
    if extras is not None:
        extras(tmp)
    if out_dir.exists():
        for keep in KEEP_ON_REEXPORT:
            if (out_dir / keep).exists() and not (tmp / keep).exists():
                shutil.copy2(out_dir / keep, tmp / keep)
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    save_json({"source_checkpoint": str(checkpoint)}, out_dir / "export.json")
    return out_dir


def run_state(run_dir: Path, checkpoint: str) -> dict:
    """The shipped checkpoint's state.json, with the whole run's per-epoch history from ``last``."""
    run_dir = Path(run_dir)
    state = load_json(run_dir / checkpoint / "state.json")
    state["state"]["history"] = load_json(run_dir / "last" / "state.json")["state"]["history"]
    return state


def ship_commands(model: str, config: str, run_dir: Path, checkpoint: str, given: list[str]) -> list[str]:
    """The commands recorded in the card: those given, else the train + ship pair that made it."""
    return given or [f"latentroll train {model} --config {config} --run-dir {run_dir}",
                     f"latentroll ship {model} --run-dir {run_dir} --checkpoint {checkpoint}"]


def ship_run(model: str, run_dir: Path, checkpoint: str, out_dir: Path, commands: list[str], *, config_cls,
             model_cls, evaluate: Callable[[Path], dict], write_card: Callable[..., Path],
             export: Callable[[Path, object, Path], Path] | None = None) -> dict:
    """Export a run's checkpoint into ``out_dir``, evaluate the exported model, write its card.

    ``export(checkpoint, cfg, out_dir)`` defaults to weights + config only; ``evaluate(out_dir)``
    gives the card's figures; ``write_card(out_dir, state, evaluation, commands, params)``.
    """
    run_dir, out_dir = Path(run_dir), Path(out_dir)
    cfg = config_cls.from_dict(load_json(run_dir / "config.json"))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    if export is None:
        publish_model(load_run_weights(model_cls(cfg), run_dir / checkpoint), cfg, run_dir / checkpoint, out_dir)
    else:
        export(run_dir / checkpoint, cfg, out_dir)
    evaluation = evaluate(out_dir)
    params = sum(p.numel() for p in model_cls(cfg).parameters())
    card = write_card(out_dir, run_state(run_dir, checkpoint), evaluation,
                      ship_commands(model, cfg.name, run_dir, checkpoint, commands), params)
    return {"model_dir": str(out_dir), "card": str(card), **evaluation}
