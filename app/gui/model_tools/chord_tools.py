"""The Model Tools panel's chord tools: Chords (suggest progressions for the melody, detect the
chords the notes sound) and Bass line (bass tracks that follow the chord track).

- Suggest: each ranked progression is a card (its chord text; the card draws it voiced as a pad).
  ▶ plays it voiced under the melody through the audition player; Accept puts it into the chord
  lane, replacing the chords of the selection's bars (or of the whole song): one undo step.
- Detect chords fills the chord lane from the notes, bar by bar (no model): one undo step.
- Bass line: one candidate track per style (root, root–fifth, walking, pop eighths, chorale),
  heard with the melody and the chords; Accept adds it as a bass track (one undo step). A song
  with no chords asks for chords first.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QPushButton, QWidget

from latentroll.app.calls.chords import BassRequest, ChordSuggestRequest, bass_candidates, suggest_chords
from latentroll.core.channels import on_free_channels
from latentroll.core.chords import ChordEvent
from latentroll.core.commands import AddTrack
from latentroll.core.song import Song, Track

from ..candidates import Proposal
from ..chord_voicing import bar_span, detected_chords_edit, merged, replace_chords, selection_bars, voiced_track
from ..clip_widgets import CardOptions
from ..clips import clip_from_track, song_like
from ..model_context import ModelContext
from .pages import ToolPage, _spin

CHORD_TOOLS = ("chords", "bass_line")
CHORD_TITLES = {"chords": "Chords", "bass_line": "Bass line"}
CHORD_HINTS = {
    "chords": "Chord progressions for the melody appear here. Click one to hear it under the melody; Accept "
              "puts it into the chord lane above the roll (Ctrl+Z undoes it).",
    "bass_line": "Bass lines that follow the chord track appear here. Click one to hear it with the melody and "
                 "the chords; Accept adds it as a bass track (Ctrl+Z undoes it).",
}
BASS_STYLES = {"root": "Root", "root_fifth": "Root–fifth", "walking": "Walking", "pop_eighths": "Pop eighths",
               "chorale": "Chorale (learned)"}
NO_CHORDS = ("This song has no chords yet: add them in the chord lane above the roll (click, type Am7), "
             "or suggest some in the Chords tab")
PREVIEW_CHORDS = 8  # chords named on a card


def _combo(parent: QWidget, items: dict[str, str], tip: str) -> QComboBox:
    box = QComboBox(parent)
    for value, text in items.items():
        box.addItem(text, value)
    box.setToolTip(tip)
    return box


class ChordsPage(ToolPage):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Suggest chords", "Suggest chord progressions for the selected melody (or the track)", parent)
        self.count = _spin(self, 1, 8, 3, "How many progressions to suggest")
        self.rhythm = _combo(self, {"bar": "One chord a bar", "half": "Two chords a bar"}, "Harmonic rhythm")
        self.vocab = _combo(self, {"simple": "Simple (triads, 7ths)", "rich": "Rich (12 qualities)"},
                            "Which chords the suggestions use")
        self.style = _combo(self, {"songbook": "Songbook", "chorale": "Chorale"}, "Harmony in the style of")
        self.detect = QPushButton("Detect chords from notes", self)
        self.detect.setToolTip("Fill the chord lane with the chords the notes sound, bar by bar (Ctrl+Z undoes it)")
        self.form.addRow("Suggestions", self.count)
        self.form.addRow("Rhythm", self.rhythm)
        self.form.addRow("Vocabulary", self.vocab)
        self.form.addRow("Style", self.style)
        self.finish()
        self.form.addRow(self.detect)

    def request(self) -> ChordSuggestRequest:
        return ChordSuggestRequest(self.count.value(), self.rhythm.currentData(), self.vocab.currentData(),
                                   self.style.currentData())


class BassPage(ToolPage):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Write bass lines", "Write bass lines that follow the chord track", parent)
        box = QWidget(self)
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.styles: dict[str, QCheckBox] = {}
        for i, (style, text) in enumerate(BASS_STYLES.items()):
            check = QCheckBox(text, box)
            check.setChecked(True)
            grid.addWidget(check, i // 2, i % 2)
            self.styles[style] = check
        self.form.addRow("Styles", box)
        self.finish()

    def chosen(self) -> tuple[str, ...]:
        return tuple(s for s, check in self.styles.items() if check.isChecked())


def chord_pages(ctx: ModelContext, parent) -> dict[str, ToolPage]:
    chords = ChordsPage(ctx, parent)
    chords.detect.clicked.connect(lambda: detect_into_lane(ctx))
    return {"chords": chords, "bass_line": BassPage(ctx, parent)}


# ---- candidates --------------------------------------------------------------------------

def progression_text(chords: list[ChordEvent]) -> str:
    names = [c.symbol.text for c in merged(chords)]
    return " ".join(names[:PREVIEW_CHORDS]) + (" …" if len(names) > PREVIEW_CHORDS else "")


def chord_proposals(song: Song, melody: Track | None, progressions: list[list[ChordEvent]],
                    start: int, end: int | None) -> list[Proposal]:
    """Each progression as a card: accept replaces the chords of ``[start, end)``."""
    where = "the whole song" if end is None else "the selected bars"
    card = CardOptions(as_track=False, accept_tip=f"Put these chords into the chord lane for {where} (one undo step)")
    out = []
    for rank, chords in enumerate(progressions):
        inside = [c for c in chords if c.tick >= start and (end is None or c.tick < end)]
        if not inside:
            continue
        name = f"{rank + 1}. {progression_text(inside)}"
        pad = voiced_track(song, inside, name=name)
        if not len(pad.notes):
            continue
        heard = [t for t in (melody, pad) if t is not None]
        out.append(Proposal(clip_from_track(pad, origin=start, keep_place=True),
                            lambda s, c=inside: replace_chords(s, c, start, end, text="Accept chords"),
                            card, song_like(song, [t.copy() for t in heard], name)))
    return out


def bass_proposals(song: Song, melody: Track | None, lines: list[Track], styles: tuple[str, ...]) -> list[Proposal]:
    """Each bass line as a card heard with the melody and the chords; Accept adds it as a track."""
    pad = voiced_track(song)
    card = CardOptions(as_track=False, accept_tip="Add this bass line as a new track (one undo step)")
    out = []
    for style, line in zip(styles, lines):
        if not len(line.notes):
            continue
        line = line.copy()
        line.name = f"Bass ({BASS_STYLES.get(style, style).lower()})"
        heard = [t.copy() for t in (melody, pad, line) if t is not None and len(t.notes)]
        out.append(Proposal(clip_from_track(line, origin=0, keep_place=True),
                            lambda s, t=line: AddTrack(on_free_channels(s, [t])[0], text=f"Accept {t.name}"),
                            card, song_like(song, heard, line.name)))
    return out


# ---- running -----------------------------------------------------------------------------

def _suggest_job(svc, args: tuple[Song, ChordSuggestRequest], progress=None) -> list[list[ChordEvent]]:
    return suggest_chords(svc, *args, progress=progress)


def _bass_job(svc, args: tuple[Song, BassRequest], progress=None) -> list[Track]:
    return bass_candidates(svc, *args, progress=progress)


def detect_into_lane(ctx: ModelContext) -> None:
    """Detect chords: the selection's bars (or the song) of the chord lane, one undo step."""
    song, state = ctx.doc.song, ctx.state
    edit, message = detected_chords_edit(song, *selection_bars(song, state.track, state.selection))
    if edit is not None:
        ctx.doc.push(edit)
    ctx.notifier.info(message)


