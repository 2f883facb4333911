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

from latentroll.core.chords import ChordEvent
from latentroll.core.song import Track
from latentroll.core.theory import Scale
from latentroll.models.common.chord_mask import ChordFollow, class_mask
from latentroll.models.common.errors import MelodyError
from latentroll.models.common.protocol import Folders, ServiceInfo, model_folders
from latentroll.models.common.service import load_model_folder, style_label
from latentroll.models.common.weights import load_tensors
from latentroll.models.data.corpus import StyleInfo, style_infos
from latentroll.models.data.melody import FIRST_PITCH_CLASS, MIN_PITCH, NUM_CLASSES, STEP_TICKS
from latentroll.models.data.tracks import bar_origin, events_to_track, melody_notes, scale_mask, track_events

from . import latent as lat
from .conductor import build_vae
from .config import VAEConfig
from .network import MelodyVAE
from .phrases import join_segments, phrase_windows
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
        model = load_model_folder(folder, VAEConfig, build_vae, "vae")
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

    @property
    def clip_bars(self) -> int:
        """Bars of 4/4 in one model clip (a phrase of more bars is read segment by segment)."""
        return max(1, self.cfg.window // 16)

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
        """The decoder's label for ``style``; a user's style ("My style") decodes with the label
        of the corpus style its latents sit nearest."""
        mine = self._my_style(style, arrays=False)
        return style_label(self.cfg, mine.base_style if mine is not None else style)

    # ---- "My style": the user's styles (models/mystyle) ----------------------------------------
    def _my_style(self, style: str | None, arrays: bool = True):
        """The fitted ``MyStyleModel`` (``arrays`` false: its ``MyStyleInfo``) when ``style``
        names one of the user's styles, else None; an unknown name is a ``MelodyError`` listing
        the corpus styles and the user's."""
        if style is None or style == "any" or style in self.cfg.styles:
            return None
        from latentroll.models.mystyle.store import MyStyleStore

        store = MyStyleStore()
        if style not in store:
            mine = ", ".join(i.name for i in store.list())
            raise MelodyError(f"unknown style {style!r}; choose one of {', '.join(self.cfg.styles)}"
                              + (f", or one of yours: {mine}" if mine else ""))
        info = store.get(style)
        if info.z_dim != self.cfg.z_dim or info.vae != self.name:
            raise MelodyError(f"style {style!r} was fitted with another melody model ({info.vae}); "
                              "train it again")
        return store.model(style) if arrays else info

    def melody_latents(self, tracks: Sequence[Track]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per track, its bar-aligned 2-bar windows (n, steps) and their latent means (n, z): what
        a My style is fitted on. Drum and empty tracks are refused."""
        from latentroll.models.mystyle.windows import melody_windows

        out = []
        for t in tracks:
            w = melody_windows(t, self.steps)
            out.append((w, self._means(w) if len(w) else np.zeros((0, self.cfg.z_dim), np.float32)))
        return out

    def fit_my_style(self, latents: np.ndarray, windows: np.ndarray, method: str | None = None):
        """A ``MyStyleModel`` fitted on ``latents`` of ``windows`` against this model's corpus
        styles (``models/mystyle/model.py``; NumPy, milliseconds)."""
        from latentroll.models.mystyle.model import DEFAULT_METHOD, CorpusStyles, fit_my_style

        styles = CorpusStyles(tuple(self.cfg.styles), self.stats.styles if self.stats else None,
                              self.stats.critic if self.stats else None, self.name)
        return fit_my_style(latents, styles, method or DEFAULT_METHOD, windows)

    def decode_my_style(self, z: np.ndarray, mine, temperature: float, scale: Scale | None,
                        seed: int | None = None, chords: ChordFollow | None = None,
                        starts: np.ndarray | None = None) -> np.ndarray:
        """(n, steps) events for latents of a user's style ``mine`` (a ``MyStyleModel``), decoded
        with the label of its nearest corpus style (``decode_candidates``' choice)."""
        ev, score = self._candidates(z, mine.base_style, mine, temperature, scale, seed, chords, starts)
        return ev[np.arange(len(ev)), score.argmax(1)]

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
                      scale: Scale | None = None, seed: int | None = None, chords: ChordFollow | None = None,
                      starts: np.ndarray | None = None) -> np.ndarray:
        """``chords``: follow a chord track; ``starts``: each clip's start tick on it (default 0)."""
        z = torch.as_tensor(np.atleast_2d(np.asarray(latents, dtype=np.float32)))
        st = torch.full((len(z),), self._style_index(style), dtype=torch.long)
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        mask = self._mask(scale) if chords is None else torch.as_tensor(class_mask(
            chords, np.zeros(len(z), int) if starts is None else starts, self.steps, MIN_PITCH,
            NUM_CLASSES - FIRST_PITCH_CLASS, seed=seed, base=scale_mask(scale)))
        out = self.model.decode(z, st, self.steps, temperature, generator=gen, mask=mask)
        return out.numpy().astype(np.uint8)

    def decode(self, latents: np.ndarray, temperature: float = 0.0, style: str | None = None,
               scale: Scale | None = None, seed: int | None = None, name: str = "VAE",
               chords: ChordFollow | None = None) -> list[Track]:
        ev = self.decode_events(latents, temperature, style, scale, seed, chords)
        return [events_to_track(e, f"{name} {i + 1}") for i, e in enumerate(ev)]

    def sample(self, n: int, style: str | None = None, temperature: float = 1.0, scale: Scale | None = None,
               seed: int | None = None, chords: list[ChordEvent] | None = None) -> list[Track]:
        """``chords`` (ticks from the clip's start): strong-beat notes lean on their chord tones."""
        if not 1 <= n <= 256:
            raise MelodyError("ask for between 1 and 256 samples")
        ev = self.sample_events(n, style, temperature, scale, np.random.default_rng(seed), seed,
                                ChordFollow.of(chords))
        label = style or "any"
        return [events_to_track(e, f"{label} sample {i + 1}") for i, e in enumerate(ev)]

    def sample_events(self, n: int, style: str | None, temperature: float, scale: Scale | None,
                      rng: np.random.Generator, seed: int | None = None,
                      chords: ChordFollow | None = None) -> np.ndarray:
        """(n, steps) new clips: ``prior_latents`` decoded by ``decode_in_style``."""
        return self.decode_in_style(self.prior_latents(n, style, rng), style, temperature, scale, seed, chords)

    def decode_in_style(self, z: np.ndarray, style: str | None, temperature: float, scale: Scale | None,
                        seed: int | None = None, chords: ChordFollow | None = None,
                        starts: np.ndarray | None = None) -> np.ndarray:
        """(n, steps) events for latents ``z``: of ``decode_candidates``, the one most in style."""
        ev, score = self.decode_candidates(z, style, temperature, scale, seed, chords, starts)
        return ev[np.arange(len(ev)), score.argmax(1)]

    def decode_candidates(self, z: np.ndarray, style: str | None, temperature: float, scale: Scale | None,
                          seed: int | None = None, chords: ChordFollow | None = None,
                          starts: np.ndarray | None = None, k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(n, k, steps) decodings of each latent and (n, k) scores, higher = more in ``style``.
        In a style at temperature > 0 each latent is decoded ``STYLE_DECODINGS`` times (sampling
        noise can carry a clip out of its style) and scored by the style critic on its
        re-encoding; in a user's style ("My style") a decoding that copies a window the style was
        fitted on scores far lower (a style fitted on a few tunes otherwise hands back their own
        phrases). ``k`` asks for that many decodings even in no style (scored 0), for a caller
        that chooses among them by its own measure too."""
        mine = self._my_style(style)
        return self._candidates(z, mine.base_style if mine is not None else style, mine, temperature, scale, seed,
                                chords, starts, k)

    def _candidates(self, z, style, mine, temperature, scale, seed, chords, starts, k=None):
        idx = style_label(self.cfg, style)
        critic = self.stats.critic if self.stats else None
        scored = critic is not None and idx != self.cfg.any_style
        k = 1 if temperature <= 0 else (k or (STYLE_DECODINGS if scored or mine is not None else 1))
        n = len(z)
        ev = self.decode_events(np.repeat(z, k, axis=0), temperature, style, scale, seed, chords,
                                None if starts is None else np.repeat(starts, k))
        score = critic.log_posterior(self._means(ev))[:, idx] if scored and k > 1 else np.zeros(len(ev))
        if mine is not None and temperature > 0:
            score = np.where(mine.copies(ev), score - 1e6, score)
        return ev.reshape(n, k, -1), score.reshape(n, k)

    def generate(self, n: int, style: str | None = None, temperature: float = 1.0, bars: int = 2,
                 scale: Scale | None = None, seed: int | None = None,
                 chords: list[ChordEvent] | None = None) -> list[Track]:
        """``n`` melodies of ``bars`` bars: 2-bar segments along a slow random walk in latent space,
        so a longer melody keeps a character instead of jumping between unrelated ideas.
        ``chords`` (ticks from the melody's start): strong-beat notes lean on their chord tones."""
        if not 1 <= n <= 256:
            raise MelodyError("ask for between 1 and 256 melodies")
        if bars < 1:
            raise MelodyError("a melody is at least 1 bar long")
        segments = -(-bars * 16 // self.steps)  # a bar count the clips do not divide is cut at the end
        flat = self.walk_latents(n, segments, style, np.random.default_rng(seed)).reshape(n * segments, -1)
        starts = np.tile(np.arange(segments) * self.clip_ticks, n)
        ev = self.decode_in_style(flat, style, temperature, scale, seed, ChordFollow.of(chords),
                                  starts).reshape(n, segments * self.steps)[:, : bars * 16]
        label = style or "any"
        return [events_to_track(e, f"{label} {i + 1}") for i, e in enumerate(ev)]

    def walk_latents(self, n: int, segments: int, style: str | None, rng: np.random.Generator) -> np.ndarray:
        """(n, segments, z) latents of consecutive clips: a slow random walk from ``prior_latents``,
        each step 0.35 of the way toward a fresh draw (what ``generate`` chains)."""
        z = self.prior_latents(n, style, rng)
        walk = [z]
        for _ in range(segments - 1):
            fresh = self.prior_latents(n, style, rng)
            z = np.stack([lat.slerp(a, b, np.array([0.35]))[0] for a, b in zip(z, fresh)])
            walk.append(z)
        return np.stack(walk, axis=1).astype(np.float32)

    def prior_latents(self, n: int, style: str | None, rng: np.random.Generator) -> np.ndarray:
        """Latents to decode for new material: a style's Gaussian when a style is asked for (the
        decoder's style label alone barely moves the output: z carries the style), drawing
        ``STYLE_CANDIDATES`` per wanted latent and keeping those the style critic is surest of
        (top n of the pooled draws, in batches of at most ``MAX_CANDIDATES``); a user's style
        (My style) draws from its fitted model; else the
        mixture of all styles' Gaussians; N(0, I) only for a model shipped without them.
        Both spreads are ``SAMPLE_SPREAD``: draws nearer the centres decode like real tunes."""
        mine = self._my_style(style)
        if mine is not None:
            return mine.sample(n, rng)
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
                    pull: float = INTERP_PULL, chords: list[ChordEvent] | None = None,
                    bars: int | None = None) -> list[Track]:
        """``steps`` clips from A to B inclusive (the ends are A's and B's reconstructions);
        ``pull`` (0-1) keeps the in-between clips near real tunes (``interpolation_path``);
        ``chords`` (ticks from each clip's start): strong-beat notes lean on their chord tones.
        ``bars`` (1-16; default one model clip): A and B are read as that many bars, model clip by
        model clip, segment i of A moving to segment i of B (``phrases.py``): the clips are that long."""
        if not 2 <= steps <= 64:
            raise MelodyError("interpolation steps must be between 2 and 64")
        if not 0.0 <= pull <= 1.0:
            raise MelodyError("pull toward real tunes must be between 0 and 1")
        bars = bars or self.clip_bars
        wa, wb = (phrase_windows(t, bars, self.steps) for t in (a, b))
        za, zb = self._means(wa), self._means(wb)
        seg = len(wa)  # segment-major rows: segment s of clip k is row s * steps + k
        z = np.concatenate([self.interpolation_path(x, y, steps, method, pull) for x, y in zip(za, zb)])
        ev = self.decode_events(z, temperature, style, scale, seed, ChordFollow.of(chords),
                                np.repeat(np.arange(seg) * self.clip_ticks, steps))
        ev = join_segments(ev.reshape(seg, steps, -1).transpose(1, 0, 2), bars)
        return [events_to_track(e, f"Interp {i + 1}") for i, e in enumerate(ev)]

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
             scale: Scale | None = None, bars: int | None = None,
             chords: list[ChordEvent] | None = None) -> list[list[Track]]:
        """An ``n`` × ``n`` grid of blends of 4 corner clips; ``bars`` and ``chords`` as in ``interpolate``."""
        if len(corners) != 4:
            raise MelodyError("a corner grid needs exactly 4 clips")
        if not 2 <= n <= 11:
            raise MelodyError("grid size must be between 2 and 11")
        bars = bars or self.clip_bars
        w = np.stack([phrase_windows(t, bars, self.steps) for t in corners])  # (4, segments, steps)
        seg = w.shape[1]
        zc = self._means(w.reshape(4 * seg, -1)).reshape(4, seg, -1)
        z = np.concatenate([lat.grid(zc[:, s], n).reshape(n * n, -1) for s in range(seg)])
        ev = self.decode_events(z, temperature, scale=scale, chords=ChordFollow.of(chords),
                                starts=np.repeat(np.arange(seg) * self.clip_ticks, n * n))
        ev = join_segments(ev.reshape(seg, n * n, -1).transpose(1, 0, 2), bars)
        flat = [events_to_track(e, f"Cell {i + 1}") for i, e in enumerate(ev)]
        return [flat[r * n: (r + 1) * n] for r in range(n)]

    def shift(self, latent: np.ndarray, attribute: str, amount: float) -> np.ndarray:
        if not self.stats or attribute not in self.stats.attributes:
            raise MelodyError(f"unknown attribute {attribute!r}; choose one of {', '.join(self.attributes())}")
        return np.asarray(latent) + amount * self.stats.attributes[attribute]

    def transfer(self, melody: Track, style: str, temperature: float = 0.0, scale: Scale | None = None,
                 seed: int | None = None, amount: float = 1.0, chords: list[ChordEvent] | None = None) -> Track:
        """Re-decode every 2-bar segment of ``melody`` in ``style``; same length, same start;
        ``chords`` (the melody's ticks): strong-beat notes lean on their chord tones.

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
            mine = self._my_style(style)
            target = gauss.means[self._style_index(style)] if mine is None else mine.mean
            source = gauss.most_likely(z)
            z = z + amount * (target - gauss.means[source])
        out = self.decode_events(z, temperature, style, scale, seed, ChordFollow.of(chords),
                                 origin + np.arange(segments) * self.clip_ticks)
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
