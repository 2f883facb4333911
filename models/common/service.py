"""What every model service does the same way: load a model folder, resolve a style label, and
(``NetworkService``) the shape most services have: one network in one folder.

Errors are ``MelodyError``s with a message for users (the app shows it, the CLI prints it).
"""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from torch import nn

from latentroll.models.registry import MAIN

from .errors import MelodyError
from .protocol import Folders, ServiceInfo, model_folders
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


class NetworkService:
    """A service around one network loaded from its registry entry's own folder (the protocol's
    ``load(folders)`` and ``info()``); subclasses add their calls, and styles to ``info``."""

    key: ClassVar[str]           # the registry entry
    config_cls: ClassVar[type]   # has ``from_dict``
    network_cls: ClassVar[type]  # built from a config

    def __init__(self, model: nn.Module, name: str | None = None):
        self.model = model.eval()
        self.cfg = model.cfg
        self.name = name or getattr(model.cfg, "name", None) or self.key

    @classmethod
    def load(cls, folders: Folders | str | Path | None = None):
        folder = model_folders(cls.key, folders)[MAIN]
        return cls(load_model_folder(folder, cls.config_cls, cls.network_cls, cls.key))

    def info(self) -> ServiceInfo:
        return ServiceInfo(self.name)
