"""``latentroll harmonize IN -o OUT``: the chorale CNN adds alto, tenor and bass under a melody.

The output song is the input song plus three voice tracks. With ``--candidates K`` > 1, K files
are written, ``OUT-1.mid`` … ``OUT-K.mid``, one harmonization each. ``--no-voice-leading`` skips
the polish that removes parallel fifths/octaves after sampling.
"""
from __future__ import annotations

from ..clips import add_tune_flag
from .chords import add_chord_options


def register(sub) -> None:
    p = sub.add_parser("harmonize", help="add alto, tenor and bass under a melody (Bach-chorale style)")
    p.add_argument("input", help="melody file (.mid/.musicxml/.abc/.lrproj)")
    p.add_argument("--candidates", type=int, default=1, help="how many harmonizations (1-8, default 1)")
    p.add_argument("--temperature", type=float, help="0 = safest, 2 = wildest (default: the model's, 0.8)")
    p.add_argument("--key", help="keep new notes in a key/scale, e.g. 'G major'")
    p.add_argument("--track", type=int, help="track index of the melody (default: first pitched track)")
    add_tune_flag(p)
    p.add_argument("--seed", type=int)
    add_voice_leading_flag(p)
    add_chord_options(p)
    p.add_argument("--model-dir", help="chorale model folder (default: the shipped one)")
    p.add_argument("-o", "--output", required=True, help="output .mid or .musicxml")
    p.set_defaults(func=run)


def add_voice_leading_flag(p) -> None:
    """``--no-voice-leading`` (shared with ``infill``): sets ``args.voice_leading`` to False."""
    p.add_argument("--no-voice-leading", dest="voice_leading", action="store_false",
                   help="keep the network's raw Gibbs sample, parallels and all "
                        "(default: parallel fifths/octaves are polished away)")


def candidate_paths(output: str, k: int) -> list[str]:
    """``output`` itself for one candidate, else ``stem-1.ext`` … ``stem-k.ext`` beside it."""
    from pathlib import Path

    if k == 1:
        return [output]
    p = Path(output)
    return [str(p.with_name(f"{p.stem}-{i + 1}{p.suffix}")) for i in range(k)]


def sampling_options(args) -> float:
    """The temperature to use (shared with ``infill``); ``main`` checked --candidates and --temperature."""
    from latentroll.models.coconet.service import DEFAULT_TEMPERATURE

    return DEFAULT_TEMPERATURE if args.temperature is None else args.temperature


def run(args) -> int:
    from ..clips import check_outputs, melody_track, parse_scale, write_clips
    from .chords import chords_from_args

    scale = parse_scale(args.key)
    check_outputs(*candidate_paths(args.output, args.candidates))
    song, melody = melody_track(args.input, args.track, args.tune)
    ts = song.time_signature_at(0)
    first = song.bar_at(int(melody.notes["start"].min()))
    chords = chords_from_args(args, song.bar_at(max(0, melody.end_tick() - 1)) - first + 1,
                              (ts.numerator, ts.denominator), song.bar_start(first)) or ()
    from latentroll.models.coconet.service import ChoraleService  # torch: once the files are fine

    temperature = sampling_options(args)
    svc = ChoraleService.load(args.model_dir)
    results = svc.harmonize(melody, temperature, args.candidates, args.seed, scale,
                            voice_leading=args.voice_leading, chords=chords)
    for voices, path in zip(results, candidate_paths(args.output, args.candidates)):
        out = song.copy()
        out.tracks += voices
        if chords:
            out.chords = list(chords)
        written = write_clips(out, path)
        print(f"wrote {written}: " + ", ".join(f"{t.name} {len(t.notes)} notes" for t in voices))
    return 0
