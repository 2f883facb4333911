"""The Generate panel's drum controls: the Drum VAE's styles, bars (1-16), variations,
temperature and tempo. The panel shows them instead of the melody controls when its model
is a drum model; the candidates are drum tracks in the panel's own list (Accept puts one into
the current drum track, or a new one on channel 10)."""
from __future__ import annotations

import random
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QSpinBox, QWidget

from latentroll.app.calls.drums import MAX_BARS, DrumGenerateRequest, generate_drums
from latentroll.core.song import Track

from ..model_context import ModelContext
from ..model_controls import RunButton, StyleList, temperature_box
from ..workers import Worker

DRUM_GENERATE = "drums_generate"  # the registry tool a drum generator serves


class DrumGenerateControls(QWidget):
    def __init__(self, ctx: ModelContext, show: Callable[[list[Track], str], None], parent=None):
        """``show(tracks, model_short_name)`` puts the results in the panel's candidate list."""
        super().__init__(parent)
        self.ctx = ctx
        self.host = ctx.host
        self.show_results = show
        self.key = next((k for k, s in self.host.specs.items() if DRUM_GENERATE in s.tools), "")
        self.styles = StyleList(parent=self)
        self.styles.setToolTip("The drumming style the model plays")
        self.temperature = temperature_box(self)
        self.variations = QSpinBox(self)
        self.variations.setRange(1, 16)
        self.variations.setValue(4)
        self.variations.setToolTip("How many drum parts to write")
        self.bars = QSpinBox(self)
        self.bars.setRange(1, MAX_BARS)
        self.bars.setValue(4)
        self.bars.setSuffix(" bars")
        self.bars.setToolTip("Length of each part (the model writes 4-bar clips; longer parts chain them)")
        self.tempo = QDoubleSpinBox(self)
        self.tempo.setRange(40.0, 280.0)
        self.tempo.setDecimals(0)
        self.tempo.setSuffix(" bpm")
        self.tempo.setToolTip("The tempo the groove is played at (the song's tempo by default)")
        self.generate_button = RunButton("Generate drums", self)
        self.generate_button.setObjectName("generateDrums")
        self.generate_button.setToolTip("Write new drum parts")
        self.generate_button.clicked_run.connect(lambda: self.generate())
        self.generate_button.clicked_cancel.connect(lambda: self.host.cancel(self.key, "generate"))

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Style", self.styles)
        form.addRow("", self.styles.caption)
        form.addRow("Temperature", self.temperature)
        form.addRow("Variations", self.variations)
        form.addRow("Length", self.bars)
        form.addRow("Tempo", self.tempo)
        form.addRow(self.generate_button)
        ctx.doc.songReplaced.connect(self._follow_song_tempo)
        self._follow_song_tempo()

    def handles(self, key: str) -> bool:
        return DRUM_GENERATE in self.host.specs[key].tools

    def set_model(self, key: str) -> None:
        self.key = key

    def on_ready(self, ready: bool) -> None:
        self.setEnabled(ready)
        info = self.host.info(self.key) if ready else None
        if info is not None:
            self.styles.fill(info.styles)

    def _follow_song_tempo(self) -> None:
        self.tempo.setValue(round(self.ctx.doc.song.tempo_at(self.ctx.state.playhead).bpm))

    def request(self, seed: int | None = None) -> DrumGenerateRequest:
        return DrumGenerateRequest(style=self.styles.style, bars=self.bars.value(), variations=self.variations.value(),
                                   temperature=self.temperature.value(), tempo=self.tempo.value(),
                                   seed=random.randrange(2**31) if seed is None else seed)

    def generate(self, req: DrumGenerateRequest | None = None) -> Worker | None:
        req = req or self.request()
        what = f"{req.variations} × {req.bars} bars of {req.style or 'drums'}"
        model = self.host.specs[self.key].short
        worker = self.host.start(self.key, "generate", generate_drums, req, label=f"Generating {what}",
                                 on_result=lambda tracks: self.show_results(tracks, model))
        return self.generate_button.track(worker)
