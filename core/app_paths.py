"""Where LatentRoll keeps its files outside the checkout: one data root and one cache root.

The app, the CLI and the models all ask ``AppPaths.default()``, so there is one place to read
(README's "Where things live" lists the same paths; a test checks it against this module).

- The data root holds what users would miss: settings, crash-recovery autosaves, the music library.
- The cache root holds what can be rebuilt: the parsed training corpus, the compiled VAE decoding
  loop, dragged-out MIDI files. Its folder name stays lower-case ``latentroll``, where the corpus
  cache (minutes to rebuild) has always been.

``LATENTROLL_HOME`` moves both under one folder (``<home>/data``, ``<home>/cache``: tests and
portable installs); ``LATENTROLL_CACHE`` moves the cache root alone and wins over it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "LatentRoll"
CACHE_NAME = "latentroll"
HOME_ENV = "LATENTROLL_HOME"
CACHE_ENV = "LATENTROLL_CACHE"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    cache_dir: Path

    @classmethod
    def default(cls) -> "AppPaths":
        home = os.environ.get(HOME_ENV)
        if home:
            paths = cls.under(home)
        else:
            import platformdirs

            paths = cls(data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
                        cache_dir=Path(platformdirs.user_cache_dir(CACHE_NAME, appauthor=False)))
        cache = os.environ.get(CACHE_ENV)
        return cls(paths.data_dir, Path(cache)) if cache else paths

    @classmethod
    def under(cls, root: str | os.PathLike) -> "AppPaths":
        root = Path(root)
        return cls(data_dir=root / "data", cache_dir=root / "cache")

    @property
    def settings_file(self) -> Path:
        """The app's settings and recent files (an INI file, not Qt's per-user store)."""
        return self.data_dir / "settings.ini"

    @property
    def recovery_dir(self) -> Path:
        """Autosaves of unsaved work, offered back after a crash."""
        return self.data_dir / "recovery"

    @property
    def library_dir(self) -> Path:
        """The music library: the user's saved clips and songs as .mid files (see core.library)."""
        return self.data_dir / "library"

    @property
    def corpus_dir(self) -> Path:
        """The parsed training corpus, one versioned ``.npz`` (``latentroll data build``)."""
        return self.cache_dir

    @property
    def native_dir(self) -> Path:
        """The compiled VAE decoding loop, one folder per torch version, machine and source."""
        return self.cache_dir / "native"

    @property
    def drag_dir(self) -> Path:
        """Dragged-out MIDI files stay here: the drop target may read them later."""
        return self.cache_dir / "dragged"

    def ensure(self) -> "AppPaths":
        for d in (self.data_dir, self.cache_dir, self.recovery_dir, self.drag_dir):
            d.mkdir(parents=True, exist_ok=True)
        return self
