"""Run the ``latentroll`` command as a user would, from whatever folder this checkout lives in.

The script sits beside the interpreter running the tests (``<venv>/bin/latentroll``); where it is
not (a system interpreter with the package on its path) ``python -m`` runs the same entry point.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_SCRIPT = Path(sys.executable).parent / ("latentroll.exe" if os.name == "nt" else "latentroll")
CLI: list[str] = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "latentroll.app.cli.main"]


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 180,
            input: str | None = None) -> subprocess.CompletedProcess:
    """``latentroll ARGS`` in a subprocess; ``env`` adds to (does not replace) the environment."""
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout, input=input,
                          env={**os.environ, **(env or {})})
