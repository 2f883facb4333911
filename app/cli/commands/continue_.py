"""``latentroll continue IN --bars N``: the melody LSTM writes what comes next, in variations.

The output song keeps the input's tempo, meter and key and holds one track per variation: the
input melody followed by that continuation (from the bar line after the melody ends). The melody
is the first pitched track (or ``--track``); chords are reduced to their top voice, and a melody
longer than 64 bars primes the model with its last 64.
"""
from __future__ import annotations

from ..clips import add_tune_flag
from .chords import add_chord_options, chords_from_args


def register(sub) -> None:
    p = sub.add_parser("continue", help="continue a melody by N bars with the LSTM (variations as tracks)")
    p.add_argument("input", help="melody file (.mid/.musicxml/.abc/.lrproj)")
    p.add_argument("--bars", type=int, required=True, help="bars to add (1-32)")
    p.add_argument("-n", "--variations", type=int, default=1, help="how many continuations (1-8, default 1)")
    p.add_argument("--temperature", type=float, default=1.0, help="0 = most likely, 2 = wildest (default 1.0)")
    p.add_argument("--style", help="style name (see `latentroll styles`), default any")
    p.add_argument("--key", help="keep new notes in a key/scale, e.g. 'D dorian' or 'A minor'")
    p.add_argument("--track", type=int, help="track index of the melody (default: first pitched track)")
    add_tune_flag(p)
    add_chord_options(p)
    p.add_argument("--seed", type=int)
    p.add_argument("--model-dir", help="LSTM model folder (default: the shipped one)")
    p.add_argument("-o", "--output", required=True, help="output .mid or .musicxml")
    p.set_defaults(func=run)


def run(args) -> int:
    import numpy as np

    from latentroll.core.song import Track

    from ..clips import check_outputs, melody_track, parse_scale, write_clips
    from ..errors import UsageError

    scale = parse_scale(args.key)
    check_outputs(args.output)
    song, melody = melody_track(args.input, args.track, args.tune)
    ts = song.time_signature_at(max(0, melody.end_tick() - 1))
    # torch is imported only once the files are fine
    from latentroll.models.lstm.service import MAX_BARS, MAX_VARIATIONS, MelodyLSTMService

    if not 1 <= args.bars <= MAX_BARS:
        raise UsageError(f"--bars must be between 1 and {MAX_BARS}")
    if not 1 <= args.variations <= MAX_VARIATIONS:
        raise UsageError(f"--variations must be between 1 and {MAX_VARIATIONS}")
    bar = ts.bar_ticks
    start = -(-melody.end_tick() // bar) * bar  # the bar line the continuation starts on
    chords = chords_from_args(args, args.bars, (ts.numerator, ts.denominator), start)
    svc = MelodyLSTMService.load(args.model_dir)
    conts = svc.continue_melody(melody, args.bars, args.variations, args.temperature, args.style, scale,
                                args.seed, meter=(ts.numerator, ts.denominator), chords=chords)
    out = song.copy()
    if chords:  # the input's own chords up to the continuation, then the ones it followed
        out.chords = [c for c in song.chords if c.tick < start] + chords
        out.normalize_maps()
    out.tracks = [Track(name=f"{melody.name or 'Melody'} + continuation {i + 1}", program=melody.program,
                        channel=melody.channel, notes=np.concatenate([melody.sorted_notes(), c.notes]))
                  for i, c in enumerate(conts)]
    path = write_clips(out, args.output)
    added = ", ".join(str(len(c.notes)) for c in conts)
    print(f"wrote {len(conts)} continuation(s) of {args.bars} bars to {path} (new notes: {added})")
    return 0
