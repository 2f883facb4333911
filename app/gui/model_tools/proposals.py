"""Tool results as candidates: what a card shows, what ▶ plays and the edit that accepts it.

Each is a ``Proposal`` (``candidates``): its edit is made when the user presses Accept, against
the song as it is then, and is one undo step.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from latentroll.core.bars import bar_at
from latentroll.core.channels import on_free_channels
from latentroll.core.commands import AddNotes, AddTrack, Command, Macro
from latentroll.core.song import Song, Track, empty_notes

from ..candidates import (
    Proposal,
    note_difference,
    overlapped_text,
    replace_notes_edit,
    track_index,
)
from ..clip_widgets import CardOptions
from ..clips import clip_from_track, song_like

LEAD_IN_BARS = 2          # a continuation is heard after the last bars it continues
INFILL_CONTEXT_BARS = 1   # an infill is heard with a bar of music on either side


# ---- helpers for the cards and the audition --------------------------------------------

def _shifted(notes: np.ndarray, origin: int) -> np.ndarray:
    out = notes.copy()
    out["start"] -= origin
    return out


def _starting_in(notes: np.ndarray, start: int, end: int) -> np.ndarray:
    return notes[(notes["start"] >= start) & (notes["start"] < end)]


def _merged(parts: Sequence[np.ndarray]) -> np.ndarray:
    parts = [p for p in parts if len(p)]
    return np.sort(np.concatenate(parts), order=["start", "pitch"]) if parts else empty_notes()


def _part(like: Track, notes: np.ndarray, name: str | None = None) -> Track:
    t = like.copy()
    t.notes = notes
    t.name = name or like.name
    t.mute = t.solo = False
    return t


def _listen(song: Song, tracks: list[Track], origin: int, title: str) -> Song:
    """``tracks`` from ``origin`` on, moved to start at 0, with the song's tempo, meter and key."""
    return song_like(song, [_part(t, _shifted(t.notes, origin)) for t in tracks], title)


def _bar_line_after(song: Song, tick: int) -> int:
    bar = bar_at(song, max(tick - 1, 0))
    return bar.start + bar.length


# ---- the four tools ----------------------------------------------------------------------

def overlap_warning(song: Song, track: Track, notes: np.ndarray) -> str:
    what = overlapped_text(song, track, notes)
    return f"Accept writes over {what}; + Track puts it on a new track" if what else ""


def _continuation_track(song: Song, source: Track, cont: Track, name: str, text: str) -> Command:
    """The continuation on a new track under ``source``, on a free MIDI channel."""
    track = on_free_channels(song, [_part(source, cont.notes, name)])[0]
    return AddTrack(track, index=track_index(song, source) + 1, text=text)


def continuation_proposals(song: Song, source: Track, notes: np.ndarray, continuations: list[Track]) -> list[Proposal]:
    """Each continuation of ``notes`` (the continued selection of ``source``) is added to
    ``source`` (Accept), or under it as a new track (+ Track); a card says when Accept would
    write over notes the track already has there."""
    end = int((notes["start"] + notes["duration"]).max())
    end_bar = _bar_line_after(song, end)
    first_bar = bar_at(song, int(notes["start"].min())).number
    lead = song.bar_start(max(first_bar, bar_at(song, end_bar - 1).number - LEAD_IN_BARS + 1))
    lead_notes = _starting_in(notes, lead, end_bar)
    out = []
    for cont in continuations:
        if not len(cont.notes):
            continue
        name = f"{source.name}: {cont.name.lower()}"
        card = CardOptions(context=_shifted(lead_notes, end_bar), warning=overlap_warning(song, source, cont.notes),
                           accept_tip=f"Add these notes to “{source.name}” after the selection (one undo step)",
                           track_tip=f"Add these notes as a new track under “{source.name}”, at their place "
                                     "(one undo step)")
        clip = clip_from_track(cont, name, keep_place=True, origin=end_bar)
        listen = _listen(song, [_part(source, _merged([lead_notes, cont.notes]))], lead, name)
        out.append(Proposal(clip, lambda s, n=cont.notes, t=name: AddNotes(track_index(s, source), n, text=f"Accept {t}"),
                            card, listen,
                            lambda s, c=cont, t=name: _continuation_track(s, source, c, t, f"Accept {t} as a track")))
    return out


