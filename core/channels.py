"""MIDI channels a new track can take: every part that adds tracks (the track list, the harmony
and infill proposals) picks channels the same way."""
from __future__ import annotations

from .song import Song

DRUM_CHANNEL = 9  # General MIDI's percussion channel, never given to a pitched track


def free_channels(song: Song, n: int = 1, ignore: int | None = None) -> list[int]:
    """The first ``n`` MIDI channels no track uses (besides track ``ignore``), never the drum
    channel; channel 0 once all are taken."""
    used = {t.channel for i, t in enumerate(song.tracks) if i != ignore}
    free = [c for c in range(16) if c != DRUM_CHANNEL and c not in used]
    return (free + [0] * n)[:n]
