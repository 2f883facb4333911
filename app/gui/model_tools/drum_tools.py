"""The Model Tools panel's drum tools: Groove, Drumify and Continue (drums).

- Groove gives the selected hits (or the drum track) performed velocity and timing: Accept
  replaces them, one undo step; the model never adds or removes a hit.
- Drumify turns the rhythm of the selected notes (a melody's onsets, a tapped line, a drum
  part) into a kit part: Accept adds it as a new drum track under the source.
- Continue (drums) writes the bars after a drum clip: Accept adds them to the track, + Track
  puts them on a new drum track.
A melody given to Groove or Continue reaches the model, whose one-line refusal is the notice.
"""
from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox

from latentroll.app.calls.drums import (
    DrumContinueRequest,
    DrumifyRequest,
    GrooveRequest,
    continue_drums_job,
    drumify_job,
    groove_job,
)
from latentroll.core.bars import bar_at
from latentroll.core.channels import on_free_channels
from latentroll.core.commands import AddTrack, Command
from latentroll.core.song import Song, Track

from ..candidates import Proposal, track_index
from ..clip_widgets import CardOptions
from ..clips import clip_from_track
from ..model_context import ModelContext
from ..model_controls import StyleList, temperature_box
from .pages import ToolPage, _spin
from .proposals import _listen, _part, _shifted, continuation_proposals, replacement_proposal

DRUM_TOOLS = ("groove", "drumify", "drums_continue")
DRUM_TITLES = {"groove": "Groove", "drumify": "Drumify", "drums_continue": "Continue drums"}
DRUM_HINTS = {
    "groove": "The grooved hits appear here: the same hits with a drummer's velocity and timing. Hear ▶ Before "
              "and ▶ After; Accept replaces the selected hits (Ctrl+Z undoes it).",
    "drumify": "Drum parts that follow the selected rhythm appear here. Click one to hear it with the rhythm; "
               "Accept adds it as a drum track (Ctrl+Z undoes it).",
    "drums_continue": "Drum continuations appear here. Click one to hear it after the bars it continues; Accept "
                      "adds it to the drum track, + Track puts it on a new one (Ctrl+Z undoes it).",
}


class GroovePage(ToolPage):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Groove", "Give the selected drum hits a drummer's velocity and timing", parent)
        self.amount = QDoubleSpinBox(self)
        self.amount.setRange(0.0, 1.0)
        self.amount.setSingleStep(0.1)
        self.amount.setValue(1.0)
        self.amount.setToolTip("0: the hits as they are · 1: the model's full groove")
        self.styles = StyleList(max_rows=4, parent=self)
        self.form.addRow("Amount", self.amount)
        self.form.addRow("Style", self.styles)
        self.form.addRow("", self.styles.caption)
        self.finish()


class DrumifyPage(ToolPage):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Drumify", "Write a drum part that follows the rhythm of the selected notes", parent)
        self.variations = _spin(self, 1, 8, 3, "How many drum parts to write")
        self.temperature = temperature_box(self)
        self.styles = StyleList(max_rows=4, parent=self)
        self.form.addRow("Variations", self.variations)
        self.form.addRow("Temperature", self.temperature)
        self.form.addRow("Style", self.styles)
        self.form.addRow("", self.styles.caption)
        self.finish()


class DrumContinuePage(ToolPage):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Continue", "Write the bars after the selected drum hits (or the drum track)", parent)
        self.temperature = temperature_box(self)
        self.variations = _spin(self, 1, 8, 4, "How many continuations to write")
        self.bars = _spin(self, 1, 32, 4, "How many bars each continuation adds", " bars")
        self.form.addRow("Temperature", self.temperature)
        self.form.addRow("Variations", self.variations)
        self.form.addRow("Length", self.bars)
        self.finish()


def drum_pages(ctx: ModelContext, parent) -> dict[str, ToolPage]:
    return {"groove": GroovePage(ctx, parent), "drumify": DrumifyPage(ctx, parent),
            "drums_continue": DrumContinuePage(ctx, parent)}


def fill_styles(page: ToolPage, styles) -> None:
    """Give a drum page the model's styles once it has loaded."""
    if isinstance(page, (GroovePage, DrumifyPage)):
        page.styles.fill(styles)


# ---- candidates --------------------------------------------------------------------------

def groove_proposal(song: Song, source: Track, old, grooved: Track) -> Proposal | None:
    """The grooved hits replace ``old`` (the selection of ``source``); None when nothing moved."""
    return replacement_proposal(song, source, old, grooved.notes, "Groove", f"{source.name} {grooved.name.lower()}",
                                "Replace the selected hits with the grooved ones (one undo step)")


def _add_drum_track(song: Song, source: Track, part: Track, text: str) -> Command:
    track = on_free_channels(song, [part])[0]
    return AddTrack(track, index=track_index(song, source) + 1, text=text)


def drumify_proposals(song: Song, source: Track, rhythm, parts: list[Track]) -> list[Proposal]:
    """Each drum part becomes a new drum track under ``source`` (heard with the rhythm)."""
    origin = bar_at(song, int(rhythm["start"].min())).start
    card = CardOptions(context=_shifted(rhythm, origin), as_track=False,
                       accept_tip=f"Add this drum part as a new track under “{source.name}” (one undo step)")
    out = []
    for part in parts:
        if not len(part.notes):
            continue
        name = f"{part.name} of {source.name}"
        named = _part(part, part.notes, name)
        out.append(Proposal(clip_from_track(named, origin=origin, keep_place=True),
                            lambda s, p=named, t=name: _add_drum_track(s, source, p, f"Accept {t}"),
                            card, _listen(song, [_part(source, rhythm), named], origin, name)))
    return out


# ---- running -----------------------------------------------------------------------------

def run_drum_tool(panel, tool: str, source: Track, part: Track, seed: int):
    """Start ``tool`` on ``part`` (the selected notes of ``source``) from the Model Tools panel."""
    page = panel.pages[tool]
    song = panel.ctx.doc.song
    if tool == "groove":
        meter = panel._meter_at(int(part.notes["start"].min()))
        req = GrooveRequest(part, page.amount.value(), page.styles.style, meter)
        return panel._start("groove", groove_job, req, f"Grooving {source.name}",
                            lambda out: ([p] if (p := groove_proposal(song, source, part.notes, out)) else
                                         "The groove kept every hit as it was; raise the amount"))
    if tool == "drumify":
        meter = panel._meter_at(int(part.notes["start"].min()))
        req = DrumifyRequest(part, page.variations.value(), page.temperature.value(), page.styles.style, meter, seed)
        return panel._start("drumify", drumify_job, req, f"Drumifying {source.name}",
                            lambda out: drumify_proposals(song, source, part.notes, out)
                            or "The drum parts came out silent; try a higher temperature")
    req = DrumContinueRequest(part, page.bars.value(), page.variations.value(), page.temperature.value(),
                              panel._meter_at(part.end_tick() - 1), seed)
    return panel._start("drums_continue", continue_drums_job, req, f"Continuing {source.name} by {req.bars} bars",
                        lambda out: continuation_proposals(song, source, part.notes, out)
                        or "The continuations came out silent; try a higher temperature")
