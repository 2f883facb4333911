"""The style classifier's service: which style each 2-bar event window sounds like."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from latentroll.models.common.protocol import Folders, ServiceInfo, model_folders
from latentroll.models.common.service import NetworkService
from latentroll.models.common.weights import load_json, load_tensors
from latentroll.models.data.corpus import style_infos

from .config import ClassifierConfig
from .network import StyleNet, predict


def load_classifier(folder: Path) -> StyleNet:
    """The classifier in ``folder`` (config.json + model.safetensors), in eval mode."""
    d = load_json(Path(folder) / "config.json")
    d["styles"] = tuple(d["styles"])
    model = StyleNet(ClassifierConfig(**d))
    model.load_state_dict(load_tensors(Path(folder) / "model.safetensors"))
    return model.eval()


class StyleClassifierService(NetworkService):
    key, network_cls = "classifier", StyleNet
    cfg: ClassifierConfig

    @classmethod
    def load(cls, folders: Folders | str | Path | None = None) -> "StyleClassifierService":
        return cls(load_classifier(model_folders("classifier", folders)["model"]))

    def info(self) -> ServiceInfo:
        return ServiceInfo(self.name, styles=tuple((s.name, s.description) for s in style_infos(self.cfg.styles)))

    def classify(self, events: np.ndarray) -> np.ndarray:
        """The style index (into ``cfg.styles``) of each (n, window) event window."""
        return predict(self.model, np.asarray(events))


__all__ = ["StyleClassifierService", "load_classifier"]
