"""Latent-space arithmetic: interpolation paths, PCA for the 2-D map, attribute vectors.

Plain NumPy on purpose: the explorer calls these on every puck move, so they stay off torch.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


def lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)[:, None]
    return (1 - t) * a[None] + t * b[None]


def slerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Spherical interpolation: keeps interpolants at the norm typical of the prior (MusicVAE)."""
    t = np.asarray(t, dtype=np.float64)[:, None]
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return lerp(a, b, t[:, 0])
    cos = np.clip(np.dot(a / na, b / nb), -1.0, 1.0)
    omega = np.arccos(cos)
    if omega < 1e-6:
        return lerp(a, b, t[:, 0])
    so = np.sin(omega)
    return (np.sin((1 - t) * omega) / so) * a[None] + (np.sin(t * omega) / so) * b[None]


def path(a: np.ndarray, b: np.ndarray, steps: int, method: str = "slerp") -> np.ndarray:
    if steps < 2:
        raise ValueError("an interpolation needs at least 2 steps")
    t = np.linspace(0.0, 1.0, steps)
    if method == "slerp":
        return slerp(a, b, t)
    if method == "lerp":
        return lerp(a, b, t)
    raise ValueError(f"unknown interpolation method {method!r} (slerp or lerp)")


def pull_toward_corpus(points: np.ndarray, t: np.ndarray, bank: np.ndarray, amount: float,
                       neighbours: int = 8, softness: float = 0.2) -> np.ndarray:
    """Path points moved ``amount`` · sin(π t) of the way to their nearest corpus latents.

    A straight (or spherical) path between two codes crosses regions no real tune encodes to,
    where the decoder makes odd melodies; pulling the in-between points toward the training
    latents they are nearest (a soft average of ``neighbours``, weighted by closeness) keeps them
    near real music while the ends (t = 0, 1) stay exactly A and B. ``softness`` widens the
    average, which keeps neighbouring path points from jumping between anchors."""
    pts = np.asarray(points, dtype=np.float64)
    if amount <= 0 or len(bank) == 0:
        return pts
    # in torch, not numpy: numpy's BLAS threads would spin against the decoder's right after
    p, b = torch.as_tensor(pts, dtype=torch.float32), torch.as_tensor(np.asarray(bank), dtype=torch.float32)
    d, idx = torch.topk(torch.cdist(p, b) ** 2, min(neighbours, len(b)), dim=1, largest=False)
    w = torch.exp(-(d - d[:, :1]) / (softness * d[:, :1].mean() + 1e-9))
    anchor = ((w[:, :, None] * b[idx]).sum(1) / w.sum(1, keepdim=True)).double().numpy()
    weight = amount * np.sin(np.pi * np.asarray(t, dtype=np.float64))
    return pts + weight[:, None] * (anchor - pts)


def grid(corners: np.ndarray, n: int) -> np.ndarray:
    """Bilinear blend of 4 corner latents (top-left, top-right, bottom-left, bottom-right) → (n, n, z)."""
    tl, tr, bl, br = corners
    u = np.linspace(0.0, 1.0, n)[None, :, None]
    v = np.linspace(0.0, 1.0, n)[:, None, None]
    return (1 - v) * ((1 - u) * tl + u * tr) + v * ((1 - u) * bl + u * br)


