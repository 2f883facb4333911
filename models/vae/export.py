"""Turn a training run into a shipped model folder: weights, config, latent stats.

The latent stats (2-D map PCA, attribute vectors, a corpus sample for the map) are computed here,
from training windows only, and saved as safetensors beside the weights.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import torch

from latentroll.models.common.weights import load_tensors, save_json, save_tensors

from . import latent as lat
from .attributes import measure
from .config import VAEConfig
from .network import MelodyVAE
from .train import MelodyData

MAP_PER_STYLE = 250


@torch.no_grad()
def encode_windows(model: MelodyVAE, events: np.ndarray, batch: int = 1024) -> np.ndarray:
    model.eval()
    out = [model.encode(torch.as_tensor(events[s: s + batch].astype(np.int64)))[0].numpy()
           for s in range(0, len(events), batch)]
    return np.concatenate(out) if out else np.zeros((0, model.cfg.z_dim), np.float32)


def latent_stats(model: MelodyVAE, data: MelodyData, limit: int = 20000, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    train = data.train
    pick = np.sort(rng.permutation(len(train))[:limit])
    ev, styles = train.events[pick], train.styles[pick]
    z = encode_windows(model, ev)
    pca = lat.PCA2.fit(z)
    out = {"pca_mean": pca.mean, "pca_components": pca.components}
    for name, values in measure(ev).items():
        out[f"attr_{name}"] = lat.attribute_vector(z, values)
    map_idx = np.concatenate([
        rng.permutation(np.flatnonzero(styles == s))[:MAP_PER_STYLE] for s in range(len(model.cfg.styles))
    ])
    out["map_latents"] = z[map_idx].astype(np.float32)
    out["map_points"] = pca.transform(z[map_idx]).astype(np.float32)
    out["map_styles"] = styles[map_idx].astype(np.int32)
    return out


def export_model(checkpoint: Path, cfg: VAEConfig, data: MelodyData, out_dir: Path) -> Path:
    """Write ``out_dir`` with model.safetensors, config.json and latent_stats.safetensors."""
    model = MelodyVAE(cfg)
    model.load_state_dict(load_tensors(Path(checkpoint) / "model.safetensors"))
    model.eval()
    tmp = Path(str(out_dir) + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    save_tensors(model.state_dict(), tmp / "model.safetensors", metadata={"config": cfg.name})
    (tmp / "config.json").write_text(cfg.to_json() + "\n")
    stats = latent_stats(model, data)
    save_tensors({k: torch.as_tensor(v) for k, v in stats.items()}, tmp / "latent_stats.safetensors")
    # keep files the model card step adds (card, eval) if re-exporting
    if out_dir.exists():
        for keep in ("model_card.md", "eval.json"):
            if (out_dir / keep).exists() and not (tmp / keep).exists():
                shutil.copy2(out_dir / keep, tmp / keep)
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    save_json({"source_checkpoint": str(checkpoint)}, out_dir / "export.json")
    return out_dir
