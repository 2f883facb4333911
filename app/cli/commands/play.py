"""``latentroll play IN``: play a song through the sound card, printing the playhead.

Exits 2 with one line ("no audio output device ...") on machines without audio output.
Ctrl-C stops playback.
"""
from __future__ import annotations

import time
from pathlib import Path

from ..errors import UsageError
from .render import clock


def register(sub) -> None:
    p = sub.add_parser("play", help="play a song through the sound card")
    p.add_argument("input", metavar="IN", help="song file: .mid, .musicxml, .abc or .lrproj")
    p.add_argument("--soundfont", metavar="SF2", help="SoundFont (default: $LATENTROLL_SOUNDFONT, then system ones)")
    p.add_argument("--from", dest="from_bar", type=int, default=1, metavar="BAR", help="start at this bar (1-based)")
    p.set_defaults(func=run)


def run(args) -> int:
    from latentroll.core.audio.errors import AudioUnavailable
    from latentroll.core.audio.playback import NO_DEVICE, Player
    from latentroll.core.io.formats import read_song

    if args.from_bar < 1:
        raise UsageError("--from counts bars from 1")
    song = read_song(args.input)
    player = Player(soundfont=Path(args.soundfont) if args.soundfont else None)
    if not player.available:
        raise AudioUnavailable(NO_DEVICE)
    total = song.duration_seconds()
    try:
        player.play(song, start_tick=song.bar_start(args.from_bar - 1))
        while player.is_playing:
            print("\r" + _position(song, player.position_tick, total), end="", flush=True)
            time.sleep(0.1)
        print("\r" + _position(song, player.position_tick, total), flush=True)
    finally:
        player.close()
    return 0


def _position(song, tick: int, total: float) -> str:
    tick = min(tick, song.end_tick())  # the release tail after the last note is not a new bar
    bar, beat, _ = song.tick_to_bar_beat(tick)
    now = song.tick_to_seconds(tick)
    return f"bar {bar + 1:>3} beat {beat + 1}  {clock(now)} / {clock(total)}"

