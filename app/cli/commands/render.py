"""``latentroll render IN -o OUT.wav [--stems DIR]``: offline audio through FluidSynth.

IN is anything ``read_song`` reads (.mid, .musicxml, .abc, .lrproj). The outputs are all or
nothing together: the mixdown and the stems are renamed into place only when every one of them
was written, so an error or Ctrl-C leaves the old files (and no partial WAV) behind.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

from latentroll.core.audio.synth import DEFAULT_GAIN

from ..errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("render", help="render a song to a WAV file (and per-track stems)")
    p.add_argument("input", metavar="IN", help="song file: .mid, .musicxml, .abc or .lrproj")
    p.add_argument("-o", "--output", metavar="OUT.wav", help="mixdown WAV to write")
    p.add_argument("--stems", metavar="DIR",
                   help="also write one WAV per track (all tracks, mute/solo ignored) into DIR")
    p.add_argument("--soundfont", metavar="SF2", help="SoundFont (default: $LATENTROLL_SOUNDFONT, then system ones)")
    p.add_argument("--rate", type=int, choices=(44100, 48000), default=44100, help="sample rate (Hz)")
    p.add_argument("--bits", type=int, choices=(16, 24, 32), default=16,
                   help="16/24-bit PCM, or 32 for float (never clips)")
    p.add_argument("--gain", type=float, default=DEFAULT_GAIN,
                   help=f"FluidSynth master gain (default {DEFAULT_GAIN})")
    p.add_argument("--tail", type=float, default=1.0, metavar="SECONDS", help="release tail after the last note")
    p.add_argument("--no-effects", action="store_true", help="turn off FluidSynth reverb and chorus")
    p.set_defaults(func=run)


def run(args) -> int:
    from latentroll.core.audio.render import RenderOptions, render_files
    from latentroll.core.io.formats import read_song

    from ..progress import progress_bar

    if not args.output and not args.stems:
        raise UsageError("nothing to do: give -o OUT.wav and/or --stems DIR")
    if args.output and Path(args.output).suffix.lower() != ".wav":
        raise UsageError(f"the output must be a .wav file, not {args.output}")
    options = RenderOptions(
        sample_rate=args.rate, bits=args.bits, tail_seconds=args.tail, gain=args.gain,
        effects=not args.no_effects, soundfont=Path(args.soundfont) if args.soundfont else None,
    )
    song = read_song(args.input)
    _prepare_outputs(args.output, args.stems)
    rate = options.sample_rate
    show = sys.stderr.isatty()

    def seconds(update):
        return lambda done, total: update(round(done / rate, 1), round(total / rate, 1))

    with progress_bar("rendering", unit="s", enabled=show) as update:
        done = render_files(song, args.output, args.stems, options, progress=seconds(update),
                            basename=Path(args.input).stem)
    result = done.mix
    if result is not None:
        peak = 20 * math.log10(result.peak) if result.peak > 0 else -math.inf
        print(f"wrote {result.path} ({clock(result.seconds)}, {rate} Hz, "
              f"{'float' if result.bits == 32 else f'{result.bits}-bit'}, peak {peak:.1f} dBFS)")
        if result.clipped_samples:
            print(f"warning: {result.clipped_samples} samples clipped; lower --gain or use --bits 32",
                  file=sys.stderr)
    if args.stems:
        print(f"wrote {len(done.stems)} stem(s) to {args.stems}")
        for p in done.stems:
            print(f"  {p.name}")
    return 0


def _prepare_outputs(output: str | None, stems: str | None) -> None:
    """Fail before the render: the WAV's folder must exist and the stems folder must exist or
    be creatable (nothing is created here; ``render_files`` makes the folder, and removes it
    again if the render fails)."""
    import os

    from latentroll.core.io.errors import MusicFileError

    if output:
        path = Path(output)
        if path.is_dir():
            raise MusicFileError(f"cannot write {path}: it is a folder, not a file")
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise MusicFileError(f"cannot write {path}: folder {folder} does not exist")
    if stems:
        folder = Path(stems).absolute()
        existing = next(p for p in (folder, *folder.parents) if p.exists())
        if not existing.is_dir():
            raise MusicFileError(f"cannot write stems to {stems}: {existing} is not a folder")
        if not os.access(existing, os.W_OK):
            raise MusicFileError(f"cannot write stems to {stems}: folder {existing} is not writable")


def clock(seconds: float) -> str:
    """``m:ss.s`` for durations and playheads."""
    minutes, secs = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{secs:04.1f}"
