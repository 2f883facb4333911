"""``latentroll eval drums``: the drum models' figures on the GMD test split (held-out files),
measured through the loaded services, so they are what the app gets.

Definitions (also in docs/models.md, "Drums"):
- hit_tf_accuracy / hit_greedy_accuracy: share of (16th step × piece) cells whose hit/no-hit is
  reproduced, teacher-forced / greedily decoded from z = μ (the window's own style label), over
  the 4-bar test windows; velocity_mae / timing_mae: mean absolute error of velocity (0-1) and
  offset (fraction of a step) of greedy decodings on the hits both have.
- oa_min: the smallest Yang–Lerch overlapping area over the drum features (hits per bar of each
  piece, syncopation, density) of "any style" samples (temperature 1) vs the test windows.
- style_fidelity: share of clips sampled in style S (temperature 1) that a drum style classifier
  (logistic regression on the same features plus per-position hit rates, trained on the train
  windows; its test accuracy is ``style_classifier_accuracy``) labels S, styles pooled equally.
- groove_timing_mae / groove_velocity_mae: on the 2-bar test windows, Groove fed the quantized
  pattern, errors on the true hits; the baselines are "no change" (offset 0, the quantized
  velocity) and "per-position mean" (each piece's mean at each of the 16 positions of a bar over
  the train windows); ``*_baseline`` is the better of the two, ``*_reduction`` = 1 - model / baseline.
- groove_oracle_*_reduction: a ceiling, not a model: the reduction against the per-position mean
  that predicting each test hit from the same performance's other hits (same piece, same
  position, leave one out, median) would reach. No model fed the quantized pattern knows them.
- drumify_f1: hit F1 over (step × piece) cells of Drumify (temperature 0) from a test window's own
  tapped rhythm vs the real part; drumify_f1_baseline: the rule (taps on beats 1 and 3 → kick,
  on 2 and 4 → snare, others → closed hi-hat).
- lm_token_accuracy / lm_nll: next-step piece-set accuracy and NLL per step of the drum LM.
- generate8x4_ms / groove16_ms: median wall time of 8 × 4-bar samples / grooving a 16-bar part.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from latentroll.core.drum_kit import NUM_PIECES
from latentroll.models.eval.timing import median_ms
from latentroll.models.eval.yang_lerch import _distances, overlap

from .convert import QUANTIZED_VELOCITY, STEP_TICKS, STEPS_PER_BAR, DrumGrid, grid_to_track, quantized
from .data import DrumData, DrumWindows, drum_corpus, drum_data
from .service import DrumContinueService, DrumifyService, DrumVAEService, GrooveService
from .tools_net import TOKENS, hits_to_token
from .tools_train import tool_input
from .train import vae_metrics

N = NUM_PIECES


# --- drum features (OA and the style classifier) -------------------------------------------------

def drum_features(x: np.ndarray) -> dict[str, np.ndarray]:
    """Per clip (x: (n, T, 27)): hits per bar of each piece (n, 9), syncopation (share of hits off
    the eighth-note grid) and density (hits per bar)."""
    hits = x[..., :N]
    bars = x.shape[1] / STEPS_PER_BAR
    per = hits.sum(1) / bars
    total = hits.sum((1, 2))
    off = hits[:, 1::2].sum((1, 2))
    return {"hits_per_bar": per, "syncopation": (off / np.maximum(total, 1))[:, None],
            "density": (total / bars)[:, None]}


def oa_table(reference: np.ndarray, generated: np.ndarray) -> dict[str, float]:
    ref, gen = drum_features(reference), drum_features(generated)
    return {k: overlap(_distances(ref[k]), _distances(gen[k], ref[k]))[0] for k in ref}


def classifier_features(x: np.ndarray) -> np.ndarray:
    """What the style classifier reads: per-position hit rates and velocities (16 × 9 each),
    mean offset per piece, and the OA features."""
    n, t = x.shape[:2]
    bars = t // STEPS_PER_BAR
    hits = x[..., :N].reshape(n, bars, STEPS_PER_BAR, N).mean(1).reshape(n, -1)
    vel = x[..., N:2 * N].reshape(n, bars, STEPS_PER_BAR, N).mean(1).reshape(n, -1)
    off = x[..., 2 * N:].sum(1) / np.maximum(x[..., :N].sum(1), 1)
    f = drum_features(x)
    return np.concatenate([hits, vel, off * 4, f["hits_per_bar"] / 8, f["syncopation"], f["density"] / 16], 1)


class DrumStyleClassifier:
    """Multinomial logistic regression on ``classifier_features``, trained on the train windows
    of the named styles (seeded; seconds on a CPU)."""

    def __init__(self, train: DrumWindows, styles: int, steps: int = 400, seed: int = 0):
        torch.manual_seed(seed)
        keep = train.style < styles
        if not keep.any():  # a fixture without named styles: a classifier that knows nothing
            keep = np.ones(len(train), bool)
        f = torch.as_tensor(classifier_features(train.x[keep]))
        y = torch.as_tensor(np.minimum(train.style[keep], styles - 1))
        self.mean, self.sd = f.mean(0), f.std(0) + 1e-3
        self.model = torch.nn.Linear(f.shape[1], styles)
        opt = torch.optim.Adam(self.model.parameters(), 0.02, weight_decay=1e-4)
        weight = torch.bincount(y, minlength=styles).float()
        weight = (weight.sum() / styles / weight.clamp(min=1))
        fz = (f - self.mean) / self.sd
        for _ in range(steps):
            loss = torch.nn.functional.cross_entropy(self.model(fz), y, weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()

    @torch.no_grad()
    def predict(self, x: np.ndarray) -> np.ndarray:
        f = torch.as_tensor(classifier_features(x))
        return self.model((f - self.mean) / self.sd).argmax(-1).numpy()


def _stacked(tracks, steps: int) -> np.ndarray:
    from .convert import track_to_grid

    return np.stack([track_to_grid(t, steps).stacked() for t in tracks])


# --- the four models -----------------------------------------------------------------------------

def evaluate_vae(svc: DrumVAEService, data: DrumData, quick: bool = False, seed: int = 0) -> dict:
    test = data.test
    limit = 256 if quick else len(test)
    rec = vae_metrics(svc.model, test.x[:limit], test.style[:limit], greedy_limit=128 if quick else 2048)
    n_samples = 64 if quick else 400
    samples = np.concatenate([_stacked(svc.sample(200, None, 1.0, svc.cfg.bars, seed + k), svc.steps)
                              for k in range(-(-n_samples // 200))])[:n_samples]
    rng = np.random.default_rng(seed)
    ref = test.x[rng.permutation(len(test))[:n_samples]]
    oa = oa_table(ref, samples)
    styles = len(svc.cfg.styles)
    clf = DrumStyleClassifier(data.train, styles, steps=100 if quick else 400)
    named = test.style < styles
    clf_acc = float((clf.predict(test.x[named]) == test.style[named]).mean()) if named.any() else 0.0
    per_style, hits = {}, []
    for i, s in enumerate(svc.cfg.styles):
        clips = _stacked(svc.sample(8 if quick else 64, s, 1.0, svc.cfg.bars, seed + i), svc.steps)
        ok = clf.predict(clips) == i
        per_style[s] = float(ok.mean())
        hits.append(ok.mean())
    gen_ms = median_ms(lambda: svc.sample(8, None, 1.0, 4, 0), 3 if quick else 10)
    return {"hit_tf_accuracy": rec["tf_accuracy"], "hit_greedy_accuracy": rec["greedy_accuracy"],
            "velocity_mae": rec["velocity_mae"], "timing_mae": rec["timing_mae"], "kl": rec["kl"],
            "oa_min": float(min(oa.values())), "oa": oa, "style_fidelity": float(np.mean(hits)),
            "style_fidelity_by_style": per_style, "style_classifier_accuracy": clf_acc,
            "generate8x4_ms": gen_ms, "test_windows": int(len(test))}


def position_means(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(16, 9) mean velocity and offset of each piece's hits at each position of a bar."""
    hits = train[..., :N].reshape(-1, STEPS_PER_BAR, N)
    vel = train[..., N:2 * N].reshape(-1, STEPS_PER_BAR, N)
    off = train[..., 2 * N:].reshape(-1, STEPS_PER_BAR, N)
    count = np.maximum(hits.sum(0), 1)
    return vel.sum(0) / count, off.sum(0) / count


