"""``latentroll eval chords``: every chord figure of issue 17 on held-out songs.

- Suggestion: per-beat top-1/top-3 accuracy against the lead sheets' own chords (root + triad
  family, and root only), for the model and both rule baselines, at both harmonic rhythms;
  ``suggest_top1`` etc. are at ``HEADLINE_RHYTHM`` with the simple vocabulary, and
  ``suggest_top1_baseline`` is the better baseline there.
- Detection: the detector hears the melody plus the lead sheet's chords rendered as block chords
  (``bass.comping_track``); per-beat accuracy (root + family) against the lead sheet.
- Chord-aware melody: the share of notes on strong beats that are chord tones
  (``chord_mask.chord_tone_ratio``) for the shipped VAE's samples over 2-bar windows of the test
  songs' chords, with the chords given (``chord_tone_ratio``) and without (``_free``), and for the
  test songs' own melodies (``_data``).
- Bass: the shipped bass model's learned (chorale) style, chord-root coverage on downbeats and
  chord changes of the test songs (``bass_root_coverage``), and its per-style figures.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from latentroll.core.chord_detect import RICH, chord_class, detect_chords
from latentroll.core.chords import chord_at

from ..common.chord_mask import ChordFollow, chord_tone_ratio
from .data import LeadSheet, leadsheets_for
from .features import RHYTHMS
from .measure import family, leadsheet_beats, measure_suggestions
from .service import ChordService

HEADLINE_RHYTHM = "half"
VAE_WINDOWS = 96          # 2-bar windows of test-song chords the VAE melodies are generated over
VAE_SAMPLES = 2           # melodies per window


def detection_accuracy(sheets: list[LeadSheet]) -> dict[str, float]:
    from .bass import comping_track

    hits = roots = total = 0
    for ls in sheets:
        song = ls.to_song()
        song.tracks.append(comping_track(song))
        sb = leadsheet_beats(ls)
        det = detect_chords(song, per="beat", merge=False, end=sb.beats[-1].tick + sb.beats[-1].length)
        for b, d in zip(sb.beats, det):
            truth = chord_at(ls.chords, b.tick)
            if truth is None or truth.root is None:
                continue
            total += 1
            got = chord_class(d.symbol, RICH)
            want = chord_class(truth, RICH)
            hits += int(family([got])[0] == family([want])[0])
            roots += int(d.symbol.root == truth.root)
    return {"detect_accuracy": round(hits / max(total, 1), 4), "detect_accuracy_root": round(roots / max(total, 1), 4),
            "detect_beats": total}


def data_chord_tone_ratio(sheets: list[LeadSheet]) -> float:
    hits = total = 0
    for ls in sheets:
        h, t = chord_tone_ratio(ls.notes, ls.chords, tuple(ls.meters[0][1:]))
        hits, total = hits + h, total + t
    return round(hits / max(total, 1), 4)


def chord_windows(sheets: list[LeadSheet], n: int) -> list[list]:
    """Up to ``n`` 2-bar chord tracks (ticks from the window's start) from the 4/4 test songs."""
    out = []
    bar = 1920
    for ls in sheets:
        if [m[1:] for m in ls.meters] != [(4, 4)] or not ls.chords:
            continue
        first = ls.chords[0].tick // bar * bar
        last = max(c.tick for c in ls.chords)
        for t0 in range(first, last, 2 * bar):
            follow = ChordFollow.of(ls.chords).shifted(t0)
            chords = [c for c in follow.chords if c.tick < 2 * bar]
            if any(c.symbol.root is not None for c in chords):
                out.append(chords)
            if len(out) >= n:
                return out
    return out


def melody_chord_tones(sheets: list[LeadSheet], windows: int, samples: int, seed: int = 0) -> dict:
    from ..registry import MODELS
    from ..vae.service import MelodyVAEService

    vae = MelodyVAEService.load(MODELS["vae"].model_dir())
    out = {}
    for label, follow in (("chord_tone_ratio", True), ("chord_tone_ratio_free", False)):
        hits = total = 0
        for i, chords in enumerate(chord_windows(sheets, windows)):
            for tr in vae.sample(samples, temperature=1.0, seed=seed + i, chords=chords if follow else None):
                h, t = chord_tone_ratio(tr.notes, chords)
                hits, total = hits + h, total + t
        out[label] = round(hits / max(total, 1), 4)
    return out


def bass_figures(sheets: list[LeadSheet], quick: bool) -> dict:
    from ..registry import MODELS
    from .bass import root_coverage
    from .bass_model import BassService

    svc = BassService.load(MODELS["bass"].model_dir())
    out = {}
    for style in ("chorale", "root", "root_fifth", "walking", "pop_eighths"):
        cov = [root_coverage(svc.bass(s.to_song(), style, 0), s.to_song()) for s in sheets]
        out[style] = round(float(np.mean(cov)), 4) if cov else 0.0
    return {"bass_root_coverage": out["chorale"], "bass_root_coverage_by_style": out}


def evaluate_chords(svc: ChordService, sheets: list[LeadSheet], quick: bool = False, melody: bool = True,
                    bass: bool = True) -> dict:
    t0 = time.monotonic()
    prepared = [leadsheet_beats(s) for s in sheets]
    suggester = svc.suggester()
    out: dict = {"test_songs": len(sheets)}
    tables = {}
    for rhythm in RHYTHMS:
        for vocab in (("simple", "rich") if not quick else ("simple",)):
            r = measure_suggestions(suggester, prepared, rhythm, vocab, baselines=vocab == "simple")
            tables[f"{rhythm}_{vocab}"] = r
    head = tables[f"{HEADLINE_RHYTHM}_simple"]
    best = max(("diatonic", "markov"), key=lambda b: head[f"{b}_top1"])
    out.update({
        "suggest_top1": head["model_top1"], "suggest_top3": head["model_top3"],
        "suggest_top1_root": head["model_top1_root"], "suggest_top3_root": head["model_top3_root"],
        "suggest_top1_baseline": head[f"{best}_top1"], "suggest_baseline": best,
        "suggest_top1_gain": round(head["model_top1"] / max(head[f"{best}_top1"], 1e-9) - 1, 4),
        "suggest_rhythm": HEADLINE_RHYTHM, "suggest_beats": head["beats"],
    })
    for name, r in tables.items():
        out[f"suggest_{name}"] = {k: v for k, v in r.items() if k != "beats"}
    out.update(detection_accuracy(sheets))
    out["chord_tone_ratio_data"] = data_chord_tone_ratio(sheets)
    if melody:
        out.update(melody_chord_tones(sheets, 8 if quick else VAE_WINDOWS, VAE_SAMPLES))
        out["chord_tone_gap"] = round(abs(out["chord_tone_ratio"] - out["chord_tone_ratio_data"]), 4)
    if bass:
        out.update(bass_figures(sheets[:8] if quick else sheets, quick))
    out["seconds"] = round(time.monotonic() - t0, 1)
    return out


def evaluate_cli(model_dir: Path | None, corpus=None, quick: bool = False) -> dict:
    """The registry's evaluate entry: the shipped (or given) model on the held-out lead sheets;
    ``quick``: the fixture's songs, a few VAE windows."""
    svc = ChordService.load(model_dir)
    sheets = leadsheets_for("fixture" if quick else "openewld")
    test = sheets.split("test") if not quick else sheets.songs
    return evaluate_chords(svc, test, quick, melody=not quick or _shipped("vae"), bass=_shipped("bass"))


def _shipped(key: str) -> bool:
    from ..registry import MODELS

    return (MODELS[key].model_dir() / "model.safetensors").exists()
