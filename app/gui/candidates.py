"""The candidate list under a model panel: newest first, each a card to hear, accept or drag out;
and a ``Proposal``: a candidate that edits the song in place when accepted.

The Generate panel and the Model Tools panel both show their results here; what Accept and ▶
do is up to the panel (insert a clip at the playhead, add a continuation to its track…). A
proposal's edit is made when the user presses Accept, against the song as it is then: the
source track is found by identity and the notes it replaces by value, so an edit made in the
meantime either still fits or the accept is refused with a message; it never lands on the
wrong notes. Every accept is one command: one undo step.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from latentroll.core.bars import bar_at
from latentroll.core.commands import AddNotes, AddTrack, Command, CommandError, Macro, RemoveNotes
from latentroll.core.song import Song, Track

from .clip_widgets import CardOptions, ClipCard
from .clips import Clip
from .model_context import ModelContext

MAX_CARDS = 32


class CandidateList(QWidget):
    def __init__(self, ctx: ModelContext, hint: str, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.cards: list[ClipCard] = []
        self.label = QLabel("Candidates", self)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.setToolTip("Remove the candidates from this list")
        self.empty_hint = QLabel(hint, self)
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setObjectName("dim")
        self.card_box = QWidget()
        self.card_layout = QVBoxLayout(self.card_box)
        self.card_layout.setContentsMargins(0, 0, 0, 0)
        self.card_layout.setSpacing(6)
        self.card_layout.addWidget(self.empty_hint)
        self.card_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.card_box)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        head = QHBoxLayout()
        head.addWidget(self.label, 1)
        head.addWidget(self.clear_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(scroll, 1)
        ctx.audition.playingChanged.connect(self._on_playing)

    def add(self, clips: list[Clip], accept: Callable[[Clip, bool], None],
            play: Callable[[Clip], None] | None = None, options: list[CardOptions] | None = None) -> list[ClipCard]:
        """Put cards for ``clips`` at the top (in order); the oldest beyond ``MAX_CARDS`` go."""
        clip_ticks = self.ctx.clip_ticks()
        play = play or self.ctx.play
        self.empty_hint.hide()
        added = []
        for i, clip in enumerate(clips):
            card = ClipCard(clip, clip_ticks, self.card_box, options[i] if options else CardOptions())
            card.playRequested.connect(play)
            card.acceptRequested.connect(accept)
            card.dragRequested.connect(lambda c, w=card: self.ctx.drag(w, c))
            self.card_layout.insertWidget(i, card)
            added.append(card)
        self.cards[:0] = added
        for card in self.cards[MAX_CARDS:]:
            card.deleteLater()
        del self.cards[MAX_CARDS:]
        self.label.setText(f"Candidates ({len(self.cards)})")
        return added

    def clear(self) -> None:
        for card in self.cards:
            card.deleteLater()
        self.cards.clear()
        self.empty_hint.show()
        self.label.setText("Candidates")

    def _on_playing(self, uid) -> None:
        for card in self.cards:
            before = card.options.before
            card.set_playing(uid is not None and uid in (card.clip.uid, before.uid if before else None))


# ---- proposals: candidates that edit the song in place --------------------------------------

@dataclass(frozen=True)
class Proposal:
    clip: Clip                          # what the card draws, plays (unless ``listen``) and drags out
    edit: Callable[[Song], Command]     # the accepting edit, made against the song at accept time
    card: CardOptions = CardOptions()
    listen: Song | None = None          # what ▶ plays: the candidate with the music around it
    as_track: Callable[[Song], Command] | None = None  # "+ Track": the same notes on a new track


def track_index(song: Song, track: Track) -> int:
    """Where ``track`` (the very object) is in ``song`` now."""
    for i, t in enumerate(song.tracks):
        if t is track:
            return i
    raise CommandError(f"The track “{track.name}” is no longer in the song; run the tool again")


def _rows(notes: np.ndarray) -> list[tuple]:
    return [tuple(r) for r in notes.tolist()]


def note_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The notes of ``a`` that are not in ``b``, as multisets (equal in every field)."""
    left = Counter(_rows(b))
    keep = []
    for i, r in enumerate(_rows(a)):
        if left[r]:
            left[r] -= 1
        else:
            keep.append(i)
    return a[np.array(keep, dtype=np.int64)]


