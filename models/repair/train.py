"""Training the note-level repair network: rough melody in, each note's pitch offset out.

An example is a training tune (a random run of at most ``max_notes`` notes from a bar line when
longer), transposed, with a share of its notes (drawn per tune from [shift_min, shift_max])
shifted ±1–2 semitones the way ``data/corruption.shift_notes`` makes wrong notes. The target of every
note is the offset back to its clean pitch (0 for the untouched ones), so the network's
probabilities are honest and repair's margin means what it says. Validation repairs whole
validation tunes with 10% of their notes shifted, as ``eval repair`` does.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from latentroll.models.common.distributed import device
from latentroll.models.common.repair_margin import MARGINS, repair_scores
from latentroll.models.common.run import train_model
from latentroll.models.common.trainer import Progress
from latentroll.models.data.corpus import Corpus
from latentroll.models.data.corruption import shift_notes
from latentroll.models.data.melody import FIRST_PITCH_CLASS, held_pitch, standalone, transpose_events
from latentroll.models.data.splits import split_tunes

from .config import NoteRepairConfig, get_config
from .network import NoteRepairNet
from .note_features import NUM_CONTEXT_FEATURES, note_rows, offset_labels

VALID_TUNES = 300
IGNORE = -100


def note_crop(events: np.ndarray, bar: int, max_notes: int, rng: np.random.Generator) -> np.ndarray:
    """The tune, or whole bars from a random bar line holding at most ``max_notes`` notes."""
    ev = np.asarray(events, dtype=np.uint8)
    onsets = np.nonzero(ev >= FIRST_PITCH_CLASS)[0]
    if len(onsets) <= max_notes:
        return ev
    bar_starts = np.arange(0, len(ev), bar)
    first_note = np.searchsorted(onsets, bar_starts)            # index of the first note at/after each bar line
    fits = first_note + max_notes < len(onsets)                  # bar 0 always does: the tune has more notes
    start_bar = int(rng.choice(np.nonzero(fits)[0]))
    start = bar_starts[start_bar]
    last = onsets[first_note[start_bar] + max_notes - 1]        # the last note the crop may hold
    stop = max(bar_starts[bar_starts <= last][-1], start + bar)  # up to the bar line before its bar
    return standalone(ev[start:stop], int(held_pitch(ev[: start + 1])[-1]))


class NoteRepairTask:
    def __init__(self, cfg: NoteRepairConfig, train: list[tuple[np.ndarray, int]], valid: list[tuple[np.ndarray, int]]):
        self.cfg = cfg
        self.train = [(ev, bar) for ev, bar in train if int((ev >= FIRST_PITCH_CLASS).sum()) >= cfg.min_notes]
        self.valid = valid
        self.dev = device()
        self.model = NoteRepairNet(cfg).to(self.dev)
        self.runner = self.model

    def num_examples(self) -> int:
        return len(self.train) * self.cfg.crops_per_tune

    def example(self, ev: np.ndarray, bar: int, rng: np.random.Generator):
        c = self.cfg
        clean = note_crop(ev, bar, c.max_notes, rng)
        if c.transpose:
            clean = transpose_events(clean[None], rng.integers(-c.transpose, c.transpose + 1, 1))[0]
        rate = 0.0 if rng.random() < c.clean_share else rng.uniform(c.shift_min, c.shift_max)
        rough = shift_notes(clean[None], rate, rng)[0][0]
        rows = note_rows(rough, bar)
        return rows, offset_labels(rough, clean, rows.onsets)

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        examples = [self.example(*self.train[int(i) % len(self.train)], rng) for i in idx]
        n = max(len(r.pitch) for r, _ in examples)
        feats = np.zeros((4, len(examples), n), np.int64)
        context = np.zeros((len(examples), n, NUM_CONTEXT_FEATURES), np.float32)
        labels = np.full((len(examples), n), IGNORE, np.int64)
        pad = np.ones((len(examples), n), bool)
        for j, (r, lab) in enumerate(examples):
            k = len(r.pitch)
            for f, a in enumerate((r.pitch, r.position, r.sound, r.rest)):
                feats[f, j, :k] = a
            labels[j, :k], pad[j, :k] = lab, False
            if self.cfg.context_features:
                context[j, :k] = r.context()
        t = lambda a: torch.as_tensor(a, device=self.dev)  # noqa: E731
        return t(feats), t(context) if self.cfg.context_features else None, t(pad), t(labels)

    def loss(self, batch, step: int):
        feats, context, pad, labels = batch
        logits = self.runner(*feats, context, pad=pad)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE)
        real = labels != IGNORE
        moved = real & (labels != 2)
        pred = logits.argmax(-1)
        return loss, {"loss": loss.item(), "accuracy": (pred == labels)[real].float().mean().item(),
                      "moved_accuracy": (pred == labels)[moved].float().mean().item() if moved.any() else 0.0}

    def evaluate(self) -> dict[str, float]:
        margins = {m: m for m in MARGINS}
        scores = repair_scores(self.model, self.valid, 0.1, margins, seed=0)
        out = {f"repair_m{m:g}": s["repair_rate"] for m, s in scores.items()}
        out.update({f"clean_change_m{m:g}": s["clean_change_rate"] for m, s in scores.items()})
        within = [s["repair_rate"] for s in scores.values() if s["clean_change_rate"] <= 0.015]
        out["repair_at_1.5pct"] = max(within) if within else 0.0
        # the loss that picks "best": repairs missed at the most repair that changes ≤ 1.5% of clean notes
        out["loss"] = 1.0 - out["repair_at_1.5pct"]
        return out


def _prepare(corpus: Corpus, cfg: NoteRepairConfig) -> tuple[NoteRepairTask, dict]:
    train = split_tunes(corpus, "train")
    task = NoteRepairTask(cfg, train, split_tunes(corpus, "valid", VALID_TUNES, seed=cfg.seed))
    counts = {"tunes": len(corpus.tunes), "by_style": corpus.by_style(),
              "tunes per split": {"train": len(train), f"train with ≥ {cfg.min_notes} notes": len(task.train),
                                  "valid (per-epoch check)": len(task.valid),
                                  "test": len(split_tunes(corpus, "test"))}}
    return task, counts


def train_note_repair(config: str | NoteRepairConfig, run_dir: Path, corpus: Corpus | None = None,
                      progress: Callable[[Progress], None] | None = None, max_steps: int | None = None,
                      should_stop: Callable[[], bool] | None = None, **overrides) -> dict:
    """Train (or resume) a note-repair run in ``run_dir``; returns a summary with data counts and history."""
    return train_model(config, get_config, _prepare, run_dir, corpus, progress, max_steps, should_stop,
                       **overrides)
