"""``latentroll info FILE``: what a music file holds (tracks, tempo, meter, key, length)."""
from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("info", help="describe a MIDI, MusicXML, ABC or project file")
    p.add_argument("file", help="a .mid/.midi, .musicxml/.xml/.mxl, .abc or .lrproj file")
    p.add_argument("--tune", type=int, default=1, metavar="N",
                   help="which tune of a multi-tune ABC file (1-based, default 1)")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of text")
    p.set_defaults(func=run)


def song_summary(song, path) -> dict:
    """Plain data about ``song``; the text and JSON outputs both print this."""
    from latentroll.core.theory import key_to_scale

    end = song.end_tick()
    return {
        "file": str(path),
        "title": song.title,
        "ppq": song.ppq,
        "tracks": [
            {"name": t.name, "notes": len(t), "program": t.program, "channel": t.channel,
             "is_drum": t.is_drum, "volume": t.volume, "pan": t.pan}
            for t in song.tracks
        ],
        "notes": song.note_count(),
        "tempo_bpm": song.bpm,
        "tempo_changes": [[c.tick, c.bpm] for c in song.tempos],
        "time_signature": f"{song.time_signature.numerator}/{song.time_signature.denominator}",
        "time_signature_changes": [[s.tick, s.numerator, s.denominator] for s in song.time_signatures],
        "key": key_to_scale(song.key.tonic, song.key.mode).name,
        "key_changes": [[k.tick, key_to_scale(k.tonic, k.mode).name] for k in song.keys],
        "length_ticks": end,
        "length_bars": song.bar_count() if end else 0,
        "length_seconds": round(song.duration_seconds(), 3),
    }


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"


def format_summary(info: dict) -> str:
    def changes(n: int) -> str:
        return f" ({n - 1} change{'s' if n > 2 else ''})" if n > 1 else ""

    lines = [
        f"Title:   {info['title']}",
        f"File:    {info['file']}" + (f" (tune {info['tune']} of {info['tunes']})" if "tunes" in info else ""),
        f"Length:  {info['length_bars']} bars, {_clock(info['length_seconds'])} ({info['length_seconds']:.2f} s)",
        f"Tempo:   {info['tempo_bpm']:g} BPM{changes(len(info['tempo_changes']))}",
        f"Meter:   {info['time_signature']}{changes(len(info['time_signature_changes']))}",
        f"Key:     {info['key']}{changes(len(info['key_changes']))}",
        f"Tracks:  {len(info['tracks'])} ({info['notes']} notes)",
    ]
    if info["tracks"]:
        width = max(4, *(len(t["name"]) for t in info["tracks"]))
        lines.append(f"  {'#':>3}  {'Name':<{width}}  {'Notes':>7}  {'Program':>7}  {'Channel':>7}")
        for i, t in enumerate(info["tracks"], 1):
            channel = f"{t['channel'] + 1}" + (" drums" if t["is_drum"] else "")
            lines.append(f"  {i:>3}  {t['name']:<{width}}  {t['notes']:>7}  {t['program']:>7}  {channel:>7}")
    return "\n".join(lines)


def run(args) -> int:
    from latentroll.core.io.formats import ABC_SUFFIXES, abc_tune_count, read_song, suffix_of

    from ..errors import UsageError

    if args.tune < 1:
        raise UsageError("--tune counts from 1")
    song = read_song(args.file, index=args.tune - 1)
    info = song_summary(song, args.file)
    if suffix_of(args.file) in ABC_SUFFIXES:
        info["tune"], info["tunes"] = args.tune, abc_tune_count(args.file)
    print(json.dumps(info, indent=2, ensure_ascii=False) if args.json else format_summary(info))
    return 0
