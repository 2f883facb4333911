"""Where a model's weights are: the folder shipped in resources/models, unless an environment
variable names another one (tests, experiments, a model just trained).

No torch here: the app's UI process, which never imports torch, asks the same question as the
services in the model process, and both must get the same answer.
"""
from __future__ import annotations

import os
from pathlib import Path


def shipped_model_dir(folder: str, env_var: str | None = None) -> Path:
    """``$env_var`` when it is set and not empty, else resources/models/<folder>."""
    override = os.environ.get(env_var) if env_var else None
    if override:
        return Path(override)
    from importlib.resources import files

    return Path(str(files("latentroll.resources"))) / "models" / folder
