"""What the chord tools ask: suggest progressions for a melody, detect the chords notes sound,
write bass lines that follow a chord track, and lay a typed progression ("C G | Am F") on bars.

Plain job functions for a worker, the CLI or the REST API: ``svc`` is the chord or bass service
(or its stand-in in the model process); songs, chord events and tracks go in and come out.
Accepting a suggestion into the song is the caller's undoable edit (``core.commands.add_chord``).
"""
from __future__ import annotations

from dataclasses import dataclass

from latentroll.core.chord_detect import DetectedChord
from latentroll.core.chords import ChordEvent, ChordSymbolError, parse_progression
from latentroll.core.song import PPQ, Song, Track

from .batching import one_call


@dataclass(frozen=True)
class ChordSuggestRequest:
    n: int = 3
    rhythm: str = "bar"        # "bar" or "half"
    vocab: str = "simple"      # "simple" or "rich"
    style: str = "songbook"    # "songbook" or "chorale"


@dataclass(frozen=True)
class BassRequest:
    styles: tuple[str, ...] = ("root", "root_fifth", "walking", "pop_eighths", "chorale")
    seed: int = 0


def suggest_chords(svc, song: Song, req: ChordSuggestRequest, progress=None) -> list[list[ChordEvent]]:
    """Ranked chord tracks (best first) for the song's melody (its busiest pitched track)."""
    return one_call(lambda: [p.chords for p in svc.suggest(song, n=req.n, rhythm=req.rhythm, vocab=req.vocab,
                                                           style=req.style)], progress)


def detect_song_chords(song: Song, tracks: list[int] | None = None, per: str = "beat", start: int = 0,
                       end: int | None = None) -> list[DetectedChord]:
    """The chords the notes of ``tracks`` (default: all) sound, with confidences (no model)."""
    from latentroll.models.chords.detect import detect

    return detect(song, tracks, per, start, end)


def bass_candidates(svc, song: Song, req: BassRequest, progress=None) -> list[Track]:
    """One bass Track per style, each following ``song.chords``."""
    out = []
    for i, style in enumerate(req.styles):
        out.append(svc.bass(song, style, req.seed))
        if progress is not None:
            progress(i + 1, len(req.styles))
    return out


def progression_chords(text: str, bars: int | None = None, meter: tuple[int, int] = (4, 4),
                       start_tick: int = 0) -> list[ChordEvent]:
    """A typed progression on bars from ``start_tick``: one chord a bar (``"C G Am F"``), or bars
    split by ``|`` with their chords sharing the bar evenly (``"C G | Am F"``); repeated to fill
    ``bars`` when given. ``ChordSymbolError`` names a symbol it cannot read."""
    bar = meter[0] * PPQ * 4 // meter[1]
    if "|" in text:
        groups = [parse_progression(part) for part in text.split("|") if part.strip()]
    else:
        groups = [[c] for c in parse_progression(text)]
    if not groups:
        raise ChordSymbolError("no chord symbols given")
    total = bars if bars else len(groups)
    out: list[ChordEvent] = []
    for b in range(total):
        group = groups[b % len(groups)]
        for k, sym in enumerate(group):
            out.append(ChordEvent(start_tick + b * bar + k * bar // len(group), sym))
    return out
