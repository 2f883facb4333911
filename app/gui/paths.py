"""Where the app keeps its own files: ``AppPaths`` lives in ``core.app_paths`` (Qt-free, shared
with the CLI and the models' caches); the app's modules import it from here."""
from __future__ import annotations

from latentroll.core.app_paths import APP_NAME, AppPaths

__all__ = ["APP_NAME", "AppPaths"]
