"""Training the chord suggestion model: count the tables, then fit the tagger (shared loop).

Data: the lead sheets' train split (songbook style) and the train split's chorales, labelled per
beat by ``data.chorale_chords`` (chorale style: transitions only). Every song gives two sequences,
one per harmonic rhythm (bars, half bars). Validation: the lead sheets' valid split.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..common.run import run_training
from ..data.chorales import CHORALE_STYLE, CHORALE_VOICES
from ..data.splits import split_ids
from .config import ChordConfig, get_config
from .data import chorale_chord_changes, chorale_chords, leadsheets_for
from .features import RHYTHMS, SongBeats, segment_features, segment_targets, segments, song_beats
from .hmm import N_TABLES, ChordTables, fit_tables, table_index
from .measure import family, leadsheet_beats
from .network import ChordTagger, segment_inputs


def chorale_beats(corpus, split: str = "train") -> tuple[list[SongBeats], int]:
    """The corpus's 4-voice chorales of ``split`` with derived chords, soprano as the melody."""
    if corpus is None or not getattr(corpus, "tunes", None):
        return [], 0
    keep = set(split_ids(corpus)[split])
    tunes = [t for t in corpus.tunes if t.style == CHORALE_STYLE and t.voices == CHORALE_VOICES and t.tune_id in keep]
    data = chorale_chords(tunes)
    out = [song_beats(c.song, notes=c.song.tracks[0].sorted_notes(), chords=c.chords) for c in data]
    return out, chorale_chord_changes(data)


def fit_chord_tables(songbook: list[SongBeats], chorales: list[SongBeats]) -> ChordTables:
    sets: list[list] = [[] for _ in range(N_TABLES)]
    for style, songs in (("songbook", songbook), ("chorale", chorales)):
        for rhythm in RHYTHMS:
            for sb in songs:
                segs = segments(sb.beats, rhythm)
                sets[table_index(style, rhythm)].append((segment_features(sb, segs), segment_targets(sb, segs)))
    return fit_tables(sets, emission_styles=(table_index("songbook", "bar"),))


def sequences(songs: list[SongBeats], chorale: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
    out = []
    for sb in songs:
        for rhythm in RHYTHMS:
            segs = segments(sb.beats, rhythm)
            if segs:
                out.append((segment_inputs(sb, segs, rhythm == "half", chorale), segment_targets(sb, segs)))
    return out


def pad(batch: list[tuple[np.ndarray, np.ndarray]]) -> tuple[torch.Tensor, torch.Tensor]:
    T = max(len(y) for _, y in batch)
    x = np.zeros((len(batch), T, batch[0][0].shape[1]), np.float32)
    y = np.full((len(batch), T), -1, np.int64)
    for i, (xi, yi) in enumerate(batch):
        x[i, :len(yi)], y[i, :len(yi)] = xi, yi
    return torch.from_numpy(x), torch.from_numpy(y)


@dataclass
class ChordTask:
    model: ChordTagger
    train_seqs: list
    valid_seqs: list
    runner: nn.Module | None = None

    def num_examples(self) -> int:
        return len(self.train_seqs)

    def batch(self, idx: np.ndarray, rng: np.random.Generator):
        return pad([self.train_seqs[i] for i in idx])

    def loss(self, batch, step: int):
        x, y = batch
        logits = self.runner(x)
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-1)
        return loss, {"loss": loss.item()}

    def evaluate(self) -> dict[str, float]:
        if not self.valid_seqs:
            return {}
        x, y = pad(self.valid_seqs)
        logits = self.model(x)
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-1)
        keep = y >= 0
        pred = logits.argmax(-1)
        acc = (torch.from_numpy(family(pred[keep].numpy())) == torch.from_numpy(family(y[keep].numpy()))).float()
        return {"loss": float(loss), "segment_acc": float(acc.mean()) if keep.any() else 0.0}


def prepare(corpus, cfg: ChordConfig) -> tuple[ChordTask, dict]:
    sheets = leadsheets_for(cfg.data)
    train = [leadsheet_beats(s) for s in sheets.split("train")]
    valid = [leadsheet_beats(s) for s in sheets.split("valid")]
    chorales, chorale_changes = chorale_beats(corpus)
    model = ChordTagger(cfg)
    model.set_tables(fit_chord_tables(train, chorales))
    counts = {"leadsheets": len(sheets.songs), "train_songs": len(train), "valid_songs": len(valid),
              "test_songs": len(sheets.split("test")), "leadsheet_chord_changes": sheets.chord_changes(),
              "train_chorales": len(chorales), "chorale_chord_changes": chorale_changes}
    seqs = sequences(train) + (sequences(chorales, chorale=True) if cfg.chorale_sequences else [])
    return ChordTask(model, seqs, sequences(valid)), counts


def train_chords(config: str | ChordConfig, run_dir: Path, corpus=None, progress=None, max_steps: int | None = None,
                 should_stop=None, **overrides) -> dict:
    """The registry's train entry: ``latentroll train chords``."""
    cfg = get_config(config, **overrides) if isinstance(config, str) else config
    torch.manual_seed(cfg.seed)
    if corpus is None:
        from ..data.corpus import load_corpus

        corpus = load_corpus()
    task, counts = prepare(corpus, cfg)
    return run_training(cfg, task, run_dir, counts, progress=progress, max_steps=max_steps, should_stop=should_stop)
