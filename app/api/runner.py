"""Model calls for the API: a job function of ``app.calls`` against the service in the app's one
model process (``RemoteService``), exactly as the GUI's workers run them. Called from worker
threads only (a ``def`` endpoint's thread pool, or the job pool), never on the event loop."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Mapping

from latentroll.app.runtime.helper_process import HelperProcess
from latentroll.app.runtime.models import RemoteService, check_weights, model_helper
from latentroll.models.registry import MODELS, WEIGHTS_FILE, entry


class ModelRunner:
    def __init__(self, overrides: Mapping[str, Mapping[str, Path]] | None = None,
                 helper: HelperProcess | None = None, env: Mapping[str, str] | None = None):
        """``env``: ``LATENTROLL_*`` settings the model process sees on this server's calls (its
        own style folder), over the server process's."""
        self._overrides = {k: dict(v) for k, v in (overrides or {}).items()}
        self._helper = helper
        self._env = dict(env or {})

    @property
    def helper(self) -> HelperProcess:
        return self._helper or model_helper()

    def folders(self, key: str) -> dict[str, Path]:
        return entry(key).folder_paths(self._overrides.get(key))

    def weights_present(self, key: str) -> bool:
        model = MODELS[key]
        folders = self.folders(key)
        return all((Path(folders[role]) / WEIGHTS_FILE).exists() for role, f in model.folders.items() if f.required)

    def service(self, key: str, cancel: threading.Event | None = None) -> RemoteService:
        """The model's stand-in (WeightsMissing → 503 before any process starts)."""
        model = entry(key)
        folders = self.folders(key)
        check_weights(model, folders)
        return RemoteService(self.helper, model, folders, cancel, self._env)

    def run(self, key: str, job: Callable[..., Any], req: Any, progress=None,
            cancel: threading.Event | None = None) -> Any:
        """``job(svc, req, progress)`` against model ``key``."""
        return job(self.service(key, cancel), req, progress=progress)
