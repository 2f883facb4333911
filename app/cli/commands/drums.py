"""``latentroll drums generate|interpolate|groove|drumify|continue``: the drum models, writing MIDI
with the drums on GM channel 10 (MuseScore opens them as a drum part).

- generate: N new clips in a style, end to end on one drum track (``--separate``: a track each);
- interpolate A B: the clips between the first drum tracks of two files;
- groove IN: the file with its drum track humanized (same hits; ``--amount`` 0-1);
- drumify IN: the file plus drum tracks following the rhythm of a track (any track);
- continue IN: one drum track per variation: the input's drums followed by the continuation.
Only 4/4 is supported: a drum track in another meter is refused with one line (exit 2).
"""
from __future__ import annotations

ACTIONS = ("generate", "interpolate", "groove", "drumify", "continue")


def register(sub) -> None:
    p = sub.add_parser("drums", help="drum clips: generate, interpolate, groove, drumify, continue (MIDI out)")
    p.add_argument("action", choices=ACTIONS)
    p.add_argument("inputs", nargs="*", help="input file(s): groove/drumify/continue take one, interpolate two")
    p.add_argument("-n", "--variations", type=int, default=None,
                   help="clips (generate: 1-16, default 4) or variations (drumify 1, continue 4)")
    p.add_argument("--bars", type=int, help="generate: bars per clip (1-16, default 4); continue: bars to add (1-32)")
    p.add_argument("--style", help="drum style (rock, funk, jazz, …; default any)")
    p.add_argument("--temperature", type=float, default=None, help="0 = most likely, 2 = wildest")
    p.add_argument("--amount", type=float, default=1.0, help="groove: 0 = unchanged, 1 = the model's timing (default)")
    p.add_argument("--steps", type=int, default=5, help="interpolate: clips from A to B inclusive (2-16)")
    p.add_argument("--track", type=int, help="track index of the input (default: the first drum track; "
                                             "drumify: the first track with notes)")
    p.add_argument("--bpm", type=float, default=120.0, help="tempo of generated files (default 120)")
    p.add_argument("--seed", type=int)
    p.add_argument("--separate", action="store_true", help="generate/interpolate: one track per clip")
    p.add_argument("--model-dir", help="model folder (default: the shipped one)")
    p.add_argument("-o", "--output", required=True, help="output .mid")
    p.set_defaults(func=run)


def _pick_track(song, path: str, index: int | None, drums: bool):
    from ..errors import UsageError

    if index is not None:
        if not 0 <= index < len(song.tracks):
            raise UsageError(f"{path}: no track {index} (it has {len(song.tracks)})")
        return song.tracks[index]
    for t in song.tracks:
        if len(t.notes) and (t.is_drum or not drums):
            return t
    raise UsageError(f"{path}: no drum track (GM channel 10) with notes" if drums else f"{path}: no notes")


def _meter(song, track) -> tuple[int, int]:
    ts = song.time_signature_at(int(track.notes["start"].min()) if len(track.notes) else 0)
    return ts.numerator, ts.denominator


def _drum_song(tracks, title: str, bpm: float, separate: bool):
    import numpy as np

    from latentroll.core.drum_kit import DRUM_CHANNEL
    from latentroll.core.song import PPQ, Song, TempoChange, Track

    if separate:
        return Song(title=title, tracks=tracks, tempos=[TempoChange(0, bpm)])
    bar, offset, parts = 4 * PPQ, 0, []
    for t in tracks:
        n = t.notes.copy()
        n["start"] += offset
        parts.append(n)
        offset += max(1, -(-max(t.end_tick(), 1) // bar)) * bar
    merged = Track(name=title, channel=DRUM_CHANNEL, is_drum=True, notes=np.concatenate(parts))
    return Song(title=title, tracks=[merged], tempos=[TempoChange(0, bpm)])


def _service(key: str, model_dir):
    from latentroll.models.registry import entry, resolve

    return resolve(entry(key).service).load(model_dir)


def run(args) -> int:
    import numpy as np

    from latentroll.core.io.formats import write_song
    from latentroll.core.song import Track

    from ..clips import check_outputs, read_input
    from ..errors import UsageError

    want = {"generate": 0, "interpolate": 2}.get(args.action, 1)
    if len(args.inputs) != want:
        raise UsageError(f"drums {args.action} takes {want} input file(s), not {len(args.inputs)}")
    check_outputs(args.output)
    songs = [read_input(p) for p in args.inputs]
    temperature = args.temperature
    if args.action == "generate":
        bars = 4 if args.bars is None else args.bars
        if not 1 <= bars <= 16:
            raise UsageError("--bars must be between 1 and 16 for generate")
        svc = _service("drums_vae", args.model_dir)
        clips = svc.sample(args.variations or 4, args.style, 1.0 if temperature is None else temperature, bars,
                           args.seed, args.bpm)
        song = _drum_song(clips, f"Drums ({args.style or 'any style'})", args.bpm, args.separate)
        msg = f"wrote {len(clips)} drum clip(s) of {bars} bars"
    elif args.action == "interpolate":
        a, b = (_pick_track(s, p, args.track, True) for s, p in zip(songs, args.inputs))
        svc = _service("drums_vae", args.model_dir)
        clips = svc.interpolate(a, b, args.steps, 0.0 if temperature is None else temperature)
        song = _drum_song(clips, "Drum interpolation", songs[0].bpm, args.separate)
        msg = f"wrote {len(clips)} drum clips from A to B"
    else:
        song = songs[0].copy()
        path = args.inputs[0]
        track = _pick_track(song, path, args.track, args.action != "drumify")
        meter = _meter(song, track)
        t = 1.0 if temperature is None else temperature
        if args.action == "groove":
            out = _service("groove", args.model_dir).groove(track, args.amount, args.style, meter)
            song.tracks[next(i for i, t in enumerate(song.tracks) if t is track)] = out
            msg = f"grooved {len(out.notes)} hits (amount {args.amount:g})"
        elif args.action == "drumify":
            parts = _service("drumify", args.model_dir).drumify(track, args.variations or 1, t, args.style,
                                                                args.seed, meter)
            song.tracks = song.tracks + parts
            msg = f"added {len(parts)} drum part(s) following {track.name!r}"
        else:
            bars = 4 if args.bars is None else args.bars
            conts = _service("drums_lm", args.model_dir).continue_drums(track, bars, args.variations or 4, t,
                                                                         args.seed, meter, args.style)
            song.tracks = [Track(name=f"{track.name} + continuation {i + 1}", channel=track.channel,
                                       is_drum=True, notes=np.concatenate([track.sorted_notes(), c.notes]))
                           for i, c in enumerate(conts)]
            msg = f"wrote {len(conts)} continuation(s) of {bars} bars"
    write_song(song, args.output)
    print(f"{msg} to {args.output}")
    return 0
