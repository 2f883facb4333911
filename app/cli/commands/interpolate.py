"""``latentroll interpolate A B --steps N``: the melodies between two clips, as MIDI."""
from __future__ import annotations

import sys

from latentroll.app.calls.phrases import route_phrase, track_bars

from .chords import add_chord_options, chords_for_clips, chords_from_args


def register(sub) -> None:
    p = sub.add_parser("interpolate", help="blend clip A into clip B through the VAE's latent space")
    p.add_argument("a", help="clip A (.mid/.musicxml/.abc/.lrproj); read at its length, up to 16 bars "
                                     "(the shorter clip's, when A and B differ)")
    p.add_argument("b", help="clip B")
    p.add_argument("--steps", type=int, default=5, help="clips from A to B inclusive (2-16, default 5)")
    p.add_argument("--method", choices=["slerp", "lerp"], default="slerp")
    p.add_argument("--temperature", type=float, default=0.0, help="0 = deterministic (default)")
    p.add_argument("--pull", type=float, default=None,
                   help="0-1: how far the in-between clips are drawn toward real tunes (default 0.5; 0 = plain path)")
    p.add_argument("--key", help="constrain to a key/scale, e.g. 'G major'")
    p.add_argument("--track-a", type=int, help="track index in A (default: first pitched track)")
    p.add_argument("--track-b", type=int, help="track index in B")
    p.add_argument("--tune-a", type=int, metavar="N", help="tune of an ABC book A (1-based)")
    p.add_argument("--tune-b", type=int, metavar="N", help="tune of an ABC book B (1-based)")
    p.add_argument("--bpm", type=float, default=120.0)
    p.add_argument("--seed", type=int)
    p.add_argument("--separate", action="store_true", help="one track per clip")
    add_chord_options(p)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..clips import check_outputs, clips_song, melody_track, parse_scale, write_clips

    scale = parse_scale(args.key)
    check_outputs(args.output)
    _, a = melody_track(args.a, args.track_a, args.tune_a)
    _, b = melody_track(args.b, args.track_b, args.tune_b)
    route = route_phrase({"A": track_bars(a), "B": track_bars(b)})
    if route.note:
        print(f"note: {route.note}", file=sys.stderr)
    chords = chords_from_args(args, route.bars)
    from latentroll.models.common.protocol import model_folders
    from latentroll.models.vae.service import MelodyVAEService  # torch: once the files are fine

    svc = MelodyVAEService.load(model_folders(route.model))
    pull = {} if args.pull is None else {"pull": args.pull}
    clips = svc.interpolate(a, b, args.steps, args.method, args.temperature, scale=scale, seed=args.seed,
                            chords=chords, bars=route.bars, **pull)
    song = clips_song(clips, "Interpolation", args.bpm, gap_bars=0 if args.separate else 1, scale=scale,
                      separate_tracks=args.separate)
    song.chords = chords_for_clips(chords, clips, 0 if args.separate else 1, args.separate)
    path = write_clips(song, args.output)
    print(f"wrote {len(clips)} clips of {route.bars} bars to {path}")
    return 0