def replacement_proposal(song: Song, source: Track, old: np.ndarray, new: np.ndarray, verb: str, name: str,
                         accept_tip: str) -> Proposal | None:
    """``new`` notes that replace ``old`` (the selection of ``source``) as one undo step "``verb``
    …", shown with the notes before; None when nothing changed (Repair, Groove)."""
    if not len(note_difference(old, new)) and not len(note_difference(new, old)):
        return None
    origin = bar_at(song, int(min(old["start"].min(), new["start"].min() if len(new) else old["start"].min()))).start
    before = clip_from_track(_part(source, old, f"{source.name} before {verb.lower()}"), origin=origin,
                             keep_place=True)
    clip = clip_from_track(_part(source, new, name), origin=origin, keep_place=True)
    card = CardOptions(context=_shifted(old, origin), before=before, as_track=False, accept_tip=accept_tip)
    return Proposal(clip, lambda s: Macro(replace_notes_edit(s, source, old, new, verb),
                                          text=f"{verb} {source.name}"), card)


def repair_proposal(song: Song, source: Track, old: np.ndarray, repaired: Track) -> Proposal | None:
    """The repaired notes replace ``old`` (the selection of ``source``); None when nothing changed."""
    changed = len(note_difference(old, repaired.notes))
    return replacement_proposal(song, source, old, repaired.notes, "Repair",
                                f"{source.name} repaired ({changed} changed)",
                                "Replace the selected notes with the repaired ones (one undo step)")


def _add_voices(song: Song, source: Track, voices: list[Track], text: str) -> Command:
    """The voices as new tracks right under ``source``, on MIDI channels nothing else uses."""
    at = track_index(song, source) + 1
    tracks = on_free_channels(song, voices)
    return Macro([AddTrack(t, index=at + j, text=text) for j, t in enumerate(tracks)], text=text)


def harmony_proposals(song: Song, source: Track, melody: np.ndarray, results: list[list[Track]]) -> list[Proposal]:
    """Each candidate's alto, tenor and bass become three tracks under ``source``."""
    origin = bar_at(song, int(melody["start"].min())).start
    card = CardOptions(context=_shifted(melody, origin), as_track=False,
                       accept_tip=f"Add alto, tenor and bass as three tracks under “{source.name}” (one undo step)")
    soprano = _part(source, melody)
    out = []
    for k, voices in enumerate(results, 1):
        name = f"Harmony {k} for {source.name}"
        merged = _part(voices[0], _merged([v.notes for v in voices]), name)
        out.append(Proposal(clip_from_track(merged, origin=origin, keep_place=True),
                            lambda s, vs=voices, t=name: _add_voices(s, source, vs, f"Accept {t}"),
                            card, _listen(song, [soprano, *voices], origin, name)))
    return out


def infill_proposals(song: Song, sources: Sequence[Track], old: Sequence[Track], rewrite: Sequence[int],
                     start: int, end: int, results: list[list[Track]]) -> list[Proposal]:
    """Each candidate replaces the notes of the ``rewrite`` voices between ``start`` and ``end``.

    ``sources`` are the song's voice tracks, ``old`` their copies the model was given."""
    origin = bar_at(song, start).start
    keep = [i for i in range(len(old)) if i not in rewrite]
    card = CardOptions(context=_shifted(_merged([_starting_in(old[i].notes, origin, end) for i in keep]), origin),
                       as_track=False, accept_tip="Replace the notes of the chosen voices in the region (one undo step)")
    heard_from = song.bar_start(max(0, bar_at(song, start).number - INFILL_CONTEXT_BARS))
    heard_to = song.bar_start(bar_at(song, max(end - 1, 0)).number + 1 + INFILL_CONTEXT_BARS)
    out = []
    for k, new in enumerate(results, 1):
        name = f"Infill {k}"
        region = _merged([_starting_in(new[i].notes, origin, end) for i in rewrite])
        clip = clip_from_track(_part(old[rewrite[0]], region, name), origin=origin, keep_place=True)

        def edit(s: Song, new=new, name=name) -> Command:
            cmds = [c for i in rewrite for c in replace_notes_edit(s, sources[i], old[i].notes, new[i].notes, "Infill")]
            return Macro(cmds, text=f"Accept {name}")

        listen = _listen(song, [_part(t, _starting_in(t.notes, heard_from, heard_to)) for t in new], heard_from, name)
        out.append(Proposal(clip, edit, card, listen))
    return out