def _melody(song: Song, state) -> tuple[Song, Track | None, int, int | None]:
    """What the suggester hears: the selected notes (their bars), else the song as it is."""
    track = state.track
    sel = state.selection
    if track is not None and not track.is_drum and len(sel) and len(track.notes):
        part = track.copy()
        part.notes = track.notes[sel[sel < len(track.notes)]].copy()
        start, end = bar_span(song, part.notes)
        return song_like(song, [part], song.title), part, start, end
    pitched = [t for t in song.tracks if not t.is_drum and len(t.notes)]
    melody = max(pitched, key=lambda t: len(t.notes)) if pitched else None
    return song, melody, 0, None


def run_chord_tool(panel, tool: str, seed: int):
    """Start a chord tool from the Model Tools panel (the panel's ``_start``)."""
    ctx = panel.ctx
    song = ctx.doc.song
    if tool == "chords":
        heard, melody, start, end = _melody(song, ctx.state)
        if melody is None:
            ctx.notifier.info("Chord suggestion needs a melody: add notes (or select them) first")
            return None
        req = panel.pages["chords"].request()
        return panel._start("chords", _suggest_job, (heard, req), "Suggesting chords",
                            lambda out: chord_proposals(song, melody, out, start, end)
                            or "No progression came back for these notes")
    if not song.chords:
        ctx.notifier.info(NO_CHORDS)
        return None
    styles = panel.pages["bass_line"].chosen()
    if not styles:
        ctx.notifier.info("Tick at least one bass style")
        return None
    _heard, melody, _s, _e = _melody(song, ctx.state)
    return panel._start("bass_line", _bass_job, (song.copy(), BassRequest(styles, seed)), "Writing bass lines",
                        lambda out: bass_proposals(song, melody, out, styles) or "The bass lines came out empty")
