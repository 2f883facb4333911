"""The Model Tools panel: Continue (LSTM), Repair (autoencoder), Harmonize and Infill (chorale CNN),
the drum tools Groove, Drumify and Continue drums (``drum_tools.py``) and the chord tools Chords
and Bass line (``chord_tools.py``), under a row of tabs for their families (``tool_tabs.py``).

Each tool takes what the piano roll points at — the selected notes (or the current track), or
for Infill a time region and the voices to rewrite — runs its model in a worker (progress and
Cancel in the status bar and on the tool's button), and shows the results as candidates to
hear and accept. Accepting is one undo step; a candidate whose notes were edited since is
refused with a message rather than applied to the wrong notes.
"""
from __future__ import annotations

import random
from typing import Callable

from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from latentroll.app.calls.tools import (
    ContinueRequest,
    HarmonizeRequest,
    InfillRequest,
    RepairRequest,
    continue_job,
    harmonize_job,
    infill_job,
    repair_job,
)
from latentroll.core.commands import Command
from latentroll.core.song import Track

from ..candidates import CandidateList, Proposal, accept_proposal, bars_text
from ..clips import Clip, selection_track
from ..model_context import ModelContext
from ..models_host import FAILED, MISSING, ModelBanner
from ..undo import ChangeSet
from ..workers import Worker
from .chord_tools import (
    CHORD_HINTS,
    CHORD_TITLES,
    CHORD_TOOLS,
    NO_CHORDS,
    chord_pages,
    run_chord_tool,
)
from .drum_tools import DRUM_HINTS, DRUM_TITLES, DRUM_TOOLS, drum_pages, fill_styles, run_drum_tool
from .pages import VOICES, ContinuePage, HarmonizePage, InfillPage, RepairPage, ToolPage
from .proposals import continuation_proposals, harmony_proposals, infill_proposals, repair_proposal
from .tool_tabs import ToolTab, ToolTabs

TOOLS = ("continue", "repair", "harmonize", "infill", *DRUM_TOOLS, *CHORD_TOOLS)
TITLES = {"continue": "Continue", "repair": "Repair", "harmonize": "Harmonize", "infill": "Infill", **DRUM_TITLES,
          **CHORD_TITLES}
HINTS = {  # what each tool's empty candidate list says
    "continue": "Continuations appear here. Click one to hear it after the notes it continues; Accept adds it "
                "to the track, + Track puts it on a new one (Ctrl+Z undoes it).",
    "repair": "The repaired melody appears here. Hear ▶ Before and ▶ After; Accept replaces the selected "
              "notes (Ctrl+Z undoes it).",
    "harmonize": "Harmonizations appear here. Click one to hear it with the melody; Accept adds alto, tenor "
                 "and bass as three tracks (Ctrl+Z undoes it).",
    "infill": "Infills appear here. Click one to hear it with the music around it; Accept rewrites the "
              "chosen voices in the region (Ctrl+Z undoes it).",
    **DRUM_HINTS,
    **CHORD_HINTS,
}


