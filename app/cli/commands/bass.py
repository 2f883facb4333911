"""``latentroll bass IN --style walking -o OUT``: a bass line that follows the song's chord track.

The chords are the input's own chord track (a lead sheet's symbols, a .mid's chord markers, a
.lrproj's chord lane), or ``--chords``/``--chords-from``; the output is the input song with a bass
track added (and the chord track it followed). Styles: root, root_fifth, walking, pop_eighths and
chorale (learned from the Bach chorales' bass voice).
"""
from __future__ import annotations

from ..clips import add_tune_flag
from .chords import add_chord_options, chords_from_args

STYLES = ("root", "root_fifth", "walking", "pop_eighths", "chorale")


def register(sub) -> None:
    p = sub.add_parser("bass", help="write a bass line that follows the song's chords")
    p.add_argument("input", help="song file with a chord track (.mid/.musicxml/.mxl/.lrproj), or any song with --chords")
    p.add_argument("--style", choices=STYLES, default="root", help="bass style (default root)")
    p.add_argument("--bars", type=int, help="with --chords: how many bars to fill (default: the song's length)")
    add_chord_options(p)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model-dir", help="bass model folder (default: the shipped one)")
    add_tune_flag(p)
    p.add_argument("-o", "--output", required=True, help="output .mid, .musicxml or .lrproj")
    p.set_defaults(func=run)


def run(args) -> int:
    from latentroll.core.channels import on_free_channels

    from ..clips import check_outputs, read_input, write_clips
    from ..errors import UsageError

    check_outputs(args.output)
    song = read_input(args.input, args.tune)
    ts = song.time_signature
    bars = args.bars or max(1, song.bar_count())
    given = chords_from_args(args, bars, (ts.numerator, ts.denominator))
    if given is not None:
        song.chords = given
        song.normalize_maps()
    if not any(c.symbol.root is not None for c in song.chords):
        raise UsageError(f"{args.input} has no chord track: give one with --chords \"C G Am F\" or --chords-from FILE")
    from latentroll.app.calls.chords import BassRequest, bass_candidates
    from latentroll.models.chords.bass_model import BassService  # torch: once the files are fine

    svc = BassService.load(args.model_dir)
    track = bass_candidates(svc, song, BassRequest((args.style,), args.seed))[0]
    song.tracks = song.tracks + on_free_channels(song, [track])
    path = write_clips(song, args.output)
    print(f"wrote {path}: {len(track.notes)} bass notes ({args.style}) over {len(song.chords)} chord(s)")
    return 0
