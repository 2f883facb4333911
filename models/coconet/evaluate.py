"""``latentroll eval cnn``: the chorale CNN's figures, on the held-out test chorales.

Definitions (also in docs/models.md):
- nll: frame-wise negative log-likelihood in nats per 16th-step frame (all four voices), under the
  chronological factorization: frame by frame, soprano to bass within a frame, each voice frame
  predicted from everything before it (up to 48 frames back; later frames hidden). Estimated
  without bias from ``nll_positions`` voice frames drawn uniformly from the test chorales (one net
  pass each): mean per voice frame × 4. ``nll_stderr`` is its standard error.
- unigram_nll / markov_nll: the same positions scored by a per-voice unigram and a per-voice
  first-order Markov chain fitted on the training chorales; ``baseline_nll`` is the better one.
- Harmonization: the soprano of each test chorale (up to ``harmonize_chorales``) is harmonized once
  by the service's sampler as the service runs it (its default temperature and sweeps, the
  voice-leading constraint on unless ``voice_leading`` is off). ``parallels_per_100``: parallel
  fifths/octaves over all six voice pairs per 100 beats; ``bach_parallels_per_100``: the same count
  on Bach's own voices of those chorales. ``crossings`` / ``bach_crossings``: share of frames with
  a voice below the next lower one. ``out_of_range`` / ``bach_out_of_range``: share of alto, tenor
  and bass notes outside the usual SATB ranges (models/coconet/voiceleading.py).
- harmonize_8bar_ms: median wall time for one 8-bar harmonization on this machine's CPU threads.
- voice_leading: whether the sampler ran with its voice-leading constraint (models/coconet/constraint.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.core.song import Track
from latentroll.models.data.chorales import ChoraleData
from latentroll.models.eval.timing import median_ms

from .baselines import VoiceBaselines
from .network import ChoraleCNN
from .roll import NUM_VOICES, beat_phase, chorale_rolls, frames_to_notes
from .service import DEFAULT_TEMPERATURE, ChoraleService
from .voiceleading import summarize

PAST_FRAMES = 48    # context before the scored frame
NLL_WINDOW = 64     # frames the net sees per scored frame (the rest of the window is hidden future)


@dataclass(frozen=True)
class EvalConfig:
    nll_positions: int = 3000
    harmonize_chorales: int = 24
    gibbs_steps: int | None = None   # None: the model's default
    timing_repeats: int = 3
    seed: int = 0
    voice_leading: bool = True       # the service's default


def _positions(rolls: list[np.ndarray], n: int, rng: np.random.Generator) -> list[tuple[int, int, int]]:
    """``n`` (chorale, frame, voice) triples drawn uniformly over all test voice frames."""
    sizes = np.array([r.shape[1] * NUM_VOICES for r in rolls])
    flat = rng.integers(0, sizes.sum(), n)
    chorale = np.searchsorted(np.cumsum(sizes), flat, side="right")
    within = flat - np.concatenate([[0], np.cumsum(sizes)])[chorale]
    return [(int(c), int(w) // NUM_VOICES, int(w) % NUM_VOICES) for c, w in zip(chorale, within)]


@torch.no_grad()
def chronological_nll(model: ChoraleCNN, rolls: list[np.ndarray], positions, batch: int = 64) -> np.ndarray:
    """NLL (nats) of each (chorale, frame, voice) given all earlier frames and higher voices."""
    cfg = model.cfg
    model.eval()
    out = []
    for s in range(0, len(positions), batch):
        xs, hs, ps, where = [], [], [], []
        for c, t, v in positions[s: s + batch]:
            roll = rolls[c]
            width = min(NLL_WINDOW, roll.shape[1])
            w0 = int(np.clip(t - PAST_FRAMES, 0, roll.shape[1] - width))
            x = roll[:, w0: w0 + width]
            hidden = np.zeros_like(x, dtype=bool)
            hidden[:, t - w0 + 1:] = True
            hidden[v:, t - w0] = True
            xs.append(x)
            hs.append(hidden)
            ps.append(w0)
            where.append((v, t - w0))
        width = max(x.shape[1] for x in xs)  # a chorale shorter than the crop is padded, hidden
        pad = [np.pad(x, ((0, 0), (0, width - x.shape[1])), constant_values=cfg.rest) for x in xs]
        hpad = [np.pad(h, ((0, 0), (0, width - h.shape[1])), constant_values=True) for h in hs]
        ppad = [beat_phase(width, w0) for w0 in ps]
        x = torch.as_tensor(np.stack(pad).astype(np.int64))
        logp = F.log_softmax(model(x, torch.as_tensor(np.stack(hpad)), torch.as_tensor(np.stack(ppad))), dim=-1)
        for i, (v, t) in enumerate(where):
            out.append(-float(logp[i, v, t, x[i, v, t]]))
    return np.array(out)


def grid_of(roll: np.ndarray, cfg) -> np.ndarray:
    """Roll classes → MIDI pitches with -1 for rest."""
    return np.where(roll == cfg.rest, -1, roll + cfg.low_pitch)


def harmonize_roll(svc: ChoraleService, roll: np.ndarray, seed: int, steps: int | None,
                   voice_leading: bool = True) -> np.ndarray:
    """Keep the soprano of ``roll``, draw the other three voices (one candidate)."""
    free = np.zeros_like(roll, dtype=bool)
    free[1:] = True
    start = roll.copy()
    start[1:] = svc.cfg.rest
    return svc.sample_roll(start, free, DEFAULT_TEMPERATURE, 1, seed, None, steps, voice_leading=voice_leading)[0]


def nll_figures(model: ChoraleCNN, data: ChoraleData, n: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    pos = _positions(data.test, n, rng)
    model_nll = chronological_nll(model, data.test, pos)
    base = VoiceBaselines.fit(data.train, model.cfg.classes)
    scores = np.array([base.nll(data.test[c], t, v) for c, t, v in pos])
    uni, markov = NUM_VOICES * scores.mean(0)
    return {
        "nll": NUM_VOICES * float(model_nll.mean()),
        "nll_stderr": NUM_VOICES * float(model_nll.std(ddof=1) / np.sqrt(len(model_nll))) if len(pos) > 1 else 0.0,
        "unigram_nll": float(uni),
        "markov_nll": float(markov),
        "baseline_nll": float(min(uni, markov)),
        "nll_positions": len(pos),
    }


def harmonization_figures(svc: ChoraleService, data: ChoraleData, limit: int, seed: int,
                          steps: int | None, voice_leading: bool = True) -> dict:
    cfg = svc.cfg
    rolls = data.test[:limit] if limit else data.test
    made = [grid_of(harmonize_roll(svc, r, seed + i, steps, voice_leading), cfg) for i, r in enumerate(rolls)]
    bach = [grid_of(r, cfg) for r in rolls]
    ours, theirs = summarize(made, voices=(1, 2, 3)), summarize(bach, voices=(1, 2, 3))
    return {
        "harmonized_chorales": len(rolls),
        "parallels_per_100": ours["parallels_per_100"],
        "bach_parallels_per_100": theirs["parallels_per_100"],
        "crossings": ours["crossings"],
        "bach_crossings": theirs["crossings"],
        "out_of_range": ours["out_of_range"],
        "bach_out_of_range": theirs["out_of_range"],
    }


@torch.no_grad()
def evaluate_coconet(svc: ChoraleService, data: ChoraleData, cfg: EvalConfig = EvalConfig()) -> dict:
    if not data.test:
        raise ValueError("no 4-voice test chorales to evaluate on")
    out: dict = {"test_chorales": len(data.test)}
    out.update(nll_figures(svc.model, data, cfg.nll_positions, cfg.seed))
    out.update(harmonization_figures(svc, data, cfg.harmonize_chorales, cfg.seed, cfg.gibbs_steps,
                                     cfg.voice_leading))
    melody = Track(notes=frames_to_notes(data.test[0][0, :128], svc.cfg))
    out["harmonize_8bar_ms"] = median_ms(lambda: svc.harmonize(melody, seed=0, steps=cfg.gibbs_steps,
                                                               voice_leading=cfg.voice_leading),
                                         cfg.timing_repeats)
    out["gibbs_steps"] = cfg.gibbs_steps or svc.cfg.gibbs_steps
    out["voice_leading"] = cfg.voice_leading
    out["temperature"] = DEFAULT_TEMPERATURE
    out["torch_threads"] = torch.get_num_threads()
    return out


def evaluate_cli(model_dir: Path | None, corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry: load the shipped (or given) model and measure it."""
    svc = ChoraleService.load(model_dir)
    data = chorale_rolls(corpus, svc.cfg)
    cfg = EvalConfig(nll_positions=256, harmonize_chorales=3, gibbs_steps=24, timing_repeats=1) if quick \
        else EvalConfig()
    res = evaluate_coconet(svc, data, cfg)
    res["model"] = svc.name
    return res
