"""Turn a training run into a shipped model folder: weights, config, latent stats.

The latent stats (2-D map PCA, attribute vectors, a corpus sample for the map) are computed here,
from training windows only, and saved as safetensors beside the weights.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from latentroll.models.common.export import load_run_weights, publish_model
from latentroll.models.common.weights import save_tensors, storage_dtype

from . import latent as lat
from .attributes import measure
from .conductor import build_vae
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


def latent_stats(model: MelodyVAE, data: MelodyData, limit: int = 40000, seed: int = 0) -> dict[str, np.ndarray]:
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
    gauss = lat.StyleGaussians.fit(z, styles, len(model.cfg.styles))
    out["style_means"], out["style_chol"], out["style_weights"] = gauss.means, gauss.chol, gauss.weights
    critic = fit_style_critic(z, styles, len(model.cfg.styles))
    out["critic_weight"], out["critic_bias"] = critic.weight, critic.bias
    out["map_latents"] = z[map_idx].astype(np.float32)
    out["map_points"] = pca.transform(z[map_idx]).astype(np.float32)
    out["map_styles"] = styles[map_idx].astype(np.int32)
    return out


def fit_style_critic(latents: np.ndarray, styles: np.ndarray, n_styles: int, l2: float = 1e-3) -> lat.StyleCritic:
    """Softmax regression of style on standardized latents (L-BFGS, full batch, seeded by the
    caller's torch seed), returned with the standardization folded into its weights."""
    z = torch.as_tensor(latents, dtype=torch.float32)
    y = torch.as_tensor(styles, dtype=torch.long)
    mu, sd = z.mean(0), z.std(0) + 1e-6
    lin = torch.nn.Linear(z.shape[1], n_styles)
    torch.nn.init.zeros_(lin.weight)
    torch.nn.init.zeros_(lin.bias)
    opt = torch.optim.LBFGS(lin.parameters(), max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(lin((z - mu) / sd), y) + l2 * (lin.weight ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    w = lin.weight.detach() / sd
    b = lin.bias.detach() - (w * mu).sum(1)
    return lat.StyleCritic(w.numpy().astype(np.float32), b.numpy().astype(np.float32))


def export_model(checkpoint: Path, cfg: VAEConfig, data: MelodyData, out_dir: Path) -> Path:
    """Write ``out_dir`` with model.safetensors, config.json and latent_stats.safetensors."""
    model = load_run_weights(build_vae(cfg), checkpoint)

    def stats(folder: Path) -> None:
        t = latent_stats(model, data)
        save_tensors({k: torch.as_tensor(v) for k, v in t.items()}, folder / "latent_stats.safetensors",
                     dtype=storage_dtype(folder / "model.safetensors"))  # half with half weights: the tree's size

    return publish_model(model, cfg, checkpoint, out_dir, stats)
