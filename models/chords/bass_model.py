"""The bass model: the rule styles and the learned chorale style behind one service, with the
registry's train / evaluate / ship entry points.

"Training" counts the chorales' bass voice (train split) under their derived chords into
``bass.BassTables``; the table is a buffer of a small module so it ships like every model
(model.safetensors + config.json + model_card.md). Evaluation on the held-out chorales (test
split) and lead sheets: chord-root coverage on downbeats per style, the range, and the overlap
(OA, 1 = identical) of the learned line's interval and pitch histograms with the real bass lines.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from latentroll.core.chord_detect import beat_grid
from latentroll.core.chords import chord_at
from latentroll.core.song import Song, Track

from ..common.checkpoint import TrainState, save_checkpoint
from ..common.errors import MelodyError
from ..common.protocol import ServiceInfo
from ..common.service import NetworkService
from .bass import RULE_STYLES, STYLES, BassTables, bass_line, fit_bass_tables, root_coverage
from .config import BassConfig, get_bass_config
from .data import ChoraleChords, chorale_chords, leadsheets_for

STYLE_TEXT = {
    "root": "the chord's root on every downbeat and chord change, held",
    "root_fifth": "root on the first beat, the fifth on the middle beat",
    "walking": "jazz walking bass: a note a beat, a chromatic approach into the next chord",
    "pop_eighths": "driving eighths on the root, an octave pop before a chord change",
    "chorale": "learned from the Bach chorales' bass voice under their chords",
}


class BassNet(nn.Module):
    """The learned style's table as a buffer (so it ships as safetensors)."""

    def __init__(self, cfg: BassConfig):
        super().__init__()
        self.cfg = cfg
        self.register_buffer("interval_logp", torch.zeros(2, 13, 12))

    def tables(self) -> BassTables:
        return BassTables(self.interval_logp.numpy().astype(np.float64))


def chorale_bass_lines(data: list[ChoraleChords]) -> list[tuple[list[int], list, list]]:
    """(bass pitch sounding on each beat or -1, chord per beat, beats) of each chorale."""
    out = []
    for c in data:
        bass = c.song.tracks[-1].notes
        beats = beat_grid(c.song, c.song.end_tick())
        pitches = []
        for b in beats:
            s = bass[(bass["start"] <= b.tick) & (bass["start"] + bass["duration"] > b.tick)]
            pitches.append(int(s["pitch"].min()) if len(s) else -1)
        out.append((pitches, [chord_at(c.chords, b.tick) for b in beats], beats))
    return out


def chorales_of(corpus, split: str):
    from ..data.chorales import CHORALE_STYLE, CHORALE_VOICES
    from ..data.splits import split_ids

    if corpus is None or not getattr(corpus, "tunes", None):
        return []
    keep = set(split_ids(corpus)[split])
    return [t for t in corpus.tunes if t.style == CHORALE_STYLE and t.voices == CHORALE_VOICES and t.tune_id in keep]


def train_bass(config: str | BassConfig, run_dir: Path, corpus=None, progress=None, max_steps: int | None = None,
               should_stop=None, **overrides) -> dict:
    """The registry's train entry (``latentroll train bass``): count the train chorales."""
    cfg = get_bass_config(config, **overrides) if isinstance(config, str) else config
    if corpus is None:
        from ..data.corpus import load_corpus

        corpus = load_corpus()
    t0 = time.monotonic()
    data = chorale_chords(chorales_of(corpus, "train"))
    lines = chorale_bass_lines(data)
    model = BassNet(cfg)
    model.interval_logp.copy_(torch.from_numpy(fit_bass_tables(lines, cfg.alpha).interval_logp.astype(np.float32)))
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "config.json").write_text(cfg.to_json())
    counts = {"train_chorales": len(data), "bass_beats": int(sum(sum(p >= 0 for p in ln[0]) for ln in lines))}
    seconds = time.monotonic() - t0
    state = TrainState(epoch=1, step=1, seconds=seconds,
                       history=[{"epoch": 1, "step": 1, "seconds": round(seconds, 1)}])
    for name in ("last", "best"):
        save_checkpoint(run_dir / name, model, None, state, {"config": cfg.name, "data": counts})
    return {"config": cfg.name, "data": counts, "steps": 1, "epochs": 1, "seconds": seconds,
            "history": state.history, "params": 0}


