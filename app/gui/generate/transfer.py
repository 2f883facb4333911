"""A style transfer's result as a candidate: Accept replaces the notes it was made from, "+ Track"
puts the restyled melody on a new track under its source (a free MIDI channel), each one undo
step, like the Model Tools' candidates."""
from __future__ import annotations

import numpy as np

from latentroll.core.channels import on_free_channels
from latentroll.core.commands import AddTrack, Command, Macro
from latentroll.core.song import Song, Track

from ..candidates import Proposal, replace_notes_edit, track_index
from ..clip_widgets import CardOptions
from ..clips import Clip, short_track_name


def transfer_proposal(source: Track, old: np.ndarray, clip: Clip) -> Proposal:
    """``clip`` (the restyled notes, anchored where ``old`` was) replaces ``old``, the notes of
    ``source`` the transfer was made from; or joins the song as a track under ``source``."""
    assert clip.anchor is not None, "a transfer goes back where its notes were"
    new = clip.track.notes.copy()
    new["start"] += clip.anchor
    before = old.copy()
    before["start"] -= clip.anchor

    def replace(song: Song) -> Command:
        return Macro(replace_notes_edit(song, source, old, new, f"Accept {clip.name}"),
                     text=f"Accept {clip.name} in place of {source.name}")

    def as_track(song: Song) -> Command:
        track = source.copy()
        track.notes, track.name, track.mute, track.solo = new.copy(), short_track_name(clip.name), False, False
        track = on_free_channels(song, [track])[0]
        return AddTrack(track, index=track_index(song, source) + 1, text=f"Accept {clip.name} as a track")

    card = CardOptions(context=before,
                       accept_tip=f"Replace the notes of “{source.name}” it was made from (one undo step)",
                       track_tip=f"Put it on a new track under “{source.name}”, at its place (one undo step)")
    return Proposal(clip, replace, card, as_track=as_track)
