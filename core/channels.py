"""MIDI channels a new track can take: every part that adds tracks (the track list, inserted
clips, Library pieces, imports, harmonies, ``generate --separate``) picks channels the same way."""
from __future__ import annotations

from .song import Song, Track

DRUM_CHANNEL = 9  # General MIDI's percussion channel, never given to a pitched track


def free_channels(song: Song, n: int = 1, ignore: int | None = None) -> list[int]:
    """The first ``n`` MIDI channels no track uses (besides track ``ignore``), never the drum
    channel; channel 0 once all are taken."""
    used = {t.channel for i, t in enumerate(song.tracks) if i != ignore}
    free = [c for c in range(16) if c != DRUM_CHANNEL and c not in used]
    return (free + [0] * n)[:n]


def on_free_channels(song: Song, tracks: list[Track]) -> list[Track]:
    """Copies of ``tracks``, about to join ``song``, each on its own MIDI channel: pitched tracks
    take the channels no track of ``song`` (nor an earlier one of ``tracks``) uses, drums channel
    10. Every part that adds tracks goes through here, so two tracks never share a program."""
    pitched = free_channels(song, sum(not t.is_drum for t in tracks))
    out = []
    for t in tracks:
        c = t.copy()
        c.channel = DRUM_CHANNEL if t.is_drum else pitched.pop(0)
        out.append(c)
    return out
