"""Where a model's weights are: the folder shipped in resources/models, unless an environment
variable names another one (tests, experiments, a model just trained).

No torch here: the app's UI process, which never imports torch, asks the same question as the
services in the model process, and both must get the same answer.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def shipped_model_dir(folder: str, env_var: str | None = None) -> Path:
    """``$env_var`` when it is set and not empty, else resources/models/<folder>."""
    override = os.environ.get(env_var) if env_var else None
    if override:
        return Path(override)
    from importlib.resources import files

    return Path(str(files("latentroll.resources"))) / "models" / folder


@dataclass(frozen=True)
class ModelFolder:
    """A shipped model folder and the environment variable that may name another one."""

    folder: str
    env_var: str | None = None

    def path(self) -> Path:
        return shipped_model_dir(self.folder, self.env_var)


# One entry per shipped model: what the services load and what the app shows and checks.
VAE = ModelFolder("vae_mel_2bar", "LATENTROLL_VAE_DIR")
GAN = ModelFolder("gan_mel_bar", "LATENTROLL_GAN_DIR")
LSTM = ModelFolder("lstm_mel_lm", "LATENTROLL_LSTM_DIR")
AE = ModelFolder("ae_mel_ae", "LATENTROLL_AE_DIR")
REPAIR = ModelFolder("ae_mel_fix", "LATENTROLL_REPAIR_DIR")
CNN = ModelFolder("cnn_chorale", "LATENTROLL_CNN_DIR")
STYLE_CLASSIFIER = ModelFolder("style_classifier")
