"""The drum models' services: Drum VAE (sample, encode, interpolate, corner grid), Groove,
Drumify and Continue (drums). They take and return core Tracks: drum tracks (``is_drum``, GM
channel 10) with notes on the kit pieces' keys (``core.drum_kit``), 480 PPQ.

Clips made from nothing start at tick 0; a result made from an input track keeps its origin:
the bar line at or before its first note (Continue: the bar line at or after its end). Only 4/4
is supported (the models learnt 16 steps a bar); other meters are refused with one line.
Long inputs are handled in windows of the model's length, so a 10-minute part works (Groove
and Drumify up to ``MAX_INPUT_BARS`` bars).
"""
from __future__ import annotations

import numpy as np
import torch

from latentroll.core.drum_kit import NUM_PIECES, piece_of
from latentroll.core.song import Track
from latentroll.models.common.errors import DrumError
from latentroll.models.common.protocol import ServiceInfo
from latentroll.models.common.service import NetworkService
from latentroll.models.data.corpus import StyleInfo

from .config import DrumToolConfig, DrumVAEConfig
from .convert import BAR_TICKS, STEP_TICKS, STEPS_PER_BAR, DrumGrid, grid_to_track, quantized, rhythm_of, track_to_grid
from .data import DRUM_STYLES
from .tools_net import TOKENS, DrumToolNet, token_to_hits
from .vae import DrumVAE, split_head

N = NUM_PIECES
MAX_INPUT_BARS = 2000      # about an hour at 120 BPM
MAX_CONTINUE_BARS = 32
MAX_PRIME_BARS = 16        # Continue reads at most the last 16 bars of its input
MAX_VARIATIONS = 16
STYLE_DRAWS = 16           # latent draws per clip sampled in a style; the critic keeps one
# The Drum VAE's "temperature 1": a raw hit temperature of 0.6, chosen on the validation split
# (Yang–Lerch OA of hits per bar of samples vs validation windows; drums_4bar: 0.80 at a raw 0.3,
# 0.78 at 0.6, 0.77 at 1.0; drums_4bar_fb512 with its full-covariance prior: 0.877 / 0.875 / 0.872;
# below 0.6 open hi-hats, toms and crashes all but vanish); the test split only measures it.
TEMPERATURE_SCALE = 0.6


def drum_styles(names) -> list[StyleInfo]:
    return [StyleInfo(s, DRUM_STYLES.get(s, s)) for s in names]


def style_label(cfg, style: str | None) -> int:
    """The label of a drum style (None or "any": the 'any style' label); DrumError if unknown."""
    try:
        return cfg.style_index(style)
    except KeyError as exc:
        raise DrumError(exc.args[0]) from None


def check_meter(meter: tuple[int, int]) -> None:
    if tuple(meter) != (4, 4):
        raise DrumError(f"the drum models play 4/4 only (16 steps a bar); this clip is in {meter[0]}/{meter[1]}")


def _check_drum_track(track: Track, what: str) -> None:
    if not track.is_drum:
        raise DrumError(f"{what} needs a drum track (GM channel 10); {track.name!r} is a pitched track")
    if not len(track.notes):
        raise DrumError(f"{what} needs a drum track with hits; {track.name!r} is empty")
    if not any(piece_of(p) is not None for p in track.notes["pitch"]):
        raise DrumError(f"{what}: none of the notes of {track.name!r} is on a kit piece's key")


