"""The app's side of the neural models: which exist, where their weights are, whether they loaded.

The models are the registry's (``models.registry``), run by the model runtime (``app.runtime``).
Nothing here imports torch. A model loads on first use (a panel opened, a button pressed), in a
worker that starts the model process; its status ("VAE: loading…",
"ready", "missing weights") shows in the status bar and in the panels, which stay disabled
with the reason until the model is ready. ``start`` runs a job function against a loaded
model in a worker, with progress, cancel and superseded results dropped (``Jobs``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from latentroll.app.runtime.helper_process import HelperProcess
from latentroll.app.runtime.models import (
    ModelUnavailable,
    RemoteService,
    WeightsMissing,
    check_weights,
    model_helper,
)
from latentroll.models.common.protocol import ServiceInfo
from latentroll.models.registry import MAIN, MODELS, ModelEntry

from .notify import Notifier
from .workers import Jobs, Worker

NOT_LOADED, LOADING, READY, MISSING, FAILED = "not loaded", "loading…", "ready", "missing weights", "failed"


def load_model(remote: RemoteService, model: ModelEntry, folders: dict[str, Path], cancel=None) -> ServiceInfo:
    """Runs in a worker: refuse missing weights before starting the model process."""
    check_weights(model, folders)
    return remote.load()


def _run_job(job: Callable, helper: HelperProcess, model: ModelEntry, folders: dict[str, Path], args: tuple,
             kwargs: dict, progress, cancel) -> Any:
    """The worker body of every model job: the job gets a service stand-in bound to its cancel."""
    svc = RemoteService(helper, model, folders, cancel)
    return job(svc, *args, progress=progress, **kwargs)


class ModelHost(QObject):
    statusChanged = Signal(str)   # model key
    loaded = Signal(str)          # model key, its ``info`` is now set

    def __init__(self, jobs: Jobs, notifier: Notifier, specs: tuple[ModelEntry, ...] | None = None,
                 helper: HelperProcess | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.jobs = jobs
        self.notifier = notifier
        self.specs: dict[str, ModelEntry] = {s.key: s for s in (specs or MODELS.values())}  # every model: Model Folders lists them
        self.helper = helper or model_helper()
        self._status = {k: NOT_LOADED for k in self.specs}
        self._info: dict[str, ServiceInfo] = {}
        self._dirs: dict[str, Path] = {}
        self.errors: dict[str, str] = {}  # model key → the last load error, for the panels
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ---- status ------------------------------------------------------------------------
    def status(self, key: str) -> str:
        return self._status[key]

    def info(self, key: str) -> ServiceInfo | None:
        return self._info.get(key)

    def ready(self, key: str) -> bool:
        return self._status[key] == READY

    def status_text(self, key: str) -> str:
        return f"{self.specs[key].short}: {self._status[key]}"

    def _set_status(self, key: str, status: str) -> None:
        if self._status[key] != status:
            self._status[key] = status
            self.statusChanged.emit(key)

    def folders(self, key: str) -> dict[str, Path]:
        """Every folder the model loads, resolved here and now (the model process gets these)."""
        return self.specs[key].folder_paths({MAIN: self._dirs[key]} if key in self._dirs else None)

    def model_dir(self, key: str) -> Path:
        return self.folders(key)[MAIN]

    def weights_present(self, key: str) -> bool:
        """A cheap look (a stat per folder) whether the model's required folders have weights:
        menus use it to disable a tool before anyone tries it."""
        return not self.missing_reason(key)

    def missing_reason(self, key: str) -> str:
        """The user-facing reason when the model has no weights ("" when it has)."""
        try:
            check_weights(self.specs[key], self.folders(key))
        except WeightsMissing as exc:
            return str(exc)
        return ""

    def set_model_dir(self, key: str, folder: Path | None) -> None:
        """Use another weights folder (None: back to the default); reloads on next use."""
        if folder is None:
            self._dirs.pop(key, None)
        else:
            self._dirs[key] = Path(folder)
        self._info.pop(key, None)
        self._set_status(key, NOT_LOADED)

    # ---- loading -----------------------------------------------------------------------
    def ensure_loaded(self, key: str = "vae", retry: bool = False) -> None:
        """Start loading unless it is loaded or loading (``retry`` also retries a failure)."""
        state = self._status[key]
        if state in (READY, LOADING) or (state == FAILED and not retry):
            return
        if state == MISSING and not retry and not self.weights_present(key):
            return  # still missing; once the weights appear, the next use loads them
        spec, folders = self.specs[key], self.folders(key)
        self._set_status(key, LOADING)
        remote = RemoteService(self.helper, spec, folders)
        self.jobs.start(f"model-load:{key}", load_model, remote, spec, folders, label=f"Loading {spec.label}",
                        on_result=lambda info: self._on_loaded(key, info),
                        on_error=lambda exc: self._on_load_error(key, exc))

    def _on_loaded(self, key: str, info: ServiceInfo) -> None:
        self._info[key] = info
        self.errors.pop(key, None)
        self._set_status(key, READY)
        self.loaded.emit(key)

    def _on_load_error(self, key: str, exc: BaseException) -> None:
        missing = isinstance(exc, WeightsMissing)
        self.errors[key] = str(exc)
        self._set_status(key, MISSING if missing else FAILED)
        self.notifier.error(f"Loading {self.specs[key].label}", exc)

    # ---- jobs --------------------------------------------------------------------------
    def start(self, key: str, what: str, job: Callable, *args, label: str = "",
              on_result: Callable[[Any], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None, **kwargs) -> Worker | None:
        """Run ``job(service, *args, progress=..., **kwargs)`` in a worker. A newer job of the same
        ``what`` supersedes this one. Returns None (and says why) when the model is not ready."""
        if not self.ready(key):
            self.ensure_loaded(key)
            self.notifier.info(f"{self.status_text(key)} — try again when it is ready"
                               if self._status[key] == LOADING else self.errors.get(key, self.status_text(key)))
            return None
        spec = self.specs[key]

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ModelUnavailable):  # the process died: start a fresh one now
                self._set_status(key, NOT_LOADED)
                self._info.pop(key, None)
                self.ensure_loaded(key)
            if on_error is not None:
                on_error(exc)
            else:
                self.notifier.error(label or what, exc)

        return self.jobs.start(f"{key}:{what}", _run_job, job, self.helper, spec, self.folders(key), args,
                               kwargs, label=label or what, on_result=on_result, on_error=failed)

    def cancel(self, key: str, what: str) -> None:
        self.jobs.cancel(f"{key}:{what}")

    def shutdown(self) -> None:
        self.helper.shutdown()


class ModelStatusLabel(QLabel):
    """The status-bar piece: "VAE: ready · CNN: loading…" for the models in use (the tooltip
    lists them all, with their folders)."""

    def __init__(self, host: ModelHost, keys: tuple[str, ...] | None = None, parent=None):
        super().__init__(parent)
        self.host = host
        self.keys = tuple(keys or host.specs)
        host.statusChanged.connect(lambda k: k in self.keys and self.refresh())
        self.refresh()

    def refresh(self) -> None:
        used = [k for k in self.keys if self.host.status(k) != NOT_LOADED]
        self.setText(" · ".join(self.host.status_text(k) for k in used) if used else "Models: not loaded")
        lines = []
        for k in self.keys:
            err = self.host.errors.get(k) if self.host.status(k) in (MISSING, FAILED) else None
            lines.append(f"{self.host.status_text(k)} — {err or self.host.model_dir(k)}")
        self.setToolTip("\n".join(lines))


class ModelBanner(QWidget):
    """The line at the top of a model panel: loading, ready, or what is wrong (with Retry).

    Emits ``readyChanged`` so the panel can enable its controls only when the model is ready."""

    readyChanged = Signal(bool)

    def __init__(self, host: ModelHost, key: str, idle_text: str = "", parent=None):
        super().__init__(parent)
        self.host = host
        self.key = key
        self.idle_text = idle_text or f"{host.specs[key].label} loads when you first use it."
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setObjectName("modelBanner")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton("Retry", self)
        self.retry.setToolTip("Look for the model's weights again")
        self.retry.clicked.connect(lambda: self.host.ensure_loaded(self.key, retry=True))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 1)
        lay.addWidget(self.retry)
        self._ready: bool | None = None
        host.statusChanged.connect(lambda k: k == self.key and self.refresh())
        self.refresh()

    def set_key(self, key: str) -> None:
        self.key = key
        self.refresh()

    @property
    def ready(self) -> bool:
        return self.host.ready(self.key)

    def refresh(self) -> None:
        status = self.host.status(self.key)
        spec = self.host.specs[self.key]
        self.retry.setVisible(status in (MISSING, FAILED))
        if status == READY:
            self.label.setText(f"● {spec.label}: ready")
        elif status == LOADING:
            self.label.setText(f"Loading {spec.label}…")
        elif status in (MISSING, FAILED):
            self.label.setText(f"⚠ {self.host.errors.get(self.key, status)}")
        else:
            self.label.setText(self.idle_text)
        self.label.setToolTip(str(self.host.model_dir(self.key)))
        ready = status == READY
        if ready != self._ready:
            self._ready = ready
            self.readyChanged.emit(ready)
