"""The melody VAE service: the only API the app and CLI use. Core Tracks in, core Tracks out.

Clips are 2 bars (32 sixteenths). Longer input is reduced as documented per call: ``encode``
takes the first 2 bars from the first note; ``transfer`` works bar-pair by bar-pair over the
whole melody. Polyphonic input is reduced to its top voice; drum tracks and empty tracks are
refused with a ``MelodyError`` whose message is meant for users.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from latentroll.core.song import Track
from latentroll.core.theory import Scale
from latentroll.models.common.errors import MelodyError
from latentroll.models.common.protocol import Folders, ServiceInfo, model_folders
from latentroll.models.common.service import load_model_folder, style_label
from latentroll.models.common.weights import load_tensors
from latentroll.models.data.corpus import StyleInfo, style_infos
from latentroll.models.data.melody import FIRST_PITCH_CLASS, STEP_TICKS
from latentroll.models.data.tracks import bar_origin, events_to_track, melody_notes, scale_mask, track_events

from . import latent as lat
from .config import VAEConfig
from .network import MelodyVAE
from .step_decoder import StepDecoder

MAX_TRANSFER_BARS = 512
# Sampling defaults, chosen on the validation split (scripts/tune_vae_sampling.py; model card).
SAMPLE_SPREAD = 0.7       # latent draws at 0.7 of each style Gaussian's spread
STYLE_CANDIDATES = 128    # draws per wanted latent in a style (the critic keeps the surest 1/128 of them)
MAX_CANDIDATES = 8192     # candidates scored at once (bounds memory for large n)
INTERP_PULL = 0.5         # how far in-between points are pulled toward real tunes' codes (0 = plain path)
STYLE_DECODINGS = 16      # sampled decodings per latent in a style; the critic keeps the one most in style


@dataclass
class LatentStats:
    """Shipped with the weights: the 2-D map's PCA, attribute vectors, and a corpus sample."""

    pca: lat.PCA2
    attributes: dict[str, np.ndarray]
    map_points: np.ndarray   # (n, 2) corpus latents projected
    map_styles: np.ndarray   # (n,) style index per point
    map_latents: np.ndarray  # (n, z)
    styles: lat.StyleGaussians | None = None
    critic: lat.StyleCritic | None = None


def for_inference(model: MelodyVAE, int8: bool = True) -> MelodyVAE:
    """The model in eval mode with a frozen step decoder attached (int8 matmuls by default;
    weights stay float32 on disk). The encoder stays float32: at every batch size measured (1 to
    512 windows) it ran faster than its dynamically quantized copy."""
    model.eval()
    model.step_decoder = StepDecoder(model, int8=int8)
    return model