@dataclass
class PCA2:
    mean: np.ndarray        # (z,)
    components: np.ndarray  # (2, z)

    @classmethod
    def fit(cls, x: np.ndarray) -> "PCA2":
        mean = x.mean(0)
        _, _, vt = np.linalg.svd(x - mean, full_matrices=False)
        return cls(mean.astype(np.float32), vt[:2].astype(np.float32))

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x) - self.mean) @ self.components.T

    def inverse(self, p: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
        """A latent whose projection is ``p``: moves ``base`` (default: the mean) within the plane."""
        base = self.mean if base is None else base
        cur = self.transform(base[None])[0]
        return base + (np.asarray(p) - cur) @ self.components


def attribute_vector(latents: np.ndarray, values: np.ndarray, quantile: float = 0.25) -> np.ndarray:
    """Mean latent of the top quantile of an attribute minus that of the bottom (MusicVAE)."""
    lo, hi = np.quantile(values, [quantile, 1 - quantile])
    top, bottom = latents[values >= hi], latents[values <= lo]
    if len(top) == 0 or len(bottom) == 0 or lo == hi:
        return np.zeros(latents.shape[1], dtype=np.float32)
    return (top.mean(0) - bottom.mean(0)).astype(np.float32)


def shrunk_cholesky(cov: np.ndarray, shrink: float = 0.1, jitter: float = 1e-4) -> np.ndarray:
    """Lower Cholesky factor of ``cov`` shrunk ``shrink`` of the way toward its diagonal (a style
    has few windows for its latent dimensions), plus ``jitter`` on the diagonal."""
    z = len(cov)
    return np.linalg.cholesky((1 - shrink) * cov + shrink * np.diag(np.diag(cov)) + jitter * np.eye(z))


@dataclass
class StyleGaussians:
    """One Gaussian per style over training latents (mean + Cholesky factor of a shrunk
    covariance): where each style lives in latent space. Sampling "in a style" draws from its
    Gaussian; transfer moves a latent from its most likely style's mean to the target's."""

    means: np.ndarray   # (styles, z)
    chol: np.ndarray    # (styles, z, z) lower-triangular
    weights: np.ndarray | None = None  # (styles,) share of training windows per style

    @classmethod
    def fit(cls, latents: np.ndarray, styles: np.ndarray, n_styles: int, shrink: float = 0.1) -> "StyleGaussians":
        z = latents.shape[1]
        means, chols = [], []
        for s in range(n_styles):
            x = latents[styles == s]
            mu = x.mean(0) if len(x) else np.zeros(z)
            means.append(mu)
            chols.append(shrunk_cholesky(np.cov(x.T) if len(x) > z else np.eye(z), shrink))
        counts = np.bincount(styles, minlength=n_styles).astype(np.float32)
        return cls(np.asarray(means, np.float32), np.asarray(chols, np.float32), counts / counts.sum())

    def sample(self, style: int, n: int, rng: np.random.Generator, spread: float = 0.7) -> np.ndarray:
        """``spread`` < 1 keeps samples nearer the style's centre (more typical of it)."""
        eps = rng.standard_normal((n, self.means.shape[1]))
        return (self.means[style] + spread * eps @ self.chol[style].T).astype(np.float32)

    def sample_mixture(self, n: int, rng: np.random.Generator, spread: float = 1.0) -> np.ndarray:
        """Draws from the mixture of style Gaussians (the aggregate posterior, approximately):
        closer to where real melodies encode than N(0, I) when the KL is far from zero."""
        w = self.weights if self.weights is not None else np.full(len(self.means), 1 / len(self.means))
        picks = rng.choice(len(self.means), size=n, p=w / w.sum())
        out = np.empty((n, self.means.shape[1]), np.float32)
        for s in np.unique(picks):
            out[picks == s] = self.sample(int(s), int((picks == s).sum()), rng, spread)
        return out

    def most_likely(self, latents: np.ndarray) -> np.ndarray:
        """Index of the style whose Gaussian gives each latent the highest density."""
        scores = []
        for mu, L in zip(self.means, self.chol):
            d = np.linalg.solve(L, (np.atleast_2d(latents) - mu).T)
            scores.append(-0.5 * (d ** 2).sum(0) - np.log(np.abs(np.diag(L))).sum())
        return np.argmax(np.stack(scores), axis=0)


@dataclass
class StyleCritic:
    """p(style | z) as a softmax regression over training latents: the simplest form of a
    latent-space critic (Engel et al., "Latent Constraints"). The style Gaussians overlap, so a
    draw from one often decodes like another style; sampling in a style draws many candidates
    from its Gaussian and keeps those the critic is surest of (``best``)."""

    weight: np.ndarray  # (styles, z), input standardization folded in
    bias: np.ndarray    # (styles,)

    def log_posterior(self, latents: np.ndarray) -> np.ndarray:
        a = np.atleast_2d(latents) @ self.weight.T + self.bias
        a = a - a.max(1, keepdims=True)
        return a - np.log(np.exp(a).sum(1, keepdims=True))

    def best(self, candidates: np.ndarray, style: int, n: int) -> np.ndarray:
        """The ``n`` candidates most likely to be in ``style``, in random (candidate) order."""
        keep = np.sort(np.argsort(-self.log_posterior(candidates)[:, style], kind="stable")[:n])
        return candidates[keep]