class BassService(NetworkService):
    """Bass lines that follow a song's chord track: ``bass(song, style, seed)`` → a Track."""

    key = "bass"
    config_cls = BassConfig
    network_cls = BassNet

    def info(self) -> ServiceInfo:
        return ServiceInfo(self.name, styles=tuple((s, STYLE_TEXT[s]) for s in STYLES))

    def bass(self, song: Song, style: str = "root", seed: int | None = None, temperature: float = 1.0) -> Track:
        if not 0.0 < temperature <= 2.0:
            raise MelodyError("temperature must be above 0 and at most 2")
        tables = self.model.tables() if style == "chorale" else None
        return bass_line(song, style, 0 if seed is None else seed, tables, temperature=temperature)


def _hist_overlap(a: np.ndarray, b: np.ndarray, bins: np.ndarray) -> float:
    ha = np.histogram(a, bins)[0].astype(float)
    hb = np.histogram(b, bins)[0].astype(float)
    if ha.sum() == 0 or hb.sum() == 0:
        return 0.0
    return float(np.minimum(ha / ha.sum(), hb / hb.sum()).sum())


def evaluate_bass(svc: BassService, chorales: list[ChoraleChords], sheets: list[Song], seed: int = 0) -> dict:
    """Root coverage per style (lead sheets' chords), and the learned line vs the real chorale basses."""
    out: dict = {}
    for style in STYLES:
        cov = [root_coverage(svc.bass(s, style, seed), s) for s in sheets if s.chords]
        out[f"root_coverage_{style}"] = round(float(np.mean(cov)), 4) if cov else 0.0
    real_p, real_i, gen_p, gen_i, cov = [], [], [], [], []
    for c in chorales:
        song = c.song.copy()
        song.chords = c.chords
        gen = svc.bass(song, "chorale", seed).notes
        real = c.song.tracks[-1].sorted_notes()
        cov.append(root_coverage(Track(notes=gen), song))
        real_p += list(real["pitch"])
        real_i += list(np.diff(real["pitch"].astype(int)))
        gen_p += list(gen["pitch"])
        gen_i += list(np.diff(gen["pitch"].astype(int)))
    out["chorale_root_coverage"] = round(float(np.mean(cov)), 4) if cov else 0.0
    out["oa_interval"] = round(_hist_overlap(np.array(gen_i), np.array(real_i), np.arange(-24.5, 25.5)), 4)
    out["oa_pitch"] = round(_hist_overlap(np.array(gen_p), np.array(real_p), np.arange(20.5, 70.5)), 4)
    out["range_generated"] = [int(min(gen_p)), int(max(gen_p))] if gen_p else []
    out["range_chorales"] = [int(min(real_p)), int(max(real_p))] if real_p else []
    out["test_chorales"] = len(chorales)
    return out


def evaluate_bass_cli(model_dir: Path | None, corpus, quick: bool = False) -> dict:
    """The registry's evaluate entry (``latentroll eval bass``)."""
    svc = BassService.load(model_dir)
    chorales = chorale_chords(chorales_of(corpus, "test")[: 8 if quick else None])
    sheets = leadsheets_for("fixture" if quick else "openewld")
    songs = [s.to_song() for s in sheets.split("test")[: 8 if quick else None]]
    return evaluate_bass(svc, chorales, songs)


def ship_bass(run_dir: Path, checkpoint: str, out_dir: Path | None, corpus, commands: list[str]) -> dict:
    from ..common.export import ship_run
    from ..common.weights import load_json
    from ..registry import entry
    from .card import write_bass_card

    quick = BassConfig.from_dict(load_json(Path(run_dir) / "config.json")).data == "fixture"
    return ship_run("bass", run_dir, checkpoint, Path(out_dir) if out_dir else entry("bass").model_dir(), commands,
                    config_cls=BassConfig, model_cls=BassNet,
                    evaluate=lambda out: evaluate_bass_cli(out, corpus, quick), write_card=write_bass_card)


__all__ = ["BassService", "train_bass", "ship_bass", "evaluate_bass_cli", "RULE_STYLES"]
