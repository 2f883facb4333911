"""Where "My style"s live: one folder per style under the user data dir, ``<data>/mystyles/<name>/``
(``LATENTROLL_MYSTYLE_DIR`` moves it; the model process receives every ``LATENTROLL_*`` variable).

A style folder holds ``style.safetensors`` (the fitted arrays) and ``config.json`` (what it was
fitted from). The folder's name is the style's name, so a rename is one folder rename; a new style
is written into a hidden temp folder and renamed into place, so a crash or a cancel leaves no
half-written style. NumPy only (no torch): the app's window process lists styles too.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

from latentroll.core.app_paths import AppPaths
from latentroll.models.common.errors import MelodyError
from latentroll.models.data.corpus import STYLE_NAMES

from .model import MyStyleModel

DIR_ENV = "LATENTROLL_MYSTYLE_DIR"
FOLDER_NAME = "mystyles"
TENSORS_FILE = "style.safetensors"
CONFIG_FILE = "config.json"
MIN_MELODIES, MAX_MELODIES = 3, 50
MAX_NAME = 40
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _\-]*")
RESERVED = frozenset({"any", *STYLE_NAMES})


class MyStyleError(MelodyError):
    """A My style request that cannot be done (bad or taken name, too few melodies). For users."""


@dataclass(frozen=True)
class MyStyleInfo:
    """What the style lists show; the arrays stay on disk until a sample needs them."""

    name: str
    base_style: str        # the corpus style its latents sit nearest: the decoder's label
    method: str
    melodies: int
    windows: int
    vae: str               # the VAE config it was fitted with (its latents mean nothing to another)
    z_dim: int
    fit_seconds: float = 0.0
    created: str = ""
    map_point: tuple[float, float] | None = None  # its centre on the explorer's map (the VAE's PCA)

    @property
    def description(self) -> str:
        return (f"Your style: fitted on {self.melodies} melodies ({self.windows} two-bar phrases); "
                f"nearest corpus style: {self.base_style.replace('_', ' ')}")


def default_folder() -> Path:
    env = os.environ.get(DIR_ENV)
    return Path(env) if env else AppPaths.default().data_dir / FOLDER_NAME


def check_name(name: str) -> str:
    """``name`` stripped, or a ``MyStyleError`` saying why it cannot name a style (a folder name
    on every system: letters, digits, spaces, - and _; not a corpus style nor "any")."""
    clean = str(name).strip()
    if not clean:
        raise MyStyleError("give the style a name")
    if len(clean) > MAX_NAME:
        raise MyStyleError(f"a style name has at most {MAX_NAME} characters")
    if not _NAME.fullmatch(clean):
        raise MyStyleError(f"style name {clean!r}: use letters, digits, spaces, '-' and '_' "
                           "(starting with a letter or digit)")
    if clean.lower() in RESERVED:
        raise MyStyleError(f"{clean!r} is a built-in style; choose another name")
    return clean


class MyStyleStore:
    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else default_folder()

    def _find(self, name: str) -> Path | None:
        """The folder of ``name`` (names are unique regardless of case)."""
        if not self.folder.is_dir():
            return None
        key = str(name).strip().lower()
        for p in self.folder.iterdir():
            if p.is_dir() and not p.name.startswith(".") and p.name.lower() == key:
                return p
        return None

    def _existing(self, name: str) -> Path:
        p = self._find(name)
        if p is None:
            known = ", ".join(i.name for i in self.list()) or "none yet"
            raise MyStyleError(f"no style named {name!r} (your styles: {known})")
        return p

    def __contains__(self, name: str) -> bool:
        return self._find(name) is not None

    def list(self) -> list[MyStyleInfo]:
        if not self.folder.is_dir():
            return []
        out = []
        for p in sorted(self.folder.iterdir(), key=lambda q: q.name.lower()):
            if p.is_dir() and not p.name.startswith(".") and (p / CONFIG_FILE).is_file():
                try:
                    out.append(self._info(p))
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # a damaged style folder is skipped, not fatal to the list
        return out

    @staticmethod
    def _info(p: Path) -> MyStyleInfo:
        d = json.loads((p / CONFIG_FILE).read_text())
        fields = {k: d[k] for k in MyStyleInfo.__dataclass_fields__ if k in d and k != "name"}
        if fields.get("map_point") is not None:
            fields["map_point"] = tuple(float(v) for v in fields["map_point"])
        return MyStyleInfo(name=p.name, **fields)

    def get(self, name: str) -> MyStyleInfo:
        return self._info(self._existing(name))

    def model(self, name: str) -> MyStyleModel:
        p = self._existing(name)
        info = self._info(p)
        t = load_file(str(p / TENSORS_FILE))
        return MyStyleModel(info.method, t["mean"], t["chol"], t["points"], info.base_style, info.vae,
                            t.get("windows"))

    def save(self, name: str, model: MyStyleModel, info: MyStyleInfo) -> MyStyleInfo:
        """Write a new style (refused when the name is taken): temp folder, then one rename."""
        name = check_name(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        if name in self:
            raise MyStyleError(f"a style named {name!r} exists; choose another name or delete it first")
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".part", dir=self.folder))
        try:
            save_file({k: np.ascontiguousarray(v) for k, v in model.tensors().items()}, str(tmp / TENSORS_FILE))
            cfg = {k: v for k, v in asdict(info).items() if k != "name"}
            (tmp / CONFIG_FILE).write_text(json.dumps(cfg, indent=2) + "\n")
            if name in self:  # taken while we wrote
                raise MyStyleError(f"a style named {name!r} exists; choose another name or delete it first")
            os.rename(tmp, self.folder / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return self.get(name)

    def delete(self, name: str) -> None:
        """Out of the list at once (one rename), then removed."""
        p = self._existing(name)
        gone = p.with_name(f".{p.name}.deleted")
        shutil.rmtree(gone, ignore_errors=True)
        os.rename(p, gone)
        shutil.rmtree(gone, ignore_errors=True)

    def rename(self, old: str, new: str) -> MyStyleInfo:
        p = self._existing(old)
        new = check_name(new)
        other = self._find(new)
        if other is not None and other != p:
            raise MyStyleError(f"a style named {new!r} exists; choose another name")
        os.rename(p, self.folder / new)
        return self.get(new)
