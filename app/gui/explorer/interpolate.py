"""Interpolation strip: clips between A and B, each a mini piano roll to hear, insert or drag."""
from __future__ import annotations

import random

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from latentroll.app.calls.explorer import InterpolateRequest, interpolate_clips, sample_clips
from latentroll.app.calls.phrases import DEFAULT_PHRASE_BARS, PhraseRoute, bars_of, route_phrase
from latentroll.core.bars import bar_at
from latentroll.core.chords import ChordEvent
from latentroll.core.song import Track

from ..chord_voicing import chords_from
from ..clip_widgets import ClipActions
from ..clips import Clip, clip_from_track
from ..model_context import ModelContext
from ..model_controls import NO_CHORDS, follow_chords_box
from ..workers import Worker
from .canvas import ClipCanvas, strip_cols
from .controls import KeyCheck, PhraseNote, clip_picker, temperature_box, tool_row


class InterpolateTab(QWidget):
    resultsChanged = Signal()

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.a = clip_picker(ctx, self, "Clip A: where the strip starts")
        self.b = clip_picker(ctx, self, "Clip B: where the strip ends")
        swap = QToolButton(self)
        swap.setText("⇄")
        swap.setToolTip("Swap A and B")
        swap.clicked.connect(self.swap)
        dice = QToolButton(self)
        dice.setText("Random")
        dice.setToolTip("Random A and B: let the model write two clips to start from")
        dice.clicked.connect(self.random_ends)
        self.steps = QSpinBox(self)
        self.steps.setRange(2, 16)
        self.steps.setValue(7)
        self.steps.setPrefix("steps ")
        self.steps.setToolTip("How many clips from A to B, both included")
        self.temperature = temperature_box(self)
        self.method = QComboBox(self)
        self.method.addItem("slerp", "slerp")
        self.method.addItem("linear", "lerp")
        self.method.setToolTip("slerp follows the sphere where the model's codes live (smoother); "
                               "linear cuts straight across")
        self.near_real = QCheckBox("Near real", self)
        self.near_real.setChecked(True)
        self.near_real.setToolTip("Draw the in-between clips part of the way toward melodies the model learned "
                                  "from, so they sound like real tunes; off: the plain path (A and B never change)")
        self.in_key = KeyCheck(ctx, self)
        self.follow_chords = follow_chords_box(self)
        self.run_button = QPushButton("Interpolate", self)
        self.run_button.setObjectName("generate")
        self.run_button.clicked.connect(self.run)
        self.note = PhraseNote(self)
        self.canvas = ClipCanvas(self, "Pick clips A and B (from the clip list, the piano-roll selection "
                                       "or a file), then press Interpolate")
        self.canvas.clicked.connect(self._on_clicked)
        self.canvas.activated.connect(lambda i: self.ctx.insert(self.canvas.clip(i)))
        self.canvas.dragRequested.connect(lambda i: self.ctx.drag(self.canvas, self.canvas.clip(i)))
        self.actions = ClipActions(lambda: self.canvas.clip(self.canvas.selected), ctx.play, ctx.insert, ctx.keep,
                                   self)
        ctx.audition.playingChanged.connect(self.canvas.set_playing)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        # Three short rows: the tab fits the right dock (window_layout.RIGHT_DOCK_MIN).
        lay.addLayout(tool_row(QLabel("A", self), (self.a, 1), swap, QLabel("B", self), (self.b, 1)))
        lay.addLayout(tool_row(dice, self.steps, self.temperature, self.method, 1))
        lay.addLayout(tool_row(self.near_real, self.in_key, self.follow_chords, 1, self.run_button))
        lay.addWidget(self.note)
        lay.addWidget(self.canvas, 1)
        lay.addWidget(self.actions)

    def swap(self) -> None:
        a, b = self.a.clip, self.b.clip
        self.a.set_clip(b)
        self.b.set_clip(a)

    def random_ends(self) -> Worker | None:
        def got(tracks: list[Track]) -> None:
            clips = self.ctx.shelf.add([clip_from_track(t, f"Random {t.name.split()[-1]}", "generated")
                                          for t in tracks])
            if len(clips) >= 2:
                self.a.set_clip(clips[0])
                self.b.set_clip(clips[1])

        model = self.ctx.phrase_model(DEFAULT_PHRASE_BARS)  # clips of the default length, from the model that writes it
        return self.ctx.host.start(model, "interp-ends", sample_clips, 2, self.temperature.value(),
                                   self.in_key.scale, random.randrange(2**31), label="Writing two clips",
                                   on_result=got)

    def run(self) -> Worker | None:
        a, b = self.a.clip, self.b.clip
        if a is None or b is None:
            self.ctx.notifier.info("Choose clip A and clip B first")
            return None
        song = self.ctx.doc.song
        if self.follow_chords.isChecked() and not song.chords:
            self.ctx.notifier.info(NO_CHORDS)
            return None
        route = route_phrase({"Clip A": bars_of(a.span), "Clip B": bars_of(b.span)}, self.ctx.phrase_models())
        self.note.say(route.note, self.ctx.notifier)
        req = InterpolateRequest(a.track, b.track, steps=self.steps.value(), method=self.method.currentData(),
                                 temperature=self.temperature.value(), scale=self.in_key.scale,
                                 seed=random.randrange(2**31), near_real=self.near_real.isChecked(), bars=route.bars,
                                 chords=self.chords(a))
        return self.ctx.host.start(route.model, "interpolate", interpolate_clips, req,
                                   label=f"Interpolating {a.name} → {b.name} ({route.bars} bars)",
                                   on_result=lambda tracks: self.show(tracks, a, b, route))

    def chords(self, a: Clip) -> tuple[ChordEvent, ...]:
        """The chord track seen from where the clips would go in (A's place in the song, else the
        playhead's bar), as the Generate panel does; none when "Follow chords" is off."""
        if not self.follow_chords.isChecked():
            return ()
        song = self.ctx.doc.song
        return chords_from(song, a.anchor if a.anchor is not None else bar_at(song, self.ctx.state.playhead).start)

    def show(self, tracks: list[Track], a: Clip, b: Clip, route: PhraseRoute | None = None) -> None:
        clips = [clip_from_track(t, f"{a.name} → {b.name}: {t.name}", "explorer") for t in tracks]
        cols = strip_cols(len(clips), route.bars) if route else len(clips)
        self.canvas.set_clips(clips, cols=cols, clip_ticks=route.ticks if route else self.ctx.clip_ticks(),
                              labels=[t.name for t in tracks])
        self.actions.refresh()
        self.resultsChanged.emit()

    def _on_clicked(self, index: int) -> None:
        self.actions.refresh()
        clip = self.canvas.clip(index)
        if clip is not None:
            self.ctx.play(clip)
