"""The one shape every model service has: ``name``, ``load(folders)``, ``info()`` and its calls.

The model process loads a service by its registry entry and the folders the parent resolved,
asks ``info()`` what the panels need, and runs the public methods it is asked for; it never
probes a service with ``hasattr``. No torch here: the UI process imports this module too.
"""
from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, Mapping, Protocol, runtime_checkable

from latentroll.models.registry import MAIN, entry

Folders = Mapping[str, Path]  # role → folder; MAIN is the model's own


@dataclass(frozen=True)
class ServiceInfo:
    """What the app needs to know about a loaded model (plain data: it crosses the process pipe)."""

    name: str
    styles: tuple[tuple[str, str], ...] = ()  # (name, one-line description)
    attributes: tuple[str, ...] = ()
    clip_ticks: int = 0                       # the model's clip length; 0 when it has none
    map_points: Any = None                    # (n, 2) float32 corpus points of the 2-D map, or None
    map_styles: Any = None                    # (n,) style index per point


@runtime_checkable
class ModelService(Protocol):
    name: str

    @classmethod
    def load(cls, folders: "Folders | str | PathLike | None" = None) -> "ModelService":
        """The service with its weights from ``folders`` (see ``model_folders``)."""

    def info(self) -> ServiceInfo:
        """Its name, styles, attributes and clip length, for the panels."""


def model_folders(key: str, given: "Folders | str | PathLike | None" = None) -> dict[str, Path]:
    """The folders a service loads: ``given`` (a mapping of roles, or one path for its own
    folder) over the registry's defaults. The app always passes every role, resolved in the
    parent; the defaults serve the CLI, tests and scripts."""
    if given is None:
        given = {}
    elif isinstance(given, (str, PathLike)):
        given = {MAIN: Path(given)}
    return entry(key).folder_paths(given)
