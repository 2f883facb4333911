"""The chord models' cards: what the weights are, the data and its attribution, how they were made,
and what they measure on held-out songs."""
from __future__ import annotations

import json
from pathlib import Path

from latentroll.models.common.card import (
    command_lines,
    history_table,
    metrics_table,
    save_card,
    training_lines,
    weights_mb,
)

TARGETS = {"suggest_top1_gain": (">=", 0.15), "chord_tone_gap": ("<=", 0.05), "bass_root_coverage": (">=", 0.9)}

ATTRIBUTION = [
    "Lead sheets: OpenEWLD (Federico Simonetta, MIT licence; the scores are public domain), vendored in",
    "resources/datasets/openewld/ (502 .mxl files as released, LICENSE, README). https://doi.org/10.5281/zenodo.4332855",
    "Chorales: music21's bundled Bach chorales (the corpus cache every model shares), chords derived per beat.",
]


def _data_lines(data: dict) -> list[str]:
    return [
        *ATTRIBUTION, "",
        f"{data.get('leadsheets', '?')} lead sheets ({data.get('leadsheet_chord_changes', '?')} chord changes); split "
        f"by song (seeded): train {data.get('train_songs', '?')}, valid {data.get('valid_songs', '?')}, "
        f"test {data.get('test_songs', '?')}.",
        f"Chorales (train split of the shared tune split): {data.get('train_chorales', '?')} with "
        f"{data.get('chorale_chord_changes', '?')} derived chord changes (the template detector on all four voices "
        "per beat: chordify + a symbol).",
    ]


def write_chord_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    c = json.loads((folder / "config.json").read_text())
    lines = [
        f"# Model card: chord suggestion `{c['name']}`", "",
        "Suggests chord progressions for a melody. Key-relative (every song transposed so its key signature's",
        "major tonic is C). A bidirectional GRU tags each bar or half bar of the melody with a chord class",
        "(12 roots x 12 qualities); a beam search combines its posteriors (divided by the chord prior) with a",
        "counted first-order chord transition table per style (songbook, chorale) and harmonic rhythm (bar,",
        "half bar) into N ranked, mutually different progressions (each differs from the better ones in at",
        "least 10% of its segments). The tagger trains on the lead sheets' train songs and on the chorales'",
        "(a style flag tells them apart); the count tables ship in the same safetensors file as buffers.", "",
        "## Data", *_data_lines(state.get("data", {})), "",
        "## Training", *training_lines(state, params, weights_mb(folder),
                                       f"hidden {c['hidden']}, {c['layers']} layer(s); decoding weights: tagger "
                                       f"{c['tagger_weight']}, prior correction {c['prior_correction']}, transitions "
                                       f"{c['transition_weight']}, count emission {c['hmm_weight']}, beam {c['beam']} "
                                       "(chosen on the valid songs)."), "",
        *command_lines(commands),
        *history_table(state, [("valid loss", "valid_loss", ".3f"), ("valid segment acc", "valid_segment_acc", ".3f")]),
        "## Evaluation on the held-out lead sheets (`latentroll eval chords --json`)", "",
        *metrics_table(evaluation, TARGETS), "",
        "Accuracy is per beat where the lead sheet has a chord, root + triad family (major/minor/diminished;",
        "a dominant 7th counts as major) unless `_root`; top-3: any of three suggestions right on that beat.",
        "Baselines: `diatonic` = the key's diatonic triad with the most melody weight on its tones, per segment;",
        "`markov` = the same transition table with a rule emission (melody weight on chord tones).",
        "Definitions: models/chords/evaluate.py and docs/models.md (Chords).", "",
        "## Limits",
        "- Trained on early 20th-century songbook tunes and chorales: modal, blues and modern pop vocabularies are thin.",
        "- One chord per bar or half bar; melodies over 20 minutes are refused (decoded in 64-segment chunks).",
        "- Minor-key songs are read relative to their relative major (what the key signature says).",
    ]
    return save_card(folder, lines, evaluation)


def write_bass_card(folder: Path, state: dict, evaluation: dict, commands: list[str], params: int) -> Path:
    data = state.get("data", {})
    lines = [
        "# Model card: bass lines from chords (`bass`)", "",
        "Four rule styles (root, root-fifth, walking, pop eighths) and one learned style: a table of the bass",
        "note's interval above the chord root given the previous interval and whether the beat is a downbeat,",
        "counted from the Bach chorales' bass voice under their derived chords (2 x 13 x 12 log-probabilities,",
        "no trained parameters); sampled with a seed, each note placed in the octave nearest the previous one",
        "(C2-D4, a chorale bass's range; the rule styles play E1-G3). Downbeats and chord changes take the",
        "chord's bass note.", "",
        "## Data",
        "music21's Bach chorales (train split shared by every model): "
        f"{data.get('train_chorales', '?')} chorales, {data.get('bass_beats', '?')} beats of bass.", "",
        "## Training", *training_lines(state, params, weights_mb(folder), "Counts with add-0.5 smoothing."), "",
        *command_lines(commands),
        "## Evaluation (`latentroll eval bass --json`)", "",
        *metrics_table(evaluation, {"chorale_root_coverage": (">=", 0.9)}), "",
        "Root coverage: share of downbeats and chord changes where the bass sounds the chord's bass note, on the",
        "held-out lead sheets' chords (per style) and the held-out chorales' derived chords; OA: overlap of the",
        "learned line's interval and pitch histograms with the real chorale basses (1 = the same).",
    ]
    return save_card(folder, lines, evaluation)