def origin_of(track: Track) -> int:
    """The bar line at or before the track's first note."""
    first = int(track.notes["start"].min()) if len(track.notes) else 0
    return max(0, first // BAR_TICKS * BAR_TICKS)


def _bars_of(track: Track, origin: int) -> int:
    end = int(track.notes["start"].max()) - origin + STEP_TICKS // 2 + 1
    return max(1, -(-end // BAR_TICKS))


def _limit_bars(bars: int) -> None:
    if bars > MAX_INPUT_BARS:
        raise DrumError(f"the part is {bars} bars long; the drum tools take up to {MAX_INPUT_BARS} bars at a time")


def _windows(x: np.ndarray, steps: int) -> np.ndarray:
    """(T, F) → (ceil(T / steps), steps, F), padded with silence."""
    n = -(-len(x) // steps)
    pad = np.zeros((n * steps - len(x), x.shape[1]), np.float32)
    return np.concatenate([x, pad]).reshape(n, steps, x.shape[1])


def _generator(seed: int | None) -> torch.Generator | None:
    return torch.Generator().manual_seed(int(seed)) if seed is not None else None


def _check_temperature(t: float) -> None:
    if not 0.0 <= t <= 2.0:
        raise DrumError("temperature must be between 0 and 2")


class DrumVAEService(NetworkService):
    """Generate, encode, interpolate and blend (corner grid) 4-bar drum clips."""

    key = "drums_vae"
    config_cls = DrumVAEConfig
    network_cls = DrumVAE

    @property
    def steps(self) -> int:
        return self.cfg.steps

    def styles(self) -> list[StyleInfo]:
        return drum_styles(self.cfg.styles)

    def info(self) -> ServiceInfo:
        return ServiceInfo(self.name, styles=tuple((s.name, s.description) for s in self.styles()),
                           clip_ticks=self.cfg.bars * BAR_TICKS)

    def _decode(self, z: np.ndarray | torch.Tensor, style: str | None, temperature: float,
                gen: torch.Generator | None) -> np.ndarray:
        label = style_label(self.cfg, style)
        z = torch.as_tensor(z, dtype=torch.float32)
        with torch.no_grad():
            y = self.model.decode(z, torch.full((len(z),), label, dtype=torch.long), self.steps,
                                  temperature * TEMPERATURE_SCALE, gen)
        return y.numpy()

    def prior_latents(self, n: int, style: str | None, gen: torch.Generator | None) -> torch.Tensor:
        """``n`` latents from the style's Gaussian of training latents (no style: that of all
        windows). In a style, each is the draw the latent critic rates most in style out of
        ``STYLE_DRAWS``: the style Gaussians overlap, and a plain draw often sounds like another."""
        label = style_label(self.cfg, style)
        m = self.model
        draws = 1 if label == self.cfg.any_style else STYLE_DRAWS
        z = m.style_mu[label] + torch.randn(n, draws, self.cfg.z_dim, generator=gen) @ m.style_chol[label].T
        if draws == 1:
            return z[:, 0]
        score = torch.log_softmax(z @ m.critic_w.T + m.critic_b, -1)[..., label]
        return z[torch.arange(n), score.argmax(1)]

    def sample(self, n: int, style: str | None = None, temperature: float = 1.0, bars: int = 4,
               seed: int | None = None, tempo: float = 120.0) -> list[Track]:
        """``n`` new clips of ``bars`` bars (1-16) in ``style``. The model writes 4 bars; a longer
        clip repeats its latent every 4 bars (each pass decoded anew, so the fills vary at
        temperature > 0), a shorter one is the first bars. Offsets are fractions of a step, so the
        clip fits any ``tempo`` (accepted for the callers' sake; it does not change the notes)."""
        if not 1 <= n <= 256:
            raise DrumError("ask for between 1 and 256 drum clips")
        if not 1 <= bars <= 16:
            raise DrumError("drum clips are 1 to 16 bars long")
        if not 20.0 <= tempo <= 400.0:
            raise DrumError("tempo must be between 20 and 400 BPM")
        _check_temperature(temperature)
        gen = _generator(seed)
        z = self.prior_latents(n, style, gen)
        passes = -(-bars // self.cfg.bars)
        parts = [self._decode(z, style, temperature, gen) for _ in range(passes)]
        x = np.concatenate(parts, axis=1)[:, : bars * STEPS_PER_BAR]
        label = style or "any style"
        return [grid_to_track(DrumGrid.from_stacked(xi), 0, f"Drums ({label}) {i + 1}") for i, xi in enumerate(x)]

    def _grid_of(self, track: Track) -> np.ndarray:
        _check_drum_track(track, "the Drum VAE")
        return track_to_grid(track, self.steps, origin_of(track)).stacked()

    def encode(self, tracks: list[Track]) -> np.ndarray:
        """(n, z) latent means of each track's first 4 bars (from the bar line before its first hit)."""
        if not tracks:
            raise DrumError("no drum clips to encode")
        x = torch.as_tensor(np.stack([self._grid_of(t) for t in tracks]))
        with torch.no_grad():
            mu, _ = self.model.encode(x)
        return mu.numpy()

    def decode(self, z: np.ndarray, style: str | None = None, temperature: float = 0.0,
               seed: int | None = None, name: str = "Drums") -> list[Track]:
        _check_temperature(temperature)
        x = self._decode(z, style, temperature, _generator(seed))
        return [grid_to_track(DrumGrid.from_stacked(xi), 0, f"{name} {i + 1}") for i, xi in enumerate(x)]

    def interpolate(self, a: Track, b: Track, steps: int = 5, temperature: float = 0.0) -> list[Track]:
        """``steps`` clips from ``a`` to ``b`` (both ends included) along the line between their latents."""
        if not 2 <= steps <= 64:
            raise DrumError("interpolate in 2 to 64 steps")
        za, zb = self.encode([a, b])
        w = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
        return self.decode((1 - w) * za + w * zb, None, temperature, 0, "Blend")

    def grid(self, corners: list[Track], n: int = 5, temperature: float = 0.0) -> list[list[Track]]:
        """An n × n Beat-Blender grid: corners (top-left, top-right, bottom-left, bottom-right)
        and, between them, the bilinear blends of their latents. Row-major: ``grid[row][col]``."""
        if len(corners) != 4:
            raise DrumError("the drum grid needs 4 corner clips")
        if not 2 <= n <= 11:
            raise DrumError("the drum grid is 2 to 11 clips a side")
        tl, tr, bl, br = self.encode(corners)
        u = np.linspace(0.0, 1.0, n, dtype=np.float32)
        z = np.stack([(1 - r) * ((1 - c) * tl + c * tr) + r * ((1 - c) * bl + c * br) for r in u for c in u])
        flat = self.decode(z, None, temperature, 0, "Grid")
        return [flat[r * n:(r + 1) * n] for r in range(n)]


class _ToolService(NetworkService):
    config_cls = DrumToolConfig
    network_cls = DrumToolNet

    def styles(self) -> list[StyleInfo]:
        return drum_styles(self.cfg.styles)

    def info(self) -> ServiceInfo:
        return ServiceInfo(self.name, styles=tuple((s.name, s.description) for s in self.styles()),
                           clip_ticks=self.cfg.bars * BAR_TICKS)

    def _run(self, inp: np.ndarray, style: str | None) -> np.ndarray:
        """The network over ``inp`` (T, F) in windows of its length → raw outputs (T, 27)."""
        w = _windows(inp, self.cfg.steps)
        label = torch.full((len(w),), style_label(self.cfg, style), dtype=torch.long)
        with torch.no_grad():
            y = self.model(torch.as_tensor(w), label)
        return y.reshape(-1, y.shape[-1])[: len(inp)]


class GrooveService(_ToolService):
    """Humanize a drum part: performed velocities and micro-timing for the same hits."""

    key = "groove"

    def groove(self, track: Track, amount: float = 1.0, style: str | None = None,
               meter: tuple[int, int] = (4, 4)) -> Track:
        """``track`` with each hit's velocity and timing moved ``amount`` (0-1) of the way to the
        model's performance. Every note stays (notes on keys of no kit piece are left as they are),
        so the result has exactly the input's hits."""
        _check_drum_track(track, "Groove")
        check_meter(meter)
        if not 0.0 <= amount <= 1.0:
            raise DrumError("the groove amount is between 0 and 1")
        origin = origin_of(track)
        bars = _bars_of(track, origin)
        _limit_bars(bars)
        grid = track_to_grid(track, bars * STEPS_PER_BAR, origin)
        vel, off = (t.numpy() for t in split_head(torch.as_tensor(self._run(quantized(grid.hits), style)))[1:])
        out = track.copy()
        notes = out.notes
        rel = notes["start"].astype(np.int64) - origin
        step = np.floor(rel / STEP_TICKS + 0.5).astype(np.int64)
        piece = np.array([-1 if piece_of(p) is None else piece_of(p) for p in notes["pitch"].tolist()], np.int64)
        ok = (piece >= 0) & (step >= 0) & (step < len(vel))
        s_, p_ = step[ok], piece[ok]
        old_off = (rel[ok] - s_ * STEP_TICKS) / STEP_TICKS
        new_off = (1 - amount) * old_off + amount * off[s_, p_]
        new_vel = (1 - amount) * notes["velocity"][ok] / 127.0 + amount * vel[s_, p_]
        notes["start"][ok] = np.maximum(0, origin + np.round((s_ + new_off) * STEP_TICKS)).astype(np.int64)
        notes["velocity"][ok] = np.clip(np.round(new_vel * 127), 1, 127).astype(np.int16)
        out.notes = notes
        out.name = f"{track.name} (groove)"
        return out


class DrumifyService(_ToolService):
    """Any rhythm (a tapped line, a melody's onsets) → a nine-piece drum part following it."""

    key = "drumify"

    def drumify(self, track: Track, variations: int = 1, temperature: float = 1.0, style: str | None = None,
                seed: int | None = None, meter: tuple[int, int] = (4, 4)) -> list[Track]:
        """``variations`` drum parts for the onsets of ``track`` (any track: every note is a tap),
        from its origin and as long as it. Temperature 0: the likeliest part (all variations agree)."""
        if not len(track.notes):
            raise DrumError(f"Drumify needs a rhythm; {track.name!r} has no notes")
        check_meter(meter)
        _check_temperature(temperature)
        if not 1 <= variations <= MAX_VARIATIONS:
            raise DrumError(f"ask for 1 to {MAX_VARIATIONS} variations")
        origin = origin_of(track)
        bars = _bars_of(track, origin)
        _limit_bars(bars)
        logit, vel, off = (t.numpy() for t in split_head(torch.as_tensor(
            self._run(rhythm_of(track, bars * STEPS_PER_BAR, origin), style))))
        gen = _generator(seed)
        out = []
        for i in range(variations):
            if temperature <= 0:
                hits = (logit > 0).astype(np.float32)
            else:
                p = torch.sigmoid(torch.as_tensor(logit) / temperature)
                hits = (torch.rand(p.shape, generator=gen) < p).float().numpy()
            grid = DrumGrid(hits, vel * hits, off * hits)
            out.append(grid_to_track(grid, origin, f"{track.name} drumified {i + 1}"))
        return out


class DrumContinueService(_ToolService):
    """Continue a drum clip by 1-32 bars (a step-token LSTM, as Drum RNN)."""

    key = "drums_lm"

    def continue_drums(self, track: Track, bars: int = 4, variations: int = 4, temperature: float = 1.0,
                       seed: int | None = None, meter: tuple[int, int] = (4, 4),
                       style: str | None = None) -> list[Track]:
        """``variations`` continuations of ``track``, each a new drum track holding only the
        continuation, from the bar line at or after the input's last hit. Reads at most the last
        ``MAX_PRIME_BARS`` bars. Temperature 0 = the likeliest continuation (all agree)."""
        _check_drum_track(track, "Continue (drums)")
        check_meter(meter)
        _check_temperature(temperature)
        if not 1 <= bars <= MAX_CONTINUE_BARS:
            raise DrumError(f"continue by 1 to {MAX_CONTINUE_BARS} bars")
        if not 1 <= variations <= MAX_VARIATIONS:
            raise DrumError(f"ask for 1 to {MAX_VARIATIONS} variations")
        origin = origin_of(track)
        end_bar = origin + _bars_of(track, origin) * BAR_TICKS
        origin = max(origin, end_bar - MAX_PRIME_BARS * BAR_TICKS)
        prime = track_to_grid(track, (end_bar - origin) // STEP_TICKS, origin).stacked()
        x = self.generate(prime, bars * STEPS_PER_BAR, variations, temperature, style, _generator(seed))
        return [grid_to_track(DrumGrid.from_stacked(xi), end_bar, f"{track.name} continued {i + 1}")
                for i, xi in enumerate(x)]

    def generate(self, prime: np.ndarray, steps: int, n: int, temperature: float, style: str | None,
                 gen: torch.Generator | None) -> np.ndarray:
        """(n, steps, 27) steps after ``prime`` (T, 27)."""
        label = torch.full((n,), style_label(self.cfg, style), dtype=torch.long)
        inp = torch.as_tensor(np.concatenate([np.zeros((1, 3 * N), np.float32), prime]))[None].expand(n, -1, -1)
        outs = []
        with torch.no_grad():
            y, hx = self.model(inp.contiguous(), label, return_state=True)
            last = y[:, -1]
            for _ in range(steps):
                logits, rest = last[:, :TOKENS], last[:, TOKENS:]
                if temperature <= 0:
                    tok = logits.argmax(-1)
                else:
                    tok = torch.multinomial(torch.softmax(logits / temperature, -1), 1, generator=gen)[:, 0]
                hits = token_to_hits(tok)
                step = torch.cat([hits, torch.sigmoid(rest[:, :N]) * hits, 0.5 * torch.tanh(rest[:, N:]) * hits], -1)
                outs.append(step)
                y, hx = self.model(step[:, None], label, hx, return_state=True)
                last = y[:, -1]
        return torch.stack(outs, 1).numpy()
