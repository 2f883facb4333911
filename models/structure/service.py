"""The phrase-structure service: melodies of up to 16 bars with repeats, written by the 2-bar VAE.

The structure network decides, segment by segment (2 bars each), whether a segment is new or a
copy of an earlier one, and draws a new segment's latent from its Gaussian given the segments so
far (a whitened model in the coordinates of the phrase's style, ``whitening.py``; in a style, the
draw the VAE's style critic is surest of among ``STYLE_CANDIDATES``); new segments are decoded as
the VAE decodes in a style (best of several decodings by its style critic); a copy repeats its
source's decoded notes. A user's style ("My style"), which the
network never saw, takes its new latents from the VAE's chained walk in that style
(``MelodyVAEService.walk_latents``) instead. Core Tracks out, like the other services.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from latentroll.core.chords import ChordEvent
from latentroll.core.song import Track
from latentroll.core.theory import Scale
from latentroll.models.common.chord_mask import ChordFollow
from latentroll.models.common.errors import MelodyError
from latentroll.models.common.protocol import Folders, ServiceInfo, model_folders
from latentroll.models.common.service import load_model_folder
from latentroll.models.data.melody import FIRST_PITCH_CLASS, STEP_TICKS
from latentroll.models.data.tracks import events_to_track
from latentroll.models.registry import MAIN
from latentroll.models.vae.phrases import BAR_STEPS, join_segments
from latentroll.models.vae.service import MelodyVAEService

from .config import StructureConfig
from .network import StructureNet
from .train import style_whitening

# How a new segment's latent is drawn, chosen by measurement (model card): "model" = the structure
# network's own Gaussian given the past (repetition OA 0.87 against 0.80 for "walk"), "walk" = the
# VAE's chained walk in the style.
NEW_LATENTS = "model"
SPREAD = 0.7  # the network's Gaussian is sampled at this share of its spread
# Draws of the network's Gaussian per new segment of a phrase asked in a style; the VAE's style
# critic keeps the one surest of that style (chosen on validation phrases: style fidelity 0.58 with
# one draw, 0.76 / 0.78 / 0.80 / 0.75 with 16 / 32 / 64 / 128; model card). 'Any style' keeps the first.
STYLE_CANDIDATES = 64
# A new segment is chosen among this many decodings, less SEAM_COST per semitone its first note
# leaps beyond SEAM_FREE from the last note before it: decoded alone, segments opened anywhere
# (leaps over 7 semitones at 12% of the seams, against 2% in the data; model card).
SEAM_DECODINGS = 16
SEAM_FREE = 4
SEAM_COST = 1.0


def seam_leaps(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """(m, k) semitones from the last note-on of each ``before`` segment (m, steps) to the first of
    each of its ``after`` candidates (m, k, steps); 0 where either has no note."""
    on_b = before >= FIRST_PITCH_CLASS
    last = np.where(on_b.any(1), before[np.arange(len(before)), before.shape[1] - 1 - on_b[:, ::-1].argmax(1)], 0)
    on_a = after >= FIRST_PITCH_CLASS
    first = np.take_along_axis(after, on_a.argmax(2)[..., None], 2)[..., 0]
    leap = np.abs(first.astype(np.int64) - last.astype(np.int64)[:, None])
    return np.where(on_a.any(2) & on_b.any(1)[:, None], leap, 0)


@dataclass(frozen=True)
class Phrases:
    """Written phrases: events (n, bars·16) and each segment's label (n, segments): 0 new, j+1 copy of j."""

    events: np.ndarray
    labels: np.ndarray


