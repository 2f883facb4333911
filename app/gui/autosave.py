"""Crash recovery: while the document has unsaved changes, save a copy every 30 s to the
user data folder; on the next start, offer to restore copies whose app process is gone.

A session's copy is ``recovery/session-<pid>.lrproj`` plus a small JSON note (original path,
time). A clean exit, or saving the document, removes them.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from latentroll.core.io.atomic import atomic_write_text
from latentroll.core.project import Project, save_project

from .document import Document
from .paths import AppPaths
from .workers import Jobs

AUTOSAVE_INTERVAL_MS = 30_000


@dataclass(frozen=True)
class RecoveryFile:
    project: Path
    meta: Path
    original_path: Path | None
    source_name: str | None
    saved_at: float
    pid: int

    @property
    def label(self) -> str:
        name = self.original_path.name if self.original_path else (self.source_name or "an unsaved song")
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        return f"{name} (autosaved {when})"

    def discard(self) -> None:
        self.project.unlink(missing_ok=True)
        self.meta.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def find_recovery_files(paths: AppPaths) -> list[RecoveryFile]:
    """Autosaves left by LatentRoll processes that are no longer running, newest first."""
    out = []
    folder = paths.recovery_dir
    if not folder.is_dir():
        return out
    for meta in folder.glob("session-*.json"):
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            pid = int(info["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        project = meta.with_suffix(".lrproj")
        if not project.is_file() or _pid_alive(pid):
            continue
        original = info.get("path")
        out.append(RecoveryFile(project, meta, Path(original) if original else None,
                                info.get("source_name"), float(info.get("saved_at", 0)), pid))
    return sorted(out, key=lambda r: r.saved_at, reverse=True)


def _write_recovery(project: Project, target: Path, meta: Path, info: dict) -> None:
    """Runs in a worker."""
    save_project(project, target)
    atomic_write_text(meta, json.dumps(info))


class Autosaver(QObject):
    saved = Signal(Path)

    def __init__(self, document: Document, jobs: Jobs, paths: AppPaths, snapshot: Callable[[], Project],
                 interval_ms: int = AUTOSAVE_INTERVAL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.doc = document
        self.jobs = jobs
        self.paths = paths
        self.snapshot = snapshot
        stem = f"session-{os.getpid()}"
        self.project_file = paths.recovery_dir / f"{stem}.lrproj"
        self.meta_file = paths.recovery_dir / f"{stem}.json"
        self._saved_serial: int | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.autosave_now)
        self.timer.start()
        document.modifiedChanged.connect(self._on_modified)

    def autosave_now(self) -> bool:
        """Start an autosave if there is something new to keep; True if one started."""
        if not self.doc.modified or self.doc.serial == self._saved_serial:
            return False
        serial = self.doc.serial
        info = {
            "pid": os.getpid(), "saved_at": time.time(),
            "path": str(self.doc.path) if self.doc.path else None, "source_name": self.doc.source_name,
        }
        self.paths.recovery_dir.mkdir(parents=True, exist_ok=True)
        self.jobs.start("autosave", _write_recovery, self.snapshot(), self.project_file, self.meta_file, info,
                        label="Autosave", on_result=lambda _r: self._done(serial))
        return True

    def _done(self, serial: int) -> None:
        if not self.doc.modified:  # saved while the autosave ran: the copy is stale already
            self.discard()
            return
        self._saved_serial = serial
        self.saved.emit(self.project_file)

    def _on_modified(self, modified: bool) -> None:
        if not modified:
            self.discard()  # saved (or reverted to the saved state): nothing to recover

    def discard(self) -> None:
        self.project_file.unlink(missing_ok=True)
        self.meta_file.unlink(missing_ok=True)
        self._saved_serial = None

    def stop(self) -> None:
        self.timer.stop()
