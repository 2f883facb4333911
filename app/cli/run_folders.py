"""Run folders checked before any corpus or model loads: ``train`` must be able to write its
run folder, ``ship`` needs a finished run (config and checkpoints) to export."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import UsageError


def prepare_run_folder(run_dir: Path) -> None:
    """Create ``run_dir`` (and parents) now, so a bad ``--run-dir`` fails at once, in one line."""
    if run_dir.exists() and not run_dir.is_dir():
        raise UsageError(f"cannot use {run_dir} as the run folder: it is a file")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the run folder {run_dir}: {exc.strerror or exc}") from None
    if not os.access(run_dir, os.W_OK):
        raise UsageError(f"cannot write in the run folder {run_dir}")


def check_finished_run(run_dir: Path, checkpoint: str) -> None:
    """``run_dir`` holds a training run with its ``checkpoint`` and ``last`` checkpoints."""
    if not run_dir.exists():
        raise UsageError(f"no run folder at {run_dir}")
    if not run_dir.is_dir():
        raise UsageError(f"{run_dir} is a file, not a run folder")
    if not (run_dir / "config.json").is_file():
        raise UsageError(f"{run_dir} holds no training run (no config.json); "
                         f"train one with `latentroll train MODEL --run-dir {run_dir}`")
    for name in dict.fromkeys((checkpoint, "last")):
        if not (run_dir / name / "state.json").is_file():
            raise UsageError(f"{run_dir} has no '{name}' checkpoint yet ({run_dir / name / 'state.json'} is missing)")
