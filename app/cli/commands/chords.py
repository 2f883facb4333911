"""``latentroll chords detect|suggest IN``: the chords a song's notes sound, or ranked chord
progressions for its melody.

``detect`` prints one line per chord (bar.beat, symbol, confidence), per beat or bar, from every
pitched track or ``--tracks``; ``-o`` writes the song with that chord track. ``suggest`` prints
``-n`` ranked progressions for the melody (``--track``, default the busiest pitched track) and
with ``-o`` writes the song with the ``--pick``-th one (default the best) as its chord track.
``data`` (re)builds the lead-sheet cache from the vendored OpenEWLD files (it is also built on
first use).

Also here: the ``--chords``/``--chords-from`` options that generate, continue and interpolate
share (``add_chord_options``, ``chords_from_args``).
"""
from __future__ import annotations

import json

from ..clips import add_tune_flag


def register(sub) -> None:
    p = sub.add_parser("chords", help="detect the chords of a song, or suggest chords for its melody")
    p.add_argument("action", choices=["detect", "suggest", "data"],
                   help="data: (re)build the lead-sheet cache from the vendored OpenEWLD files")
    p.add_argument("input", nargs="?", help="song file (.mid/.musicxml/.mxl/.abc/.lrproj)")
    p.add_argument("--tracks", help="detect: track indices to listen to, e.g. 0,2 (default: every pitched track)")
    p.add_argument("--per", choices=["beat", "bar"], default="beat", help="detect: a chord per beat or bar")
    p.add_argument("--track", type=int, help="suggest: the melody's track index (default: the busiest pitched one)")
    p.add_argument("-n", type=int, default=3, help="suggest: how many progressions (1-10, default 3)")
    p.add_argument("--rhythm", choices=["bar", "half"], default="bar", help="suggest: a chord per bar or half bar")
    p.add_argument("--vocab", choices=["simple", "rich"], default=None,
                   help="simple: major, minor, 7th, dim; rich: 12 qualities (default: simple to suggest, rich to detect)")
    p.add_argument("--style", choices=["songbook", "chorale"], default="songbook", help="suggest: harmony style")
    p.add_argument("--pick", type=int, default=1, help="suggest: which progression -o writes (1 = best)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--model-dir", help="chord model folder (default: the shipped one)")
    p.add_argument("-o", "--output", help="write the song with the chord track (.mid/.musicxml/.lrproj)")
    add_tune_flag(p)
    p.set_defaults(func=run)


