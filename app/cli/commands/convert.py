"""``latentroll convert IN OUT``: change a song's file format, chosen by the file extensions."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "convert", help="convert between MIDI, MusicXML, ABC (read only) and project files",
        description="Formats follow the extensions: read .mid .midi .musicxml .xml .mxl .abc .lrproj; "
                    "write .mid .midi .musicxml .xml .mxl .lrproj.",
    )
    p.add_argument("input", help="file to read")
    p.add_argument("output", help="file to write (replaced only when the new file is complete)")
    p.add_argument("--tune", type=int, default=1, metavar="N",
                   help="which tune of a multi-tune ABC file (1-based, default 1)")
    p.set_defaults(func=run)


def run(args) -> int:
    from latentroll.core.io.formats import check_readable_type, check_writable_type, read_song, write_song

    from ..errors import UsageError

    if args.tune < 1:
        raise UsageError("--tune counts from 1")
    check_readable_type(args.input)
    check_writable_type(args.output)  # fail before the (possibly slow) read
    song = read_song(args.input, index=args.tune - 1)
    write_song(song, args.output)
    print(f"wrote {args.output} ({len(song.tracks)} tracks, {song.note_count()} notes)")
    return 0