def _maes(x: np.ndarray, vel: np.ndarray, off: np.ndarray) -> tuple[float, float]:
    hits = x[..., :N]
    n = max(1.0, hits.sum())
    return (float((np.abs(vel - x[..., N:2 * N]) * hits).sum() / n),
            float((np.abs(off - x[..., 2 * N:]) * hits).sum() / n))


def evaluate_groove(svc: GrooveService, data: DrumData, quick: bool = False) -> dict:
    from .vae import split_head

    test = data.test.x[:256] if quick else data.test.x
    styles = data.test.style[:len(test)]
    with torch.no_grad():
        y = svc.model(torch.as_tensor(tool_input("groove", test)), torch.as_tensor(styles))
    _, vel, off = (t.numpy() for t in split_head(y))
    v, o = _maes(test, vel, off)
    v0, o0 = _maes(test, np.full_like(vel, QUANTIZED_VELOCITY), np.zeros_like(off))
    pv, po = position_means(data.train.x)
    reps = test.shape[1] // STEPS_PER_BAR
    v1, o1 = _maes(test, np.tile(pv, (reps, 1))[None], np.tile(po, (reps, 1))[None])
    bars16 = grid_to_track(DrumGrid.from_stacked(quantized(np.concatenate(list(test[:8]))[:16 * STEPS_PER_BAR, :N])))
    ms = median_ms(lambda: svc.groove(bars16), 3 if quick else 15)
    return {"groove_timing_mae": o, "groove_velocity_mae": v,
            "groove_timing_mae_baseline": min(o0, o1), "groove_velocity_mae_baseline": min(v0, v1),
            "groove_timing_reduction": 1 - o / min(o0, o1), "groove_velocity_reduction": 1 - v / min(v0, v1),
            "groove_baselines": {"no_change_timing": o0, "no_change_velocity": v0,
                                 "position_mean_timing": o1, "position_mean_velocity": v1},
            "groove16_ms": ms}


