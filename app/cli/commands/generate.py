"""``latentroll generate``: new melodies from a model, in a style and key, as MIDI.

``--model vae`` samples the melody VAEs (the 2- or 4-bar one as ``app/calls/phrases.py`` routes the
length, chained: any bar count; 8-16 bars with phrase structure, repeats of earlier segments, from
``models/structure``); ``--model gan`` runs the melody GAN bar by
bar, each bar conditioned on the one before.
"""
from __future__ import annotations

from latentroll.app.calls.phrases import DEFAULT_PHRASE_BARS

from .chords import add_chord_options, chords_for_clips, chords_from_args

MODELS = ("vae", "gan")


def register(sub) -> None:
    p = sub.add_parser("generate", help="generate melodies (VAE or GAN samples in a style) and write MIDI")
    p.add_argument("--model", choices=MODELS, default="vae")
    p.add_argument("--style", default="any", help="style name, or one of yours (VAE; see `latentroll styles`), "
                                                  "default any")
    p.add_argument("-n", "--variations", type=int, default=4, help="how many clips (1-16, default 4)")
    p.add_argument("--temperature", type=float, default=1.0, help="0 = safest, 2 = wildest (default 1.0)")
    p.add_argument("--bars", type=int, default=DEFAULT_PHRASE_BARS,
                   help="bars per clip, 1-64 (the VAE writes 2- or 4-bar phrases and chains them, with phrase "
                        f"structure at 8-16 bars; default {DEFAULT_PHRASE_BARS})")
    p.add_argument("--key", help="constrain to a key/scale, e.g. 'D dorian' or 'A minor'")
    p.add_argument("--bpm", type=float, default=120.0)
    p.add_argument("--seed", type=int)
    p.add_argument("--separate", action="store_true", help="one track per clip instead of one after another")
    add_chord_options(p)
    p.add_argument("--model-dir", help="model folder (default: the shipped one)")
    p.add_argument("-o", "--output", required=True, help="output .mid or .musicxml")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from latentroll.app.calls.generate import STRUCTURE_MODEL, WITH_STRUCTURE, generate_model

    from ..clips import check_outputs, clips_song, parse_scale, write_clips
    from ..errors import UsageError

    how = ""
    if not 1 <= args.bars <= 64:
        raise UsageError("--bars must be between 1 and 64")
    scale = parse_scale(args.key)
    check_outputs(args.output)
    chords = chords_from_args(args, args.bars)
    if args.model == "gan":
        from latentroll.models.gan.service import MelodyGANService
        from latentroll.models.mystyle.store import MyStyleStore

        if args.style in MyStyleStore():
            raise UsageError(f"{args.style!r} is one of your styles: they sample the VAE (leave out --model gan)")

        svc = MelodyGANService.load(args.model_dir)
    elif (key := generate_model(args.model, args.bars, args.style)) == STRUCTURE_MODEL:
        from latentroll.models.structure.service import PhraseStructureService

        svc = PhraseStructureService.load({"vae": Path(args.model_dir)} if args.model_dir else None)
        how = f" {WITH_STRUCTURE}"
    else:
        from latentroll.models.common.protocol import model_folders
        from latentroll.models.vae.service import MelodyVAEService

        svc = MelodyVAEService.load(args.model_dir or model_folders(key))
    clips = svc.generate(args.variations, style=args.style, temperature=args.temperature, bars=args.bars,
                         scale=scale, seed=args.seed, **({"chords": chords} if chords else {}))
    song = clips_song(clips, f"LatentRoll {args.style}", args.bpm, gap_bars=0 if args.separate else 1,
                      scale=scale, separate_tracks=args.separate)
    song.chords = chords_for_clips(chords, clips, 0 if args.separate else 1, args.separate)
    path = write_clips(song, args.output)
    print(f"wrote {len(clips)} clip(s) of {args.bars} bars{how} to {path}")
    return 0
