"""The app's side of the neural models: which exist, where their weights are, whether they loaded.

Nothing here imports torch. A model loads on first use (a panel opened, a button pressed), in a
worker that starts the model process (``model_process``); its status ("VAE: loading…",
"ready", "missing weights") shows in the status bar and in the panels, which stay disabled
with the reason until the model is ready. ``start`` runs a job function against a loaded
model in a worker, with progress, cancel and superseded results dropped (``Jobs``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from latentroll.models.common import model_dirs
from latentroll.models.common.model_dirs import ModelFolder

from .model_process import ModelInfo, ModelProcess, ModelUnavailable, RemoteService, WeightsMissing
from .notify import Notifier
from .workers import Jobs, Worker

NOT_LOADED, LOADING, READY, MISSING, FAILED = "not loaded", "loading…", "ready", "missing weights", "failed"


@dataclass(frozen=True)
class ModelSpec:
    """One model the app can use. Add an entry to ``MODEL_SPECS`` when another service lands."""

    key: str                 # "vae"; job kinds are "<key>:<what>"
    label: str               # shown in the model selector
    short: str               # shown in the status bar
    service: str             # "module:Class" with ``load(dir)``; imported only in the model process
    folder: ModelFolder      # the shipped folder, and the variable that overrides it (shared with the service)
    tools: frozenset[str]    # what the panels may ask of it
    weights_file: str = "model.safetensors"
    bar_step: int = 1        # generated lengths are a multiple of this many bars

    @property
    def env_var(self) -> str:
        return self.folder.env_var

    def model_dir(self) -> Path:
        return self.folder.path()


MODEL_SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        key="vae", label="Melody VAE (2-bar clips)", short="VAE",
        service="latentroll.models.vae.service:MelodyVAEService", folder=model_dirs.VAE,
        tools=frozenset({"generate", "transfer", "interpolate", "grid", "map"}), bar_step=2,
    ),
    ModelSpec(
        key="gan", label="Melody GAN (bar by bar)", short="GAN",
        service="latentroll.models.gan.service:MelodyGANService", folder=model_dirs.GAN,
        tools=frozenset({"generate"}),
    ),
    ModelSpec(
        key="lstm", label="Melody LSTM (continue)", short="LSTM",
        service="latentroll.models.lstm.service:MelodyLSTMService", folder=model_dirs.LSTM,
        tools=frozenset({"continue"}),
    ),
    ModelSpec(
        key="ae", label="Melody repair (note network + LSTM)", short="AE",
        service="latentroll.models.autoencoder.service:MelodyAEService", folder=model_dirs.AE,
        tools=frozenset({"repair"}),
    ),
    ModelSpec(
        key="cnn", label="Chorale CNN (harmonize, infill)", short="CNN",
        service="latentroll.models.coconet.service:ChoraleService", folder=model_dirs.CNN,
        tools=frozenset({"harmonize", "infill"}),
    ),
)


def missing_weights_text(spec: ModelSpec, model_dir: Path) -> str:
    """What to tell a user whose model folder has no weights (one line, with the way out)."""
    return (f"No {spec.label} weights in {model_dir}. Train a model with `latentroll train {spec.key}` "
            f"or point {spec.env_var} at a model folder.")


def load_model(remote: RemoteService, spec: ModelSpec, model_dir: Path, cancel=None) -> ModelInfo:
    """Runs in a worker: refuse a missing folder before starting the model process."""
    if not (model_dir / spec.weights_file).exists():
        raise WeightsMissing(missing_weights_text(spec, model_dir))
    return remote.load()


def _run_job(job: Callable, process: ModelProcess, spec: ModelSpec, model_dir: Path, args: tuple,
             kwargs: dict, progress, cancel) -> Any:
    """The worker body of every model job: the job gets a service stand-in bound to its cancel."""
    svc = RemoteService(process, spec.service, model_dir, cancel)
    return job(svc, *args, progress=progress, **kwargs)


class ModelHost(QObject):
    statusChanged = Signal(str)   # model key
    loaded = Signal(str)          # model key, its ``info`` is now set

    def __init__(self, jobs: Jobs, notifier: Notifier, specs: tuple[ModelSpec, ...] = MODEL_SPECS,
                 process: ModelProcess | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.jobs = jobs
        self.notifier = notifier
        self.specs = {s.key: s for s in specs}
        self.process = process or ModelProcess.shared()
        self._status = {k: NOT_LOADED for k in self.specs}
        self._info: dict[str, ModelInfo] = {}
        self._dirs: dict[str, Path] = {}
        self.errors: dict[str, str] = {}  # model key → the last load error, for the panels
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ---- status ------------------------------------------------------------------------
    def status(self, key: str) -> str:
        return self._status[key]

    def info(self, key: str) -> ModelInfo | None:
        return self._info.get(key)

    def ready(self, key: str) -> bool:
        return self._status[key] == READY

    def status_text(self, key: str) -> str:
        return f"{self.specs[key].short}: {self._status[key]}"

    def _set_status(self, key: str, status: str) -> None:
        if self._status[key] != status:
            self._status[key] = status
            self.statusChanged.emit(key)

    def model_dir(self, key: str) -> Path:
        return self._dirs.get(key) or self.specs[key].model_dir()

    def weights_present(self, key: str) -> bool:
        """A cheap look (one stat) whether the model's folder has weights: menus use it to
        disable a tool before anyone tries it."""
        return (self.model_dir(key) / self.specs[key].weights_file).exists()

    def missing_reason(self, key: str) -> str:
        """The user-facing reason when the model has no weights ("" when it has)."""
        return "" if self.weights_present(key) else missing_weights_text(self.specs[key], self.model_dir(key))

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
        spec, folder = self.specs[key], self.model_dir(key)
        self._set_status(key, LOADING)
        remote = RemoteService(self.process, spec.service, folder)
        self.jobs.start(f"model-load:{key}", load_model, remote, spec, folder, label=f"Loading {spec.label}",
                        on_result=lambda info: self._on_loaded(key, info),
                        on_error=lambda exc: self._on_load_error(key, exc))

    def _on_loaded(self, key: str, info: ModelInfo) -> None:
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

        return self.jobs.start(f"{key}:{what}", _run_job, job, self.process, spec, self.model_dir(key), args,
                               kwargs, label=label or what, on_result=on_result, on_error=failed)

    def cancel(self, key: str, what: str) -> None:
        self.jobs.cancel(f"{key}:{what}")

    def shutdown(self) -> None:
        self.process.shutdown()


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