def add_chord_options(p) -> None:
    """``--chords``/``--chords-from``/``--chord-strength`` for the melody commands."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--chords", help='follow chords, one a bar ("C G Am F", repeated to fill) or split bars '
                                    '("C G | Am F")')
    g.add_argument("--chords-from", metavar="FILE", help="follow the chord track of a song file (a lead sheet, "
                                                         "a .mid with chord markers, a .lrproj)")


def chords_from_args(args, bars: int | None, meter: tuple[int, int] = (4, 4), start_tick: int = 0,
                     shift_file: int = 0):
    """The chord track the options ask for (None when neither is given): ``--chords`` laid on bars
    from ``start_tick``; ``--chords-from`` the file's chord track, its ticks moved by
    ``-shift_file``. A symbol that does not parse or a file without chords is a UsageError."""
    from latentroll.core.chords import ChordEvent, ChordSymbolError

    from ..errors import UsageError

    if getattr(args, "chords", None):
        from latentroll.app.calls.chords import progression_chords

        try:
            return progression_chords(args.chords, bars, meter, start_tick)
        except ChordSymbolError as exc:
            raise UsageError(f"--chords: {exc}") from None
    if getattr(args, "chords_from", None):
        from ..clips import read_input

        song = read_input(args.chords_from)
        if not any(c.symbol.root is not None for c in song.chords):
            raise UsageError(f"{args.chords_from} has no chord symbols")
        out = []
        for c in song.chords:
            t = c.tick - shift_file
            out = [ChordEvent(0, c.symbol)] if t <= 0 else out + [ChordEvent(t, c.symbol)]
        return out
    return None


def _where(song, tick: int) -> str:
    bar, beat, rest = song.tick_to_bar_beat(tick)
    return f"{bar + 1}.{beat + 1}" + (f"+{rest}" if rest else "")


def run(args) -> int:
    from ..clips import check_outputs, read_input
    from ..errors import UsageError

    if args.action == "data":
        return build_data(args)
    if not args.input:
        raise UsageError(f"chords {args.action} needs an input song file")
    if args.output:
        check_outputs(args.output)
    song = read_input(args.input, args.tune)
    if args.action == "detect":
        from latentroll.core.chord_detect import detected_events
        from latentroll.models.chords.detect import detect

        try:
            tracks = None if not args.tracks else [int(x) for x in args.tracks.split(",")]
        except ValueError:
            raise UsageError(f"--tracks takes indices like 0,2, not {args.tracks!r}") from None
        found = detect(song, tracks, args.per, vocab=args.vocab or "rich")
        if args.json:
            print(json.dumps([{"tick": d.tick, "at": _where(song, d.tick), "chord": d.symbol.text,
                               "confidence": round(d.confidence, 3)} for d in found], indent=2))
        else:
            for d in found:
                print(f"{_where(song, d.tick):>8}  {d.symbol.text:<8} {d.confidence:.2f}")
        chords = detected_events(found)
    else:
        if not 1 <= args.n <= 10:
            raise UsageError("-n must be between 1 and 10")
        if not 1 <= args.pick <= args.n:
            raise UsageError(f"--pick must be between 1 and {args.n}")
        melody_song = song
        if args.track is not None:
            if not 0 <= args.track < len(song.tracks):
                raise UsageError(f"{args.input}: no track {args.track} (it has {len(song.tracks)})")
            melody_song = song.copy()
            melody_song.tracks = [song.tracks[args.track]]
        from latentroll.app.calls.chords import ChordSuggestRequest, suggest_chords
        from latentroll.models.chords.suggest import check_melody

        check_melody(melody_song)
        from latentroll.models.chords.service import ChordService  # torch: once the melody is fine

        svc = ChordService.load(args.model_dir)
        progs = suggest_chords(svc, melody_song, ChordSuggestRequest(args.n, args.rhythm, args.vocab or "simple",
                                                                     args.style))
        if args.json:
            print(json.dumps([{"rank": i + 1, "chords": [{"tick": c.tick, "at": _where(song, c.tick),
                                                          "chord": c.symbol.text} for c in p]}
                              for i, p in enumerate(progs)], indent=2))
        else:
            for i, p in enumerate(progs):
                print(f"{i + 1}: " + " ".join(f"{c.symbol.text}@{_where(song, c.tick)}" for c in p))
        chords = progs[min(args.pick, len(progs)) - 1]
    if args.output:
        from ..clips import write_clips

        out = song.copy()
        out.chords = list(chords)
        out.normalize_maps()
        path = write_clips(out, args.output)
        print(f"wrote {path} with {len(out.chords)} chord(s)")
    return 0


def build_data(args) -> int:
    """Parse the vendored lead sheets into the cache the chord models train on (``-o``: elsewhere)."""
    from pathlib import Path

    from latentroll.models.chords.data import default_cache_path

    from .data import build_leadsheet_cache

    return build_leadsheet_cache(Path(args.output) if args.output else default_cache_path())


def chords_for_clips(chords, clips, gap_bars: int, separate: bool) -> list:
    """The chord track of an output laid out by ``clips.clips_song``: the clip chords under every
    clip (once when the clips are separate tracks that all start at 0)."""
    from latentroll.core.chords import ChordEvent
    from latentroll.core.song import PPQ

    if not chords:
        return []
    if separate:
        return list(chords)
    bar, offset, out = 4 * PPQ, 0, []
    for c in clips:
        out += [ChordEvent(offset + e.tick, e.symbol) for e in chords]
        offset += (-(-max(c.end_tick(), 1) // bar) + gap_bars) * bar
    return out