class PhraseStructureService:
    def __init__(self, model: StructureNet, vae: MelodyVAEService, name: str | None = None,
                 new_latents: str = NEW_LATENTS, candidates: int = STYLE_CANDIDATES):
        self.model = model.eval()
        self.cfg: StructureConfig = model.cfg
        self.vae = vae
        self.name = name or self.cfg.name
        self.new_latents = new_latents
        self.candidates = candidates
        if vae.steps != self.cfg.segment_steps or vae.cfg.z_dim != self.cfg.z_dim:
            raise MelodyError(f"the structure model {self.name!r} was trained on another melody VAE "
                              f"({self.cfg.segment_steps}-step clips, {self.cfg.z_dim}-d latents)")
        try:
            self.whitening = style_whitening(self.cfg, vae)
        except ValueError as exc:
            raise MelodyError(str(exc)) from None
        critic = vae.stats.critic if vae.stats else None
        # the critic of the latents the network draws: per style in its coordinates when whitened
        self.critics = None if critic is None else \
            (self.whitening.critics(critic) if self.whitening else (critic,) * len(self.cfg.styles))

    @classmethod
    def load(cls, folders: Folders | str | Path | None = None) -> "PhraseStructureService":
        f = model_folders("structure", folders)
        return cls(load_model_folder(f[MAIN], StructureConfig, StructureNet, "structure"), MelodyVAEService.load(f["vae"]))

    @property
    def max_bars(self) -> int:
        return self.cfg.phrase_steps // BAR_STEPS

    def info(self) -> ServiceInfo:
        vae = self.vae.info()
        return ServiceInfo(name=self.name, styles=vae.styles, clip_ticks=self.cfg.phrase_steps * STEP_TICKS)

    def _label(self, style: str | None) -> int:
        """The network's style label; a style it was not trained on (a user's) plans as 'any style'."""
        return self.cfg.style_index(style) if style in self.cfg.styles else self.cfg.any_style

    def _row_styles(self, n: int, style: str | None, rng: np.random.Generator) -> np.ndarray:
        """(n,) style of each phrase for a whitened model: the asked one; for 'any', drawn by the
        data's shares; for a user's style, the corpus style it sits nearest."""
        if style in self.cfg.styles:
            return np.full(n, self.cfg.styles.index(style))
        if style in (None, "any"):
            return self.whitening.draw_styles(n, rng)
        mine = self.vae._my_style(style, arrays=False)  # an unknown name: a MelodyError for users
        return np.full(n, self.cfg.styles.index(mine.base_style) if mine.base_style in self.cfg.styles
                       else int(np.argmax(self.whitening.weights)))

    def _keep_surest(self, proposals: np.ndarray, styles: np.ndarray) -> np.ndarray:
        """(n, z) in the network's units: of each row's (K, z) draws, the one the VAE's style critic
        is surest is in that row's style (``styles``; 'any': the first draw)."""
        n, k, d = proposals.shape
        best = np.zeros(n, np.int64)
        if self.critics is not None and k > 1:
            for s in np.unique(styles[styles < len(self.critics)]):
                rows = styles == s
                score = self.critics[s].log_posterior(proposals[rows].reshape(-1, d))[:, s]
                best[rows] = score.reshape(-1, k).argmax(1)
        return proposals[np.arange(n), best]

    def plan(self, n: int, segments: int, style: str | None, rng: np.random.Generator,
             seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(n, segments, z) latents and (n, segments) labels: which segments repeat which."""
        theirs = style not in (None, "any") and style not in self.cfg.styles  # a user's (or unknown: the VAE says)
        rows = self._row_styles(n, style, rng) if self.whitening is not None else None
        walk = self.vae.walk_latents(n, segments, style, rng) if self.new_latents == "walk" or theirs else None
        gen = torch.Generator().manual_seed(int(rng.integers(2 ** 31)) if seed is None else seed)
        label = self._label(style)
        st = torch.as_tensor(rows, dtype=torch.long) if rows is not None and not theirs \
            else torch.full((n,), label, dtype=torch.long)
        if walk is not None:
            def choose(i, proposals):
                return walk[:, i] if rows is None else self.whitening.whiten(walk[:, i, None], rows)[:, 0]
        else:
            # 'any style' keeps the first draw (as the VAE samples its style mixture: no critic)
            styles = np.full(n, self.cfg.any_style) if style in (None, "any") else \
                (rows if rows is not None else np.full(n, label))

            def choose(i, proposals):
                return self._keep_surest(proposals, styles)
        with torch.inference_mode():
            z, labels = self.model.sample(st, segments, SPREAD, gen, choose,
                                          1 if walk is not None else self.candidates)
        z = z.numpy()
        return (z if rows is None else self.whitening.color(z, rows)), labels.numpy()

    def generate_events(self, n: int, style: str | None = None, temperature: float = 1.0, bars: int = 16,
                        scale: Scale | None = None, seed: int | None = None,
                        chords: ChordFollow | None = None) -> Phrases:
        """``n`` phrases of ``bars`` bars (1 to ``max_bars``) with their segment labels. Only new
        segments are decoded (in ``style``, at ``temperature``, each at its own place on the
        chords); a copy takes its source's notes, so a repeat is exact."""
        if not 1 <= n <= 256:
            raise MelodyError("ask for between 1 and 256 melodies")
        if not 1 <= bars <= self.max_bars:
            raise MelodyError(f"phrase structure writes 1 to {self.max_bars} bars, not {bars}")
        segments = -(-bars * BAR_STEPS // self.cfg.segment_steps)
        z, labels = self.plan(n, segments, style, np.random.default_rng(seed), seed)
        ev = np.zeros((n, segments, self.cfg.segment_steps), np.uint8)
        for i in range(segments):  # in order: a new segment opens near the note before it, a copy finds its notes
            rows = np.nonzero(labels[:, i] == 0)[0]
            if len(rows):
                ev[rows, i] = self._decode_segment(z[rows, i], ev[rows, i - 1] if i else None, i, style,
                                                   temperature, scale, seed, chords)
            copy = labels[:, i] > 0
            ev[copy, i] = ev[copy, labels[copy, i] - 1]
        return Phrases(join_segments(ev, bars), labels)

    def _decode_segment(self, z: np.ndarray, before: np.ndarray | None, i: int, style: str | None,
                        temperature: float, scale: Scale | None, seed: int | None,
                        chords: ChordFollow | None) -> np.ndarray:
        """(m, steps) segment ``i`` of new latents ``z``: of the VAE's decodings (``decode_candidates``;
        ``SEAM_DECODINGS`` after the first segment at temperature > 0), the one most in style, less
        ``SEAM_COST`` per semitone its first note leaps past ``SEAM_FREE`` from the last note of the
        segment ``before`` it."""
        k = SEAM_DECODINGS if before is not None and temperature > 0 else None
        cand, score = self.vae.decode_candidates(z, style, temperature, scale, None if seed is None else seed + i,
                                                 chords, np.full(len(z), i * self.vae.clip_ticks), k)
        if before is not None and cand.shape[1] > 1:
            silent = ~(cand >= FIRST_PITCH_CLASS).any(2)  # no leap, but no segment either (the data has none)
            score = score - SEAM_COST * np.maximum(seam_leaps(before, cand) - SEAM_FREE, 0) - 1e3 * silent
        return cand[np.arange(len(z)), score.argmax(1)]

    def generate(self, n: int, style: str | None = None, temperature: float = 1.0, bars: int = 16,
                 scale: Scale | None = None, seed: int | None = None,
                 chords: list[ChordEvent] | None = None) -> list[Track]:
        """``n`` melodies of ``bars`` bars with phrase structure (the VAE's ``generate`` signature);
        ``chords`` (ticks from the melody's start): new segments lean on their chord tones, and a
        repeat keeps its source's notes."""
        ph = self.generate_events(n, style, temperature, bars, scale, seed, ChordFollow.of(chords))
        label = style or "any"
        return [events_to_track(e, f"{label} {i + 1}") for i, e in enumerate(ph.events)]


__all__ = ["PhraseStructureService", "Phrases", "NEW_LATENTS", "SEAM_DECODINGS", "STYLE_CANDIDATES", "seam_leaps"]
