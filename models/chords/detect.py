"""Chord detection as a user-facing call: the rule detector of ``core.chord_detect`` with the
checks and messages a user needs (no weights, no torch)."""
from __future__ import annotations

from latentroll.core.chord_detect import VOCABULARIES, DetectedChord, detect_chords
from latentroll.core.song import Song

from ..common.errors import MelodyError


def detect(song: Song, tracks: list[int] | None = None, per: str = "beat", start: int = 0,
           end: int | None = None, vocab: str = "rich") -> list[DetectedChord]:
    """The chords the notes of ``tracks`` (default: all) sound, per beat or bar, with a confidence."""
    if per not in ("beat", "bar"):
        raise MelodyError(f"detect chords per 'beat' or 'bar', not {per!r}")
    if vocab not in VOCABULARIES:
        raise MelodyError(f"chord vocabulary must be one of {', '.join(VOCABULARIES)}, not {vocab!r}")
    if tracks is not None and any(not 0 <= i < len(song.tracks) for i in tracks):
        raise MelodyError(f"the song has {len(song.tracks)} track(s); there is no track {tracks}")
    chosen = song.tracks if tracks is None else [song.tracks[i] for i in tracks]
    if not any(len(t.notes) and not t.is_drum for t in chosen):
        raise MelodyError("there are no pitched notes to detect chords in")
    return detect_chords(song, tracks, per, start, end, VOCABULARIES[vocab])
