"""Training the structure network: the batching/loss task for the shared loop, and the entry point.

The data is encoded once by the 2-bar VAE the registry names for this model (role "vae"), so the
structure learned is over exactly the latents the service decodes (in each style's coordinates
for a ``whiten`` config: ``whitening.py``)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.models.common.distributed import device
from latentroll.models.common.protocol import model_folders
from latentroll.models.common.run import train_model
from latentroll.models.common.trainer import Progress
from latentroll.models.data.corpus import Corpus

from .config import StructureConfig, get_config
from .data import NEW, PhraseSet, StructureData, phrase_counts, structure_data
from .network import StructureNet, gaussian_nll
from .whitening import StyleWhitening


def segment_encoder(vae):
    """``encode(segments) -> latents`` (the encoder's μ) of the melody VAE network ``vae``."""
    from latentroll.models.vae.export import encode_windows

    def encode(segments: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return encode_windows(vae, segments)

    return encode


def vae_latents(cfg: StructureConfig, folder: Path | None = None) -> tuple:
    """(``segment_encoder``, ``StyleWhitening`` or None) of the 2-bar VAE this model is built on
    (the registry's "vae" role of ``structure``, or ``folder``): how its data is encoded."""
    from latentroll.models.vae.service import MelodyVAEService

    vae = MelodyVAEService.load(folder or model_folders("structure")["vae"])
    return segment_encoder(vae.model), style_whitening(cfg, vae)


def style_whitening(cfg: StructureConfig, vae) -> StyleWhitening | None:
    """The whitening a ``whiten`` config works in: the VAE service ``vae``'s style Gaussians."""
    if not cfg.whiten:
        return None
    gauss = vae.stats.styles if vae.stats is not None else None
    if gauss is None or tuple(vae.cfg.styles) != tuple(cfg.styles):
        raise ValueError(f"structure config {cfg.name!r} needs a melody VAE with Gaussians of its styles "
                         f"({', '.join(cfg.styles)})")
    return StyleWhitening.of(gauss)


def phrase_losses(model: StructureNet, z: torch.Tensor, labels: torch.Tensor, style: torch.Tensor,
                  noise: torch.Tensor | None = None) -> dict:
    """Teacher-forced losses of a batch: pointer cross-entropy over segments after the first,
    Gaussian NLL per dimension of the new segments' standardized latents, pointer accuracy.
    ``noise`` (standardized units) is added to the latents the network reads, not to its targets."""
    logits, mean, logvar = model(z, labels, style, noise)
    ptr = F.cross_entropy(logits[:, 1:].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1))
    new = labels == NEW
    nll = gaussian_nll(model.standardize(z), mean, logvar)[new].mean()
    acc = (logits[:, 1:].argmax(-1) == labels[:, 1:]).float().mean()
    return {"pointer": ptr, "z_nll": nll, "pointer_accuracy": acc}


def set_z_stats(model: StructureNet, train: PhraseSet) -> None:
    """Standardize by the training latents of new segments."""
    z = train.latents[train.labels == NEW]
    model.z_mean.copy_(torch.as_tensor(z.mean(0)))
    model.z_std.copy_(torch.as_tensor(z.std(0) + 1e-3))


class StructureTask:
    def __init__(self, cfg: StructureConfig, data: StructureData):
        self.cfg = cfg
        self.data = data
        self.dev = device()
        self.model = StructureNet(cfg).to(self.dev)
        set_z_stats(self.model, data.train)
        self.runner = self.model

    def num_examples(self) -> int:
        return len(self.data.train)

    def _tensors(self, ps: PhraseSet, idx, style=None):
        z = torch.as_tensor(ps.latents[idx], device=self.dev)
        return (z, torch.as_tensor(ps.labels[idx], device=self.dev),
                torch.as_tensor(ps.styles[idx] if style is None else style, device=self.dev))

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        c = self.cfg
        z, labels, style = self._tensors(self.data.train, idx, c.drop_styles(self.data.train.styles[idx],
                                                                             c.style_dropout, rng))
        return z, labels, style, torch.as_tensor(rng.standard_normal(z.shape).astype(np.float32), device=self.dev)

    def loss(self, batch, step: int):
        z, labels, style, noise = batch
        m = phrase_losses(self.runner, z, labels, style, self.cfg.z_noise * noise)
        loss = m["pointer"] + self.cfg.z_weight * m["z_nll"]
        return loss, {"loss": loss.item(), **{k: v.item() for k, v in m.items()}}

    def evaluate(self) -> dict[str, float]:
        v = self.data.valid
        if not len(v):
            return {}
        m = phrase_losses(self.model, *self._tensors(v, np.arange(len(v))))
        out = {k: float(x) for k, x in m.items()}
        out["loss"] = out["pointer"] + self.cfg.z_weight * out["z_nll"]
        return out


def _prepare(corpus: Corpus, cfg: StructureConfig) -> tuple[StructureTask, dict]:
    data = structure_data(corpus, cfg, *vae_latents(cfg))
    if not len(data.train):
        raise ValueError(f"no {cfg.segments * cfg.segment_steps // 16}-bar phrases in the corpus's training tunes")
    return StructureTask(cfg, data), phrase_counts(corpus, data)


def train_structure(config: str | StructureConfig, run_dir: Path, corpus: Corpus | None = None,
                    progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
                    should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """Train (or resume) a structure run in ``run_dir``; returns a summary with data counts."""
    return train_model(config, get_config, _prepare, run_dir, corpus, progress, max_steps, should_stop, **overrides)
