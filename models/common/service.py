"""What every model service does the same way: load a model folder, resolve a style label.

Errors are ``MelodyError``s with a message for users (the app shows it, the CLI prints it).
"""
from __future__ import annotations

from pathlib import Path

from torch import nn

from latentroll.models.data.melody import MelodyError

from .weights import load_json, load_tensors


def load_model_folder(folder: Path, config_cls, model_cls, model: str) -> nn.Module:
    """The model in ``folder`` (config.json + model.safetensors), in eval mode.

    ``model`` is its registry name, used to tell users how to make the weights."""
    folder = Path(folder)
    if not (folder / "model.safetensors").exists():
        raise MelodyError(f"no {model} weights in {folder}; train them with `latentroll train {model}` "
                          f"and `latentroll ship {model}`")
    net = model_cls(config_cls.from_dict(load_json(folder / "config.json")))
    net.load_state_dict(load_tensors(folder / "model.safetensors"))
    return net.eval()


def style_label(cfg, style: str | None) -> int:
    """``cfg.style_index`` with a user-facing error."""
    try:
        return cfg.style_index(style)
    except KeyError as exc:
        raise MelodyError(exc.args[0]) from None
