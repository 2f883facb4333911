"""``latentroll transfer IN --style S -o OUT``: the melody VAE re-plays a melody in another style.

Every 2-bar segment of the melody is encoded, moved toward the target style in the latent space
(``--amount``: 0 keeps it, 1 = the whole way) and decoded with that style's label (a style of yours, `latentroll mystyle`: toward its
own centre, decoded with the label of the corpus style nearest it); the result has
the melody's length and start. The output song is the input plus the new melody as a track of
its own (on a free MIDI channel), as the app's Transfer does with "+ Track".
"""
from __future__ import annotations

from ..clips import add_tune_flag


def register(sub) -> None:
    p = sub.add_parser("transfer", help="re-play a melody in another style with the VAE (added as a track)")
    p.add_argument("input", help="melody file (.mid/.musicxml/.abc/.lrproj)")
    p.add_argument("--style", required=True, help="target style, or one of yours (see `latentroll styles`)")
    p.add_argument("--amount", type=float, default=1.0, help="0 = unchanged, 1 = fully in the style (default 1)")
    p.add_argument("--temperature", type=float, default=0.0, help="0 = deterministic (default)")
    p.add_argument("--key", help="keep new notes in a key/scale, e.g. 'G major'")
    p.add_argument("--track", type=int, help="track index of the melody (default: first pitched track)")
    add_tune_flag(p)
    p.add_argument("--seed", type=int)
    p.add_argument("--model-dir", help="VAE model folder (default: the shipped one)")
    p.add_argument("-o", "--output", required=True, help="output .mid or .musicxml")
    p.set_defaults(func=run)


def run(args) -> int:
    from latentroll.core.channels import free_channels
    from latentroll.models.data.corpus import STYLES
    from latentroll.models.mystyle.store import MyStyleStore

    from ..clips import check_outputs, melody_track, parse_scale, write_clips
    from ..errors import UsageError

    if args.style not in STYLES and args.style not in (store := MyStyleStore()):
        mine = ", ".join(i.name for i in store.list())
        raise UsageError(f"unknown style {args.style!r}; choose one of {', '.join(STYLES)}"
                         + (f", or one of yours: {mine}" if mine else ""))
    scale = parse_scale(args.key)
    check_outputs(args.output)
    song, melody = melody_track(args.input, args.track, args.tune)
    from latentroll.app.calls.phrases import model_for, track_bars
    from latentroll.models.common.protocol import model_folders
    from latentroll.models.vae.service import MelodyVAEService  # torch: once the files are fine

    svc = MelodyVAEService.load(args.model_dir or model_folders(model_for("vae", track_bars(melody), args.style)))
    new = svc.transfer(melody, args.style, args.temperature, scale, args.seed, amount=args.amount)
    new.channel = free_channels(song)[0]
    out = song.copy()
    out.tracks.append(new)
    path = write_clips(out, args.output)
    print(f"wrote {path}: {new.name}, {len(new.notes)} notes (track {len(out.tracks)})")
    return 0