def _loo_median(values: np.ndarray) -> np.ndarray:
    """Each value's leave-one-out median within its group (NaN for a group of one)."""
    out = np.full(len(values), np.nan)
    if len(values) > 1:
        for i in range(len(values)):
            out[i] = np.median(np.delete(values, i))
    return out


def performance_oracle(files, train: np.ndarray) -> dict:
    """A ceiling for any Groove model, not a model: each test hit predicted by the median of the
    *same performance's* other hits of that piece at that position of the bar (leave one out),
    which no model fed only the quantized pattern can know. Reported as the reduction it would
    give against the per-position mean on the same hits: when even it stays under 30%, the
    rest of the error is the drummer's hit-to-hit variation."""
    pv, po = position_means(train)
    err = {"vo": [], "oo": [], "vb": [], "ob": []}
    for f in files:
        t, p = np.nonzero(f.hits)
        vel = f.velocity[t, p] / 127.0
        off = f.offset[t, p].astype(np.float64) / (STEP_TICKS)
        key = (t % STEPS_PER_BAR) * N + p
        for k in np.unique(key):
            m = key == k
            if m.sum() < 2:
                continue
            err["vo"].append(np.abs(vel[m] - _loo_median(vel[m])))
            err["oo"].append(np.abs(off[m] - _loo_median(off[m])))
            err["vb"].append(np.abs(vel[m] - pv[k // N, k % N]))
            err["ob"].append(np.abs(off[m] - po[k // N, k % N]))
    e = {k: float(np.concatenate(v).mean()) if v else float("nan") for k, v in err.items()}
    return {"groove_oracle_timing_reduction": 1 - e["oo"] / e["ob"],
            "groove_oracle_velocity_reduction": 1 - e["vo"] / e["vb"]}


def rule_drumify(rhythm: np.ndarray) -> np.ndarray:
    """The baseline: (…, T, 3) taps → (…, T, 9) hits; beats 1/3 kick, 2/4 snare, else closed hat."""
    taps = rhythm[..., 0] > 0.5
    pos = np.arange(rhythm.shape[-2]) % STEPS_PER_BAR
    hits = np.zeros(rhythm.shape[:-1] + (N,), np.float32)
    hits[..., 0] = taps & np.isin(pos, (0, 8))
    hits[..., 1] = taps & np.isin(pos, (4, 12))
    hits[..., 2] = taps & ~np.isin(pos, (0, 4, 8, 12))
    return hits


def hit_f1(pred: np.ndarray, true: np.ndarray) -> float:
    tp = float((pred * true).sum())
    return 2 * tp / max(1.0, float(pred.sum() + true.sum()))


def evaluate_drumify(svc: DrumifyService, data: DrumData, quick: bool = False) -> dict:
    test = data.test.x[:256] if quick else data.test.x
    inp = tool_input("drumify", test)
    with torch.no_grad():
        y = svc.model(torch.as_tensor(inp), torch.full((len(test),), svc.cfg.any_style))
    pred = (y[..., :N] > 0).float().numpy()
    true = test[..., :N]
    return {"drumify_f1": hit_f1(pred, true), "drumify_f1_baseline": hit_f1(rule_drumify(inp), true)}


def evaluate_lm(svc: DrumContinueService, data: DrumData, quick: bool = False) -> dict:
    test = data.test.x[:256] if quick else data.test.x
    with torch.no_grad():
        y = svc.model(torch.as_tensor(tool_input("lm", test)), torch.full((len(test),), svc.cfg.any_style))
        tok = hits_to_token(torch.as_tensor(test[..., :N]))
        logits = y[..., :TOKENS]
        nll = torch.nn.functional.cross_entropy(logits.reshape(-1, TOKENS), tok.reshape(-1)).item()
        acc = (logits.argmax(-1) == tok).float().mean().item()
    prime = grid_to_track(DrumGrid.from_stacked(test[0]))
    ms = median_ms(lambda: svc.continue_drums(prime, 4, 4, 1.0, 0), 3)
    return {"lm_token_accuracy": acc, "lm_nll": nll, "continue4x4_ms": ms}


# --- the registry's evaluate entries -------------------------------------------------------------

def _data(corpus, bars: int) -> DrumData:
    return drum_data(drum_corpus(corpus), bars)


def evaluate_vae_cli(model_dir: Path | None, corpus=None, quick: bool = False) -> dict:
    svc = DrumVAEService.load(model_dir)
    return evaluate_vae(svc, _data(corpus, svc.cfg.bars), quick)


def evaluate_groove_cli(model_dir: Path | None, corpus=None, quick: bool = False) -> dict:
    svc = GrooveService.load(model_dir)
    drums = drum_corpus(corpus)
    data = drum_data(drums, svc.cfg.bars)
    return {**evaluate_groove(svc, data, quick), **performance_oracle(drums.by_split("test"), data.train.x)}


def evaluate_drumify_cli(model_dir: Path | None, corpus=None, quick: bool = False) -> dict:
    svc = DrumifyService.load(model_dir)
    return evaluate_drumify(svc, _data(corpus, svc.cfg.bars), quick)


def evaluate_lm_cli(model_dir: Path | None, corpus=None, quick: bool = False) -> dict:
    svc = DrumContinueService.load(model_dir)
    return evaluate_lm(svc, _data(corpus, svc.cfg.bars), quick)


def evaluate_all(quick: bool = False, corpus=None) -> dict:
    """Every drum figure (``latentroll eval drums``): the four shipped models together."""
    out: dict = {}
    for fn in (evaluate_vae_cli, evaluate_groove_cli, evaluate_drumify_cli, evaluate_lm_cli):
        out.update(fn(None, corpus, quick))
    return out


__all__ = ["evaluate_all", "evaluate_vae_cli", "evaluate_groove_cli", "evaluate_drumify_cli", "evaluate_lm_cli"]
