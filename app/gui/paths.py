"""Where the app keeps its own files: settings, crash-recovery autosaves, dragged-out MIDI files.

Everything lives under one root so tests (and portable installs) can point the whole app at a
temporary folder with ``LATENTROLL_HOME`` or by passing ``AppPaths`` explicitly.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "LatentRoll"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    cache_dir: Path

    @classmethod
    def default(cls) -> "AppPaths":
        home = os.environ.get("LATENTROLL_HOME")
        if home:
            root = Path(home)
            return cls(data_dir=root / "data", cache_dir=root / "cache")
        import platformdirs

        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )

    @classmethod
    def under(cls, root: str | os.PathLike) -> "AppPaths":
        root = Path(root)
        return cls(data_dir=root / "data", cache_dir=root / "cache")

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.ini"

    @property
    def recovery_dir(self) -> Path:
        return self.data_dir / "recovery"

    @property
    def library_dir(self) -> Path:
        """The music library: the user's saved clips and songs as .mid files (see core.library)."""
        return self.data_dir / "library"

    @property
    def drag_dir(self) -> Path:
        """Dragged-out MIDI files stay here: the drop target may read them later."""
        return self.cache_dir / "dragged"

    def ensure(self) -> "AppPaths":
        for d in (self.data_dir, self.cache_dir, self.recovery_dir, self.drag_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self
