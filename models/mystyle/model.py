"""The fitted "My style": where a user's 2-bar windows sit in the melody VAE's latent space.

MidiMe (Dinculescu et al., 2019) fits a small VAE on the big model's latents of a few user
melodies. With 3-50 melodies (tens to a few hundred windows, in a 256-d latent space) a model that
leans on what the corpus already knows is steadier: each method here borrows the covariance of
the corpus style the user's latents sit nearest (``base_style``) and takes the location from the
user. ``evaluate.py`` measures them against each other (docs/models.md, "My style"):

- ``gauss``: one Gaussian, mean = the user's mean (shrunk toward the base style's mean when there
  are few windows), covariance = the user's covariance shrunk toward the base style's
  (weight n / (n + PRIOR_WINDOWS)).
- ``kde`` (the default, measured best): a kernel density over the user's latents, each kernel
  the base style's covariance scaled by ``KDE_BANDWIDTH``: draws vary the user's own phrases.

Plain NumPy: fitting takes milliseconds, so the app fits in a worker thread of its own process.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

METHODS = ("gauss", "kde")
DEFAULT_METHOD = "kde"
PRIOR_WINDOWS = 64.0      # the base style's covariance counts as this many windows (gauss)
PRIOR_MEAN_WINDOWS = 4.0  # the base style's mean counts as this many windows
KDE_BANDWIDTH = 0.2       # kernel scale, a share of the base style's spread (kde)
GAUSS_SPREAD = 0.7        # gauss draws at 0.7 of the spread, as the service samples a corpus style


@dataclass
class CorpusStyles:
    """What the melody VAE knows of its corpus styles (``MelodyVAEService.fit_my_style`` builds
    it in the model process: the Gaussians and critic are the VAE's own classes)."""

    names: tuple[str, ...]
    gaussians: object | None   # ``StyleGaussians``: means (s, z), chol (s, z, z); None → N(0, I)
    critic: object | None      # ``StyleCritic``: log_posterior(z) → (n, s)
    vae: str                   # the VAE's config name


@dataclass
class MyStyleModel:
    """A fitted style: ``method`` with its arrays. ``points`` are the user's latents (kde's
    kernel centres); ``mean`` their centre (the explorer map marks it); ``chol`` the Cholesky
    factor of the draws' covariance around ``mean`` (gauss) or around a point (kde)."""

    method: str
    mean: np.ndarray          # (z,)
    chol: np.ndarray          # (z, z) lower-triangular
    points: np.ndarray        # (n, z) the fitted latents
    base_style: str           # the corpus style the latents sit nearest: the decoder's label
    vae: str = ""             # the VAE config fitted with: its latents mean nothing to another
    windows: np.ndarray | None = None  # (n, steps) uint8: the fitted windows (samples avoid copying them)

    def copies(self, events: np.ndarray) -> np.ndarray:
        """(m,) whether each of ``events`` (m, steps) is one of the fitted windows."""
        ev = np.asarray(events, np.uint8)
        if self.windows is None or not len(self.windows):
            return np.zeros(len(ev), bool)
        seen = {bytes(w) for w in np.asarray(self.windows, np.uint8)}
        return np.array([bytes(e) in seen for e in ev], dtype=bool)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        eps = rng.standard_normal((n, self.mean.shape[0]))
        centres = self.points[rng.integers(0, len(self.points), n)] if self.method == "kde" else self.mean
        return (centres + eps @ self.chol.T).astype(np.float32)

    def tensors(self) -> dict[str, np.ndarray]:
        out = {"mean": self.mean, "chol": self.chol, "points": self.points}
        if self.windows is not None:
            out["windows"] = np.asarray(self.windows, np.uint8)
        return out


def nearest_style(latents: np.ndarray, styles: CorpusStyles) -> int:
    """The corpus style ``latents`` sit nearest: the critic's most likely style over all of them
    (summed log posteriors less the log share of each style in training, i.e. a uniform prior:
    the critic learnt that most windows are German), else the style whose Gaussian most latents
    find most likely. The critic separates styles better than the overlapping Gaussians."""
    if styles.critic is not None:
        lp = styles.critic.log_posterior(latents)
        w = getattr(styles.gaussians, "weights", None)
        if w is not None:
            lp = lp - np.log(np.maximum(np.asarray(w, np.float64), 1e-9))
        return int(lp.sum(0).argmax())
    votes = np.bincount(styles.gaussians.most_likely(latents), minlength=len(styles.names))
    return int(votes.argmax())


def fit_my_style(latents: np.ndarray, styles: CorpusStyles, method: str = DEFAULT_METHOD,
                 windows: np.ndarray | None = None) -> MyStyleModel:
    """Fit ``method`` on ``latents`` (n, z) of ``windows`` (n, steps; kept so samples can avoid
    copying them), borrowing the spread of the nearest corpus style."""
    if method not in METHODS:
        raise ValueError(f"unknown My style method {method!r}; choose one of {', '.join(METHODS)}")
    x = np.asarray(latents, dtype=np.float64)
    n, z = x.shape
    if styles.gaussians is None:
        base, base_mean, base_cov = "any", np.zeros(z), np.eye(z)
    else:
        s = nearest_style(x, styles)
        base = styles.names[s]
        base_mean = styles.gaussians.means[s].astype(np.float64)
        L = styles.gaussians.chol[s].astype(np.float64)
        base_cov = L @ L.T
    mean = (n * x.mean(0) + PRIOR_MEAN_WINDOWS * base_mean) / (n + PRIOR_MEAN_WINDOWS)
    if method == "kde":
        cov = KDE_BANDWIDTH ** 2 * base_cov
    else:
        user = np.cov(x.T) if n > 1 else np.zeros((z, z))
        w = n / (n + PRIOR_WINDOWS)
        cov = GAUSS_SPREAD ** 2 * (w * user + (1 - w) * base_cov)
    chol = np.linalg.cholesky(cov + 1e-6 * np.eye(z))
    return MyStyleModel(method, mean.astype(np.float32), chol.astype(np.float32), x.astype(np.float32), base,
                        styles.vae, None if windows is None else np.asarray(windows, np.uint8))