class ModelToolsPanel(QWidget):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.host = ctx.host
        self.models = {tool: next(k for k, s in self.host.specs.items() if tool in s.tools) for tool in TOOLS}
        self.proposals: dict[int, Proposal] = {}  # by card clip uid
        self._pending: str | None = None  # a tool to run once its model has loaded

        specs = {tool: self.host.specs[self.models[tool]] for tool in TOOLS}
        self.tabs = ToolTabs([ToolTab(tool, TITLES[tool], specs[tool].family or "Tools", specs[tool].label)
                              for tool in TOOLS], self)
        self.banner = ModelBanner(self.host, self.models[TOOLS[0]], parent=self)
        self.banner.readyChanged.connect(lambda _r: self._refresh_enabled())
        self.source = QLabel(self)
        self.source.setWordWrap(True)
        self.source.setObjectName("dim")
        self.pages: dict[str, ToolPage] = {
            "continue": ContinuePage(ctx, self), "repair": RepairPage(ctx, self),
            "harmonize": HarmonizePage(ctx, self), "infill": InfillPage(ctx, self), **drum_pages(ctx, self),
            **chord_pages(ctx, self),
        }
        self.stack = QStackedWidget(self)
        for tool in TOOLS:
            page = self.pages[tool]
            self.stack.addWidget(page)
            page.run_button.clicked_run.connect(lambda t=tool: self.run(t))
            page.run_button.clicked_cancel.connect(lambda t=tool: self.host.cancel(self.models[t], t))
        # Each tool keeps its own candidates: the Repair tab never shows continuations, and a
        # new run of one tool leaves the others' lists as they were.
        self.lists: dict[str, CandidateList] = {tool: CandidateList(ctx, HINTS[tool], self) for tool in TOOLS}
        self.results = QStackedWidget(self)
        for tool in TOOLS:
            self.results.addWidget(self.lists[tool])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addWidget(self.tabs)
        lay.addWidget(self.banner)
        lay.addWidget(self.source)
        lay.addWidget(self.stack)
        lay.addWidget(self.results, 1)
        self.setMinimumWidth(330)

        self.tabs.toolChanged.connect(lambda _t: self._on_tool_changed())
        self.host.loaded.connect(self._on_model_loaded)
        self.host.statusChanged.connect(self._on_model_status)
        st, doc = ctx.state, ctx.doc
        for sig in (st.selectionChanged, st.loopChanged, doc.songReplaced):
            sig.connect(self.refresh_source)
        st.trackChanged.connect(lambda _i: self.refresh_source())
        doc.changed.connect(self._on_doc_changed)
        doc.songReplaced.connect(self.clear)
        self.pages["infill"].voices.changed.connect(self.refresh_source)
        self._on_tool_changed()

    # ---- which tool ----------------------------------------------------------------------
    @property
    def tool(self) -> str:
        return self.tabs.tool

    def show_tool(self, tool: str) -> None:
        """Show ``tool``'s family and, under it, the tool."""
        self.tabs.set_tool(tool)

    def page(self, tool: str | None = None) -> ToolPage:
        return self.pages[tool or self.tool]

    def _on_tool_changed(self) -> None:
        for page in self.pages.values():  # the stack takes the shown page's height, not the tallest
            shown = page is self.page()
            page.setSizePolicy(QSizePolicy.Policy.Preferred if shown else QSizePolicy.Policy.Ignored,
                               QSizePolicy.Policy.Maximum if shown else QSizePolicy.Policy.Ignored)
        self.stack.setCurrentWidget(self.page())
        self.results.setCurrentWidget(self.candidates)
        self.stack.adjustSize()
        self.banner.set_key(self.models[self.tool])
        self.load_model()
        self._refresh_enabled()
        self.refresh_source()

    def load_model(self) -> None:
        """Load the current tool's model once the panel is on screen (never at start-up)."""
        if self.isVisible():
            self.host.ensure_loaded(self.models[self.tool])

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.load_model()

    def _refresh_enabled(self) -> None:
        for tool, page in self.pages.items():
            ready = self.host.ready(self.models[tool])
            page.setEnabled(ready)
            if ready and isinstance(page, ContinuePage):
                info = self.host.info(self.models[tool])
                page.styles.fill(info.styles if info else ())
            elif ready and tool in DRUM_TOOLS:
                info = self.host.info(self.models[tool])
                fill_styles(page, info.styles if info else ())

    def _on_model_status(self, key: str) -> None:
        self._refresh_enabled()
        if self._pending and self.models[self._pending] == key and self.host.status(key) in (MISSING, FAILED):
            self._pending = None  # it failed to load: the banner and a message say why

    def _on_model_loaded(self, key: str) -> None:
        if self._pending and self.models[self._pending] == key:
            tool, self._pending = self._pending, None
            self.run(tool)

    def run_when_ready(self, tool: str) -> Worker | None:
        """Run ``tool`` now, or as soon as its model has loaded (a menu command)."""
        self.show_tool(tool)
        key = self.models[tool]
        if self.host.ready(key):
            return self.run(tool)
        self._pending = tool
        self.host.ensure_loaded(key, retry=True)
        return None

    # ---- what the tools work on ---------------------------------------------------------
    def _on_doc_changed(self, changes: ChangeSet) -> None:
        if changes.tracks or changes.track_props or changes.rows or changes.maps:
            self.refresh_source()

    def voice_tracks(self) -> list[Track]:
        """The pitched tracks with notes: what the Infill page offers as voices."""
        return [t for t in self.ctx.doc.song.tracks if not t.is_drum and len(t.notes)]

    def infill_voices(self) -> tuple[list[Track], str | None]:
        """The four voices ticked in the Infill page, or why there are not four."""
        page = self.pages["infill"]
        offered = self.voice_tracks()
        page.set_tracks(offered)
        chosen = page.voices.chosen()
        if len(offered) < VOICES:
            return chosen, (f"Infill needs four voice tracks (soprano, alto, tenor, bass) with notes; "
                            f"this song has {len(offered)}")
        if len(chosen) != VOICES:
            return chosen, f"Infill works on four voice tracks: tick four in its Voices list ({len(chosen)} ticked)"
        return chosen, None

    def region(self) -> tuple[int, int, str]:
        """Infill's time span: the loop when it is on, else the selected notes, else the loop region."""
        st = self.ctx.state
        track = st.track
        if not st.loop_enabled and track is not None and len(st.selection):
            rows = track.notes[st.selection]
            return int(rows["start"].min()), int((rows["start"] + rows["duration"]).max()), "the selected notes"
        return st.loop_start, st.loop_end, "the loop" if st.loop_enabled else "the loop region"

    def refresh_source(self) -> None:
        song, st = self.ctx.doc.song, self.ctx.state
        if self.tool == "infill":
            _voices, problem = self.infill_voices()
            start, end, how = self.region()
            text = f"Region: {bars_text(song, start, end)} ({how})."
            self.source.setText(text + (f" {problem}." if problem else ""))
            return
        if self.tool == "bass_line":
            n = len(song.chords)
            self.source.setText(f"Follows the chord track ({n} chord{'s' * (n != 1)})." if n else
                                "The song has no chords yet: add them in the chord lane or the Chords tab.")
            return
        track = st.track
        if track is None or not len(track.notes):
            self.source.setText("Select notes in the piano roll (or pick a track with notes).")
        elif track.is_drum and self.tool not in DRUM_TOOLS:
            self.source.setText(f"“{track.name}” is a drum track; pick a pitched track.")
        else:
            sel = st.selection[st.selection < len(track.notes)]  # mid-edit, rows may not be checked yet
            rows = track.notes[sel] if len(sel) else track.notes
            what = f"{len(rows)} selected notes" if len(sel) else f"the whole track ({len(rows)} notes)"
            span = bars_text(song, int(rows["start"].min()), int((rows["start"] + rows["duration"]).max()))
            self.source.setText(f"From “{track.name}”: {what}, {span}.")

    def _selection(self, verb: str) -> tuple[Track, Track] | None:
        """The current track (the object in the song) and a copy of the notes to work on."""
        track = self.ctx.state.track
        if track is None or not len(track.notes):
            self.ctx.notifier.info(f"Select the notes to {verb} (or pick a track with notes)")
            return None
        if track.is_drum:
            self.ctx.notifier.info(f"“{track.name}” is a drum track; pick a pitched track to {verb}")
            return None
        return track, selection_track(self.ctx.state)

    # ---- running -------------------------------------------------------------------------
    def run(self, tool: str | None = None, seed: int | None = None) -> Worker | None:
        """Start ``tool`` (default: the shown one) on what the piano roll points at."""
        tool = tool or self.tool
        seed = random.randrange(2**31) if seed is None else seed
        if tool in DRUM_TOOLS:
            return self._run_drums(tool, seed)
        if tool in CHORD_TOOLS:
            return run_chord_tool(self, tool, seed)
        return getattr(self, f"_run_{tool}")(seed)

    def _run_drums(self, tool: str, seed: int) -> Worker | None:
        """A drum tool takes any track with notes: Drumify reads a melody's onsets, and Groove and
        Continue (drums) leave a melody to the model, whose refusal is the notice."""
        track = self.ctx.state.track
        if track is None or not len(track.notes):
            self.ctx.notifier.info(f"Select the notes for {TITLES[tool]} (or pick a track with notes)")
            return None
        return run_drum_tool(self, tool, track, selection_track(self.ctx.state), seed)

    def _start(self, tool: str, job: Callable, req, label: str,
               make: Callable[[object], list[Proposal] | str]) -> Worker | None:
        """Run ``job`` in a worker; ``make`` turns its result into candidates, or into the
        message that says why there are none."""
        song = self.ctx.doc.song

        def done(result) -> None:
            if self.ctx.doc.song is not song:
                return  # another song was opened meanwhile
            proposals = make(result)
            if isinstance(proposals, str):
                self.ctx.notifier.info(proposals)
            else:
                self.show_proposals(proposals, tool)

        worker = self.host.start(self.models[tool], tool, job, req, label=label, on_result=done)
        return self.page(tool).run_button.track(worker)

    def _meter_at(self, tick: int) -> tuple[int, int]:
        ts = self.ctx.doc.song.time_signature_at(max(0, tick))
        return ts.numerator, ts.denominator

    def _followed_chords(self, page) -> tuple | None:
        """The song's chord track when the page's "Follow chords" is ticked (() when not); None,
        after telling the user, when it is ticked but the song has no chords."""
        if not page.key.follow_chords.isChecked():
            return ()
        if not self.ctx.doc.song.chords:
            self.ctx.notifier.info(NO_CHORDS)
            return None
        return tuple(self.ctx.doc.song.chords)

    def _run_continue(self, seed: int) -> Worker | None:
        got = self._selection("continue")
        if got is None:
            return None
        source, part = got
        page = self.pages["continue"]
        song = self.ctx.doc.song
        chords = self._followed_chords(page)
        if chords is None:
            return None
        req = ContinueRequest(part, page.bars.value(), page.variations.value(), page.temperature.value(),
                              page.styles.style, page.key.scale, self._meter_at(part.end_tick() - 1), seed, chords)
        return self._start("continue", continue_job, req, f"Continuing {source.name} by {req.bars} bars",
                           lambda out: continuation_proposals(song, source, part.notes, out)
                           or "The continuations came out silent; try a higher temperature")

    def _run_repair(self, seed: int) -> Worker | None:
        got = self._selection("repair")
        if got is None:
            return None
        source, part = got
        strength = self.pages["repair"].strength.value()
        req = RepairRequest(part, strength, self._meter_at(int(part.notes["start"].min())))
        song = self.ctx.doc.song

        def make(out: Track) -> list[Proposal] | str:
            if not len(out.notes):
                return "The repair came out silent; try a lower strength"
            p = repair_proposal(song, source, part.notes, out)
            return [p] if p is not None else \
                f"Nothing to repair at strength {strength:.1f}: the model would keep every note"

        return self._start("repair", repair_job, req, f"Repairing {source.name}", make)

    def _run_harmonize(self, seed: int) -> Worker | None:
        got = self._selection("harmonize")
        if got is None:
            return None
        source, part = got
        page = self.pages["harmonize"]
        chords = self._followed_chords(page)
        if chords is None:
            return None
        req = HarmonizeRequest(part, page.candidates.value(), page.temperature.value(), page.key.scale, seed,
                               page.voice_leading.isChecked(), chords)
        song = self.ctx.doc.song
        return self._start("harmonize", harmonize_job, req, f"Harmonizing {source.name}",
                           lambda out: harmony_proposals(song, source, part.notes, out))

    def _run_infill(self, seed: int) -> Worker | None:
        voices, problem = self.infill_voices()
        if problem:
            self.ctx.notifier.info(problem)
            return None
        page = self.pages["infill"]
        rewrite = page.rewrite
        if not rewrite:
            self.ctx.notifier.info("Tick the voices to rewrite in the Infill page")
            return None
        chords = self._followed_chords(page)
        if chords is None:
            return None
        start, end, how = self.region()
        song = self.ctx.doc.song
        copies = tuple(t.copy() for t in voices)
        req = InfillRequest(copies, start, end, rewrite, page.candidates.value(), page.temperature.value(),
                            page.key.scale, seed, page.voice_leading.isChecked(), chords)
        return self._start("infill", infill_job, req, f"Infilling {bars_text(song, start, end)} ({how})",
                           lambda out: infill_proposals(song, voices, copies, rewrite, start, end, out))

    # ---- candidates ----------------------------------------------------------------------
    def show_proposals(self, proposals: list[Proposal], tool: str | None = None) -> None:
        """Put ``proposals`` at the top of ``tool``'s list (default: the shown tool's)."""
        for p in proposals:
            self.proposals[p.clip.uid] = p
        self.lists[tool or self.tool].add([p.clip for p in proposals], self.accept, self.play,
                                          [p.card for p in proposals])
        shown = {c.clip.uid for cards in self.lists.values() for c in cards.cards}
        self.proposals = {uid: p for uid, p in self.proposals.items() if uid in shown}

    @property
    def candidates(self) -> CandidateList:
        """The shown tool's candidate list."""
        return self.lists[self.tool]

    @property
    def cards(self):
        """The shown tool's candidates, newest first."""
        return self.candidates.cards

    def play(self, clip: Clip) -> None:
        p = self.proposals.get(clip.uid)
        if p is not None and p.listen is not None:
            self.ctx.audition.play_song(clip.uid, clip.name, p.listen)
        else:
            self.ctx.play(clip)  # a repair's before / after: the notes alone

    def accept(self, clip: Clip, new_track: bool = False) -> Command | None:
        """Put the candidate into the song (on a new track for "+ Track", where the tool offers
        one) as one undo step; say so, what it wrote over, or why not."""
        p = self.proposals.get(clip.uid)
        return accept_proposal(self.ctx, p, new_track) if p is not None else None

    def clear(self) -> None:
        for cards in self.lists.values():
            cards.clear()
        self.proposals.clear()
