"""The explorer's Drums tab (Beat Blender): interpolate between two drum clips, or blend four
corner drum clips over an N × N grid, with the Drum VAE.

The two parts are the melody tabs' own (``InterpolateTab``, ``CornerGridTab``) given a model
context whose model is the drum VAE, and the drum job functions (``app.calls.drums``) in place of
the melody ones; the melody-only controls (key, slerp/linear, "near real") are hidden.
"""
from __future__ import annotations

import random
from dataclasses import replace

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QStackedWidget, QToolButton, QVBoxLayout, QWidget

from latentroll.app.calls.drums import (
    DrumGridRequest,
    DrumInterpolateRequest,
    drum_grid,
    interpolate_drums,
    sample_drum_clips,
)
from latentroll.core.song import Track

from ..clips import clip_from_track
from ..model_context import ModelContext
from ..models_host import ModelBanner
from ..workers import Worker
from .corner_grid import CornerGridTab
from .interpolate import InterpolateTab

DRUM_GRID = "drums_grid"  # the registry tool of a model that blends drum clips


def drum_model_key(ctx: ModelContext) -> str:
    return next((k for k, s in ctx.host.specs.items() if DRUM_GRID in s.tools), "")


class DrumInterpolateTab(InterpolateTab):
    """Drum clips between A and B."""

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(ctx, parent)
        for w in (self.method, self.near_real, self.in_key):
            w.hide()
        self.canvas.hint.setText("Pick drum clips A and B (or press Random), then press Interpolate")

    def random_ends(self) -> Worker | None:
        def got(tracks: list[Track]) -> None:
            clips = self.ctx.shelf.add([clip_from_track(t, f"Random {t.name}", "generated") for t in tracks])
            if len(clips) >= 2:
                self.a.set_clip(clips[0])
                self.b.set_clip(clips[1])

        return self.ctx.host.start(self.ctx.model_key, "interp-ends", sample_drum_clips, 2, self.temperature.value(),
                                   random.randrange(2**31), label="Writing two drum clips", on_result=got)

    def run(self) -> Worker | None:
        a, b = self.a.clip, self.b.clip
        if a is None or b is None:
            self.ctx.notifier.info("Choose drum clip A and clip B first")
            return None
        self.ctx.say_what_is_cut({"Clip A": a, "Clip B": b})
        req = DrumInterpolateRequest(a.track, b.track, steps=self.steps.value(), temperature=self.temperature.value())
        return self.ctx.host.start(self.ctx.model_key, "interpolate", interpolate_drums, req,
                                   label=f"Interpolating {a.name} → {b.name}",
                                   on_result=lambda tracks: self.show(tracks, a, b))


class DrumGridTab(CornerGridTab):
    """Beat Blender: four corner drum clips and the grid of their blends."""

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(ctx, parent)
        self.in_key.hide()
        self.canvas.hint.setText("Pick four corner drum clips (or press Random corners), then Build grid")

    def random_corners(self) -> Worker | None:
        def got(tracks: list[Track]) -> None:
            clips = self.ctx.shelf.add([clip_from_track(t, f"Corner {i + 1}", "generated")
                                        for i, t in enumerate(tracks)])
            for picker, clip in zip(self.corners, clips):
                picker.set_clip(clip)

        return self.ctx.host.start(self.ctx.model_key, "grid-corners", sample_drum_clips, 4, self.temperature.value(),
                                   random.randrange(2**31), label="Writing four drum corners", on_result=got)

    def run(self) -> Worker | None:
        corners = [p.clip for p in self.corners]
        if any(c is None for c in corners):
            self.ctx.notifier.info("Choose all four corner drum clips first (or press Random corners)")
            return None
        self.ctx.say_what_is_cut(dict(zip(("Top left", "Top right", "Bottom left", "Bottom right"), corners)))
        req = DrumGridRequest(tuple(c.track for c in corners), n=self.size.value(),
                              temperature=self.temperature.value())
        return self.ctx.host.start(self.ctx.model_key, "grid", drum_grid, req,
                                   label=f"Blending a {req.n} × {req.n} drum grid", on_result=self.show)


class DrumExplorerTab(QWidget):
    """The Drums tab: the drum VAE's status, a switch between A → B and the corner grid."""

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(parent)
        key = drum_model_key(ctx)
        self.ctx = replace(ctx, model_key=key)
        self.banner = ModelBanner(ctx.host, key, parent=self)
        self.interpolate = DrumInterpolateTab(self.ctx, self)
        self.grid = DrumGridTab(self.ctx, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.interpolate)
        self.stack.addWidget(self.grid)
        switch = QHBoxLayout()
        group = QButtonGroup(self)
        self.mode_buttons: list[QToolButton] = []
        for i, (text, tip) in enumerate((("A → B", "Drum clips between two drum clips"),
                                         ("Beat Blender", "Blend four corner drum clips over a grid"))):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setChecked(i == 0)
            group.addButton(button, i)
            switch.addWidget(button)
            self.mode_buttons.append(button)
        switch.addStretch(1)
        group.idClicked.connect(self.stack.setCurrentIndex)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.banner)
        lay.addLayout(switch)
        lay.addWidget(self.stack, 1)
        self.banner.readyChanged.connect(self._on_ready)
        self._on_ready(self.banner.ready)

    def _on_ready(self, ready: bool) -> None:
        self.stack.setEnabled(ready)
        self.banner.setVisible(not ready)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.ctx.model_key:
            self.ctx.host.ensure_loaded(self.ctx.model_key)
