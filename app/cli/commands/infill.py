"""``latentroll infill IN --bars A-B -o OUT``: the chorale CNN rewrites bars A to B of a 4-voice piece.

The input needs exactly four pitched tracks (soprano, alto, tenor, bass — told apart by mean
pitch). Only the chosen voices inside the bars change; the rest of the file is kept. Bars count
from 1, both ends included. With ``--candidates K`` > 1, K files ``OUT-1`` … ``OUT-K`` are written.
``--no-voice-leading`` skips the polish that removes parallel fifths/octaves after sampling.
"""
from __future__ import annotations

from ..clips import add_tune_flag
from .chords import add_chord_options
from .harmonize import add_voice_leading_flag

VOICE_NAMES = {"soprano": 0, "s": 0, "alto": 1, "a": 1, "tenor": 2, "t": 2, "bass": 3, "b": 3}


def register(sub) -> None:
    p = sub.add_parser("infill", help="regenerate some bars of a 4-voice piece, consistent with what surrounds them")
    p.add_argument("input", help="4-voice file (.mid/.musicxml/.abc/.lrproj)")
    p.add_argument("--bars", required=True, help="bars to rewrite, e.g. 3-4 (from 1, both included) or 5")
    p.add_argument("--voices", default="soprano,alto,tenor,bass",
                   help="comma-separated voices to rewrite: soprano, alto, tenor, bass or s,a,t,b (default all)")
    p.add_argument("--candidates", type=int, default=1, help="how many versions (1-8, default 1)")
    p.add_argument("--temperature", type=float, help="0 = safest, 2 = wildest (default: the model's, 0.8)")
    p.add_argument("--key", help="keep new notes in a key/scale, e.g. 'G major'")
    p.add_argument("--seed", type=int)
    add_tune_flag(p)
    add_voice_leading_flag(p)
    add_chord_options(p)
    p.add_argument("--model-dir", help="chorale model folder (default: the shipped one)")
    p.add_argument("-o", "--output", required=True, help="output .mid or .musicxml")
    p.set_defaults(func=run)


def parse_bars(text: str, bar_count: int) -> tuple[int, int]:
    """'A-B' or 'A' → (first, last) bar, 1-based, checked against the piece's length."""
    from ..errors import UsageError

    parts = text.replace(" ", "").split("-")
    try:
        first, last = (int(parts[0]), int(parts[-1])) if len(parts) in (1, 2) else (0, 0)
    except ValueError:
        first = last = 0
    if first < 1 or last < first:
        raise UsageError(f"--bars {text!r}: write a range like 3-4 (bars count from 1)")
    if first > bar_count:
        raise UsageError(f"--bars {text!r}: the piece has {bar_count} bars")
    return first, min(last, bar_count)


def parse_voices(text: str) -> list[int]:
    """'alto,tenor' → voice roles [1, 2] (0 = soprano … 3 = bass)."""
    from ..errors import UsageError

    roles = []
    for name in (n.strip().lower() for n in text.split(",") if n.strip()):
        if name not in VOICE_NAMES:
            raise UsageError(f"--voices: unknown voice {name!r}; use soprano, alto, tenor, bass")
        roles.append(VOICE_NAMES[name])
    if not roles:
        raise UsageError("--voices: name at least one voice")
    return sorted(set(roles))


def run(args) -> int:
    from ..clips import check_outputs, parse_scale, read_input, write_clips
    from .chords import chords_from_args
    from .harmonize import candidate_paths, sampling_options

    roles = parse_voices(args.voices)
    scale = parse_scale(args.key)
    check_outputs(*candidate_paths(args.output, args.candidates))
    song = read_input(args.input, args.tune)
    first, last = parse_bars(args.bars, song.bar_count())
    ts = song.time_signature_at(0)
    chords = chords_from_args(args, song.bar_count(), (ts.numerator, ts.denominator)) or ()
    from latentroll.models.coconet.service import ChoraleService  # torch: once the files are fine

    temperature = sampling_options(args)
    tracks = ChoraleService.voice_tracks(song)
    order = ChoraleService.voice_order(tracks)
    svc = ChoraleService.load(args.model_dir)
    results = svc.infill(tracks, song.bar_start(first - 1), song.bar_start(last), [order[r] for r in roles],
                         temperature, args.candidates, args.seed, scale, voice_leading=args.voice_leading,
                         chords=chords)
    slots = [next(i for i, t in enumerate(song.tracks) if t is v) for v in tracks]
    for new, path in zip(results, candidate_paths(args.output, args.candidates)):
        out = song.copy()
        for slot, track in zip(slots, new):
            out.tracks[slot] = track
        written = write_clips(out, path)
        print(f"wrote {written}: bars {first}-{last} rewritten in " + ", ".join(
            ("soprano", "alto", "tenor", "bass")[r] for r in roles))
    return 0