def rows_of(notes: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row indices of ``wanted`` in ``notes`` (each row used once), or CommandError if one is gone."""
    where: dict[tuple, list[int]] = {}
    for i, r in enumerate(_rows(notes)):
        where.setdefault(r, []).append(i)
    rows = []
    for r in _rows(wanted):
        if not where.get(r):
            raise CommandError("The notes this candidate replaces were edited since; run the tool again")
        rows.append(where[r].pop(0))
    return np.array(sorted(rows), dtype=np.int64)


def replace_notes_edit(song: Song, track: Track, old: np.ndarray, new: np.ndarray, text: str) -> list[Command]:
    """The commands that turn the notes ``old`` of ``track`` into ``new``; notes in both stay."""
    i = track_index(song, track)
    gone, added = note_difference(old, new), note_difference(new, old)
    cmds: list[Command] = []
    if len(gone):
        cmds.append(RemoveNotes(i, rows_of(song.tracks[i].notes, gone), text=text))
    if len(added):
        cmds.append(AddNotes(i, added, text=text))
    return cmds


def bars_text(song: Song, start: int, end: int) -> str:
    first, last = bar_at(song, start).number + 1, bar_at(song, max(end - 1, start)).number + 1
    return f"bar {first}" if first == last else f"bars {first}–{last}"


def overlapped(track: Track, notes: np.ndarray) -> np.ndarray:
    """The notes of ``track`` that sound while ``notes`` do (between their first start and last end)."""
    if not len(notes) or not len(track.notes):
        return track.notes[:0]
    start, end = int(notes["start"].min()), int((notes["start"] + notes["duration"]).max())
    t = track.notes
    return t[(t["start"] < end) & (t["start"] + t["duration"] > start)]


def overlapped_text(song: Song, track: Track, notes: np.ndarray) -> str:
    """The notes of ``track`` that adding ``notes`` would write over ("3 notes of “Piano” (bars 3–4)"), or ""."""
    under = overlapped(track, notes)
    if not len(under):
        return ""
    span = bars_text(song, int(under["start"].min()), int((under["start"] + under["duration"]).max()))
    return f"{len(under)} note{'s' * (len(under) != 1)} of “{track.name}” ({span})"


def flat_commands(command: Command) -> list[Command]:
    if isinstance(command, Macro):
        return [c for sub in command.commands for c in flat_commands(sub)]
    return [command]


def accept_proposal(ctx: ModelContext, p: Proposal, new_track: bool = False) -> Command | None:
    """Put the candidate into the song (on a new track for "+ Track", where it offers one) as
    one undo step; select and reveal what it added; say so, what it wrote over, or why not."""
    doc, state, name = ctx.doc, ctx.state, p.clip.name
    edit = p.as_track if new_track and p.as_track is not None else p.edit
    try:
        command = edit(doc.song)
        flat = flat_commands(command)
        adds_only = not any(isinstance(c, RemoveNotes) for c in flat)  # a replacement overlaps by design
        over = [overlapped_text(doc.song, doc.song.tracks[c.track], c.notes)
                for c in flat if adds_only and isinstance(c, AddNotes)]
        if isinstance(command, Macro) and not command.commands:
            raise CommandError(f"“{name}” is the same as the song; nothing to accept")
        doc.push(command)
    except CommandError as exc:
        ctx.notifier.warning(str(exc))
        return None
    flat = flat_commands(command)
    added_tracks = [c for c in flat if isinstance(c, AddTrack)]
    added_notes = [c for c in flat if isinstance(c, AddNotes)]
    added = [c.notes for c in added_notes] + [c.track.notes for c in added_tracks]
    added = [n for n in added if len(n)]
    if added:
        state.request_reveal(min(int(n["start"].min()) for n in added),
                             max(int((n["start"] + n["duration"]).max()) for n in added))
    if added_tracks:
        state.set_current_track(added_tracks[0]._at)
    elif added_notes:
        mine = next((c for c in added_notes if c.track == state.current_track), added_notes[0])
        state.set_current_track(mine.track)
        state.set_selection(mine.new_indices)
    over = [w for w in over if w]
    if over:
        ctx.notifier.warning(f"Accepted “{name}” over {', '.join(over)} — Ctrl+Z undoes it")
    else:
        ctx.notifier.info(f"Accepted “{name}” — Ctrl+Z undoes it")
    return command
