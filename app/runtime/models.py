"""Models in the model process: load a registry entry's service there, call it from a worker.

The parent resolves every folder a model loads (``ModelEntry.folder_paths``) and the settings
that matter (torch threads, the ``LATENTROLL_*`` variables) and sends them with each load, so a
folder chosen after the fork server started still takes effect. Services are kept loaded in the
child, keyed by entry and folders. Results are plain data (core Tracks, NumPy arrays).
"""
from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from latentroll.models.common.errors import MelodyError
from latentroll.models.common.protocol import ServiceInfo
from latentroll.models.registry import MAIN, WEIGHTS_FILE, ModelEntry

from .helper_process import HelperProcess, HelperStopped

MODELS_HELPER = "models"


class ModelUnavailable(MelodyError):
    """The model cannot be used: its weights are missing, or the model process died."""


class WeightsMissing(ModelUnavailable):
    """A required folder of the model has no weights file."""


def missing_weights_text(model: ModelEntry, role: str, folder: Path) -> str:
    """What to tell a user whose model folder has no weights (one line, with the way out). A
    role other than the model's own is named after the model it loads ("ae", "lstm")."""
    key = model.key if role == MAIN else role
    what = model.label or model.key if role == MAIN else f"{role} ({model.label or model.key} needs it)"
    return (f"No {what} weights in {folder}. Train a model with `latentroll train {key}` "
            f"or point {model.folders[role].env_var} at a model folder.")


@dataclass(frozen=True)
class LoadRequest:
    """Everything the child needs to load a service (plain data: it crosses the pipe)."""

    service: str                       # "module:Class"
    folders: tuple[tuple[str, str], ...]  # (role, folder), sorted
    threads: int
    env: tuple[tuple[str, str], ...] = field(default=())  # the parent's LATENTROLL_* variables

    @classmethod
    def make(cls, model: ModelEntry, folders: Mapping[str, Path], threads: int,
             env: Mapping[str, str] | None = None) -> "LoadRequest":
        """``env``: ``LATENTROLL_*`` settings of this caller over the parent's (a server's own
        style folder)."""
        merged = {k: v for k, v in os.environ.items() if k.startswith("LATENTROLL_")}
        merged.update(env or {})
        return cls(model.service, tuple(sorted((r, str(p)) for r, p in folders.items())), threads,
                   tuple(sorted(merged.items())))


# ---- the child --------------------------------------------------------------------------

_services: dict[tuple[str, tuple], Any] = {}


def _service(req: LoadRequest):
    key = (req.service, req.folders)
    # every call: a loaded service reads some settings per call (the user's style folder)
    for k in [k for k in os.environ if k.startswith("LATENTROLL_")]:
        del os.environ[k]
    os.environ.update(dict(req.env))
    if key not in _services:
        import torch

        torch.set_num_threads(req.threads)
        module, _, cls = req.service.partition(":")
        _services[key] = getattr(importlib.import_module(module), cls).load(
            {role: Path(p) for role, p in req.folders})
    return _services[key]


def child_load(req: LoadRequest) -> ServiceInfo:
    return _service(req).info()


def child_call(req: LoadRequest, method: str, args: tuple, kwargs: dict, progress=None):
    """``progress``: the helper's streaming callable, handed to the service call as its own."""
    if method.startswith("_"):
        raise ValueError(f"not a service call: {method!r}")
    if progress is not None:
        kwargs = {**kwargs, "progress": progress}
    return getattr(_service(req), method)(*args, **kwargs)


# ---- the parent -------------------------------------------------------------------------

def check_weights(model: ModelEntry, folders: Mapping[str, Path]) -> None:
    """Refuse a model whose required folders have no weights, before starting any process."""
    for role, folder in model.folders.items():
        if folder.required and not (Path(folders[role]) / WEIGHTS_FILE).exists():
            raise WeightsMissing(missing_weights_text(model, role, Path(folders[role])))


class RemoteService:
    """Stands in for a service inside a worker: ``svc.generate(...)`` runs in the model process.

    Job functions take this (or, in tests of their logic, a real service) as their first
    argument. The worker's cancel event makes a waiting call give up at once (``Cancelled``).
    A call given a ``progress=`` callable streams: the service in the child gets a stand-in whose
    reports reach that callable here, and a cancel stops the service's loop in the child too."""

    def __init__(self, helper: HelperProcess, model: ModelEntry, folders: Mapping[str, Path] | None = None,
                 cancel: threading.Event | None = None, env: Mapping[str, str] | None = None):
        self._helper = helper
        self._req = LoadRequest.make(model, folders or model.folder_paths(), helper.threads, env)
        self._cancel = cancel

    @property
    def model_dir(self) -> Path:
        return Path(dict(self._req.folders)[MAIN])

    def load(self) -> ServiceInfo:
        return self._run(child_load, self._req)

    def _run(self, fn, *args, progress=None):
        try:
            return self._helper.run(fn, *args, cancel=self._cancel, progress=progress)
        except HelperStopped as exc:
            raise ModelUnavailable(str(exc)) from None

    def __getattr__(self, method: str):
        if method.startswith("_"):
            raise AttributeError(method)

        def call(*args, progress=None, **kwargs):
            return self._run(child_call, self._req, method, args, kwargs, progress=progress)

        call.__name__ = method
        return call


def model_helper() -> HelperProcess:
    """The app's one model process."""
    return HelperProcess.shared(MODELS_HELPER)