class MelodyVAEService:
    def __init__(self, model: MelodyVAE, stats: LatentStats | None = None, name: str = "vae"):
        self.model = model.eval()
        self.cfg: VAEConfig = model.cfg
        self.stats = stats
        self.name = name

    # ---- loading ------------------------------------------------------------------------
    @classmethod
    def load(cls, folders: Folders | str | Path | None = None, int8: bool = True) -> "MelodyVAEService":
        """``int8``: decode with int8 matmuls (see ``StepDecoder``); false decodes in float32."""
        folder = model_folders("vae", folders)["model"]
        model = load_model_folder(folder, VAEConfig, MelodyVAE, "vae")
        cfg = model.cfg
        stats = None
        if (folder / "latent_stats.safetensors").exists():
            t = {k: v.numpy() for k, v in load_tensors(folder / "latent_stats.safetensors").items()}
            stats = LatentStats(
                pca=lat.PCA2(t["pca_mean"], t["pca_components"]),
                attributes={k[len("attr_"):]: v for k, v in t.items() if k.startswith("attr_")},
                map_points=t["map_points"], map_styles=t["map_styles"].astype(np.int64),
                map_latents=t["map_latents"],
                styles=lat.StyleGaussians(t["style_means"], t["style_chol"], t.get("style_weights"))
                if "style_means" in t else None,
                critic=lat.StyleCritic(t["critic_weight"], t["critic_bias"]) if "critic_weight" in t else None,
            )
        return cls(for_inference(model, int8), stats, name=cfg.name)

    # ---- descriptions ---------------------------------------------------------------------
    @property
    def steps(self) -> int:
        return self.cfg.window

    @property
    def clip_ticks(self) -> int:
        return self.cfg.window * STEP_TICKS

    def styles(self) -> list[StyleInfo]:
        return style_infos(self.cfg.styles)

    def attributes(self) -> list[str]:
        return sorted(self.stats.attributes) if self.stats else []

    def info(self) -> ServiceInfo:
        return ServiceInfo(
            name=self.name, styles=tuple((s.name, s.description) for s in self.styles()),
            attributes=tuple(self.attributes()), clip_ticks=self.clip_ticks,
            map_points=None if self.stats is None else self.stats.map_points,
            map_styles=None if self.stats is None else self.stats.map_styles)

    def _style_index(self, style: str | None) -> int:
        return style_label(self.cfg, style)

    # ---- melody <-> events ----------------------------------------------------------------
    def _window(self, track: Track) -> np.ndarray:
        ev, _ = track_events(track, total_steps=self.steps)
        if (ev >= FIRST_PITCH_CLASS).sum() == 0:
            raise MelodyError(f"track {track.name!r} has no notes in its first two bars")
        return ev

    def _means(self, windows: np.ndarray) -> np.ndarray:
        """Latent means (n, z) of event windows; a window's opening 'hold' is read as silence
        (a window starts with an event of its own, as in training)."""
        ev = np.array(windows, dtype=np.int64)
        ev[ev[:, 0] == 0, 0] = 1
        with torch.inference_mode():
            mu, _ = self.model.encode(torch.as_tensor(ev))
        return mu.numpy()

    @staticmethod
    def _mask(scale: Scale | None) -> torch.Tensor | None:
        m = scale_mask(scale)
        return None if m is None else torch.as_tensor(m)

    # ---- the API --------------------------------------------------------------------------
    def encode(self, tracks: Sequence[Track] | Track) -> np.ndarray:
        """Latent means (n, z) of each clip's first 2 bars."""
        tracks = [tracks] if isinstance(tracks, Track) else list(tracks)
        if not tracks:
            return np.zeros((0, self.cfg.z_dim), dtype=np.float32)
        return self._means(np.stack([self._window(t) for t in tracks]))

    def decode_events(self, latents: np.ndarray, temperature: float = 0.0, style: str | None = None,
                      scale: Scale | None = None, seed: int | None = None) -> np.ndarray:
        z = torch.as_tensor(np.atleast_2d(np.asarray(latents, dtype=np.float32)))
        st = torch.full((len(z),), self._style_index(style), dtype=torch.long)
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        out = self.model.decode(z, st, self.steps, temperature, generator=gen, mask=self._mask(scale))
        return out.numpy().astype(np.uint8)

    def decode(self, latents: np.ndarray, temperature: float = 0.0, style: str | None = None,
               scale: Scale | None = None, seed: int | None = None, name: str = "VAE") -> list[Track]:
        ev = self.decode_events(latents, temperature, style, scale, seed)
        return [events_to_track(e, f"{name} {i + 1}") for i, e in enumerate(ev)]

    def sample(self, n: int, style: str | None = None, temperature: float = 1.0, scale: Scale | None = None,
               seed: int | None = None) -> list[Track]:
        if not 1 <= n <= 256:
            raise MelodyError("ask for between 1 and 256 samples")
        ev = self.sample_events(n, style, temperature, scale, np.random.default_rng(seed), seed)
        label = style or "any"
        return [events_to_track(e, f"{label} sample {i + 1}") for i, e in enumerate(ev)]

    def sample_events(self, n: int, style: str | None, temperature: float, scale: Scale | None,
                      rng: np.random.Generator, seed: int | None = None) -> np.ndarray:
        """(n, steps) new clips: ``prior_latents`` decoded by ``decode_in_style``."""
        return self.decode_in_style(self.prior_latents(n, style, rng), style, temperature, scale, seed)

    def decode_in_style(self, z: np.ndarray, style: str | None, temperature: float, scale: Scale | None,
                        seed: int | None = None) -> np.ndarray:
        """(n, steps) events for latents ``z``. In a style, at temperature > 0, each latent is
        decoded ``STYLE_DECODINGS`` times and the decoding whose re-encoding the style critic rates
        most in style is kept: sampling noise can carry a clip out of its style, and this catches it."""
        idx = self._style_index(style)
        critic = self.stats.critic if self.stats else None
        if critic is None or idx == self.cfg.any_style or temperature <= 0:
            return self.decode_events(z, temperature, style, scale, seed)
        n, k = len(z), STYLE_DECODINGS
        ev = self.decode_events(np.repeat(z, k, axis=0), temperature, style, scale, seed)
        score = critic.log_posterior(self._means(ev))[:, idx].reshape(n, k)
        return ev.reshape(n, k, -1)[np.arange(n), score.argmax(1)]

    def generate(self, n: int, style: str | None = None, temperature: float = 1.0, bars: int = 2,
                 scale: Scale | None = None, seed: int | None = None) -> list[Track]:
        """``n`` melodies of ``bars`` bars: 2-bar segments along a slow random walk in latent space,
        so a longer melody keeps a character instead of jumping between unrelated ideas."""
        if not 1 <= n <= 256:
            raise MelodyError("ask for between 1 and 256 melodies")
        segments = max(1, bars // 2)
        rng = np.random.default_rng(seed)
        z = self.prior_latents(n, style, rng)
        walk = [z]
        for _ in range(segments - 1):
            fresh = self.prior_latents(n, style, rng)
            z = np.stack([lat.slerp(a, b, np.array([0.35]))[0] for a, b in zip(z, fresh)])
            walk.append(z)
        flat = np.stack(walk, axis=1).reshape(n * segments, -1).astype(np.float32)
        ev = self.decode_in_style(flat, style, temperature, scale, seed).reshape(n, segments * self.steps)
        label = style or "any"
        return [events_to_track(e, f"{label} {i + 1}") for i, e in enumerate(ev)]

    def prior_latents(self, n: int, style: str | None, rng: np.random.Generator) -> np.ndarray:
        """Latents to decode for new material: a style's Gaussian when a style is asked for (the
        decoder's style label alone barely moves the output: z carries the style), drawing
        ``STYLE_CANDIDATES`` per wanted latent and keeping those the style critic is surest of
        (top n of the pooled draws, in batches of at most ``MAX_CANDIDATES``); else the
        mixture of all styles' Gaussians; N(0, I) only for a model shipped without them.
        Both spreads are ``SAMPLE_SPREAD``: draws nearer the centres decode like real tunes."""
        idx = self._style_index(style)
        gauss = self.stats.styles if self.stats else None
        if gauss is None:
            return rng.standard_normal((n, self.cfg.z_dim)).astype(np.float32)
        if idx == self.cfg.any_style:
            return gauss.sample_mixture(n, rng, SAMPLE_SPREAD)
        critic = self.stats.critic
        if critic is None:
            return gauss.sample(idx, n, rng, SAMPLE_SPREAD)
        out = []
        per_draw = max(1, MAX_CANDIDATES // STYLE_CANDIDATES)  # latents chosen per batch of candidates
        for start in range(0, n, per_draw):
            k = min(per_draw, n - start)
            out.append(critic.best(gauss.sample(idx, k * STYLE_CANDIDATES, rng, SAMPLE_SPREAD), idx, k))
        return np.concatenate(out)

    def interpolate(self, a: Track, b: Track, steps: int = 5, method: str = "slerp", temperature: float = 0.0,
                    style: str | None = None, scale: Scale | None = None, seed: int | None = None,
                    pull: float = INTERP_PULL) -> list[Track]:
        """``steps`` clips from A to B inclusive (the ends are A's and B's reconstructions);
        ``pull`` (0-1) keeps the in-between clips near real tunes (``interpolation_path``)."""
        if not 2 <= steps <= 64:
            raise MelodyError("interpolation steps must be between 2 and 64")
        if not 0.0 <= pull <= 1.0:
            raise MelodyError("pull toward real tunes must be between 0 and 1")
        za, zb = self.encode([a, b])
        return self.decode(self.interpolation_path(za, zb, steps, method, pull), temperature, style, scale, seed,
                           name="Interp")

    def interpolation_path(self, za: np.ndarray, zb: np.ndarray, steps: int, method: str = "slerp",
                           pull: float = INTERP_PULL) -> np.ndarray:
        """(steps, z) latents from ``za`` to ``zb``: the slerp/lerp path, its inner points pulled
        toward the shipped corpus latents (none when the model ships without them)."""
        p = lat.path(za, zb, steps, method)
        if self.stats is None or pull <= 0:
            return p.astype(np.float32)
        t = np.linspace(0.0, 1.0, steps)
        return lat.pull_toward_corpus(p, t, self.stats.map_latents, pull).astype(np.float32)

    def grid(self, corners: Sequence[Track], n: int = 5, temperature: float = 0.0,
             scale: Scale | None = None) -> list[list[Track]]:
        if len(corners) != 4:
            raise MelodyError("a corner grid needs exactly 4 clips")
        if not 2 <= n <= 11:
            raise MelodyError("grid size must be between 2 and 11")
        z = lat.grid(self.encode(corners), n).reshape(n * n, -1)
        flat = self.decode(z, temperature, scale=scale, name="Cell")
        return [flat[r * n: (r + 1) * n] for r in range(n)]

    def shift(self, latent: np.ndarray, attribute: str, amount: float) -> np.ndarray:
        if not self.stats or attribute not in self.stats.attributes:
            raise MelodyError(f"unknown attribute {attribute!r}; choose one of {', '.join(self.attributes())}")
        return np.asarray(latent) + amount * self.stats.attributes[attribute]

    def transfer(self, melody: Track, style: str, temperature: float = 0.0, scale: Scale | None = None,
                 seed: int | None = None, amount: float = 1.0) -> Track:
        """Re-decode every 2-bar segment of ``melody`` in ``style``; same length, same start.

        Each segment's latent moves by ``amount`` × (target style mean − mean of the style it most
        likely comes from), then decodes with the target style label."""
        n = melody_notes(melody)
        origin = bar_origin(n)
        end = int((n["start"] + n["duration"]).max())
        segments = max(1, -(-(end - origin) // self.clip_ticks))
        if segments * 2 > MAX_TRANSFER_BARS:
            raise MelodyError(f"melody is longer than {MAX_TRANSFER_BARS} bars; select a shorter part")
        ev, _ = track_events(melody, origin, segments * self.steps)
        windows = ev.reshape(segments, self.steps).copy()
        keep = (windows >= FIRST_PITCH_CLASS).any(1)
        windows[windows[:, 0] == 0, 0] = 1  # silent stretches come back as rests from their start
        z = self._means(windows)
        gauss = self.stats.styles if self.stats else None
        if gauss is not None:
            target = self._style_index(style)
            source = gauss.most_likely(z)
            z = z + amount * (gauss.means[target] - gauss.means[source])
        out = self.decode_events(z, temperature, style, scale, seed)
        out[~keep] = windows[~keep]  # silent stretches stay silent
        return events_to_track(out.reshape(-1), f"{melody.name} ({style})", origin, melody.program)

    def project_2d(self, latents: np.ndarray) -> np.ndarray:
        if not self.stats:
            raise MelodyError("this model ships no 2-D map")
        return self.stats.pca.transform(np.atleast_2d(latents))

    def latent_at(self, point: np.ndarray) -> np.ndarray:
        """A latent near a point of the 2-D map: the nearest corpus latent moved onto the point."""
        if not self.stats:
            raise MelodyError("this model ships no 2-D map")
        d = np.linalg.norm(self.stats.map_points - np.asarray(point)[None], axis=1)
        return self.stats.pca.inverse(point, self.stats.map_latents[int(d.argmin())])


__all__ = ["MelodyVAEService", "StyleInfo", "LatentStats", "MelodyError"]
