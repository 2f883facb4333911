"""Corner grid (after Beat Blender / Latent Loops): four corner clips and an N × N grid of their
blends. Drag the puck across it: the cell under the puck is selected and played (the puck's
position signal is rate limited, so a fast drag does not queue dozens of clips)."""
from __future__ import annotations

import random

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSpinBox, QToolButton, QVBoxLayout, QWidget

from latentroll.app.calls.explorer import GridRequest, grid_clips, sample_clips
from latentroll.app.calls.phrases import DEFAULT_PHRASE_BARS, PhraseRoute, bars_of, route_phrase
from latentroll.core.bars import bar_at
from latentroll.core.song import Track

from ..chord_voicing import chords_from
from ..clip_widgets import ClipActions
from ..clips import clip_from_track
from ..model_context import ModelContext
from ..model_controls import NO_CHORDS, follow_chords_box
from ..theme import ACCENT
from ..workers import Worker
from .canvas import CELL_H, ClipCanvas
from .controls import KeyCheck, PhraseNote, clip_picker, temperature_box, tool_row

CORNERS = ("top left", "top right", "bottom left", "bottom right")
PUCK_RATE = 12  # cell changes heard per second at most


class CornerGridTab(QWidget):
    cellChanged = Signal(int)  # the cell under the puck (row * n + col)

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.n = 0
        self._cell: int | None = None
        self.corners = [clip_picker(ctx, self, f"The {name} corner") for name in CORNERS]
        dice = QToolButton(self)
        dice.setText("Random corners")
        dice.setToolTip("Let the model write four corner clips")
        dice.clicked.connect(self.random_corners)
        self.size = QSpinBox(self)
        self.size.setRange(2, 11)
        self.size.setValue(5)
        self.size.setPrefix("grid ")
        self.size.setSuffix(" × n")
        self.size.setToolTip("Cells per side (up to 11 × 11)")
        self.size.valueChanged.connect(lambda v: self.size.setSuffix(f" × {v}"))
        self.size.setSuffix(f" × {self.size.value()}")
        self.temperature = temperature_box(self)
        self.in_key = KeyCheck(ctx, self)
        self.follow_chords = follow_chords_box(self)
        self.run_button = QPushButton("Build grid", self)
        self.run_button.setObjectName("generate")
        self.run_button.clicked.connect(self.run)
        self.note = PhraseNote(self)

        self.canvas = ClipCanvas(self, "Pick four corner clips (or press Random corners), then Build grid")
        self.canvas.clicked.connect(self._on_clicked)
        self.canvas.activated.connect(lambda i: self.ctx.insert(self.canvas.clip(i)))
        self.canvas.dragRequested.connect(lambda i: self.ctx.drag(self.canvas, self.canvas.clip(i)))
        self.puck = pg.TargetItem(pos=(0.5, CELL_H / 2), size=22, symbol="o", movable=True,
                                  pen=pg.mkPen(ACCENT, width=2), brush=pg.mkBrush(240, 160, 48, 90),
                                  hoverPen=pg.mkPen("#ffffff", width=2))
        self.puck.setZValue(10)
        self.puck.setToolTip("Drag me: the cell under the puck plays")
        self.puck.setVisible(False)
        self.canvas.vb.addItem(self.puck, ignoreBounds=True)
        self.canvas.passthrough.append(self.puck)
        self._proxy = pg.SignalProxy(self.puck.sigPositionChanged, rateLimit=PUCK_RATE, slot=self._on_puck)
        self.actions = ClipActions(lambda: self.canvas.clip(self.canvas.selected), ctx.play, ctx.insert, ctx.keep,
                                   self)
        ctx.audition.playingChanged.connect(self.canvas.set_playing)

        pickers = QGridLayout()
        pickers.setHorizontalSpacing(6)
        pickers.addWidget(QLabel("Corners", self), 0, 0)
        pickers.addWidget(self.corners[0], 0, 1)
        pickers.addWidget(self.corners[1], 0, 2)
        pickers.addWidget(self.corners[2], 1, 1)
        pickers.addWidget(self.corners[3], 1, 2)
        pickers.setColumnStretch(1, 1)
        pickers.setColumnStretch(2, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(pickers)
        lay.addLayout(tool_row(dice, self.size, self.temperature, 1))
        lay.addLayout(tool_row(self.in_key, self.follow_chords, 1, self.run_button))
        lay.addWidget(self.note)
        lay.addWidget(self.canvas, 1)
        lay.addWidget(self.actions)

    # ---- model calls -------------------------------------------------------------------
    def random_corners(self) -> Worker | None:
        def got(tracks: list[Track]) -> None:
            clips = self.ctx.shelf.add([clip_from_track(t, f"Corner {i + 1}", "generated")
                                          for i, t in enumerate(tracks)])
            for picker, clip in zip(self.corners, clips):
                picker.set_clip(clip)

        model = self.ctx.phrase_model(DEFAULT_PHRASE_BARS)  # clips of the default length, from the model that writes it
        return self.ctx.host.start(model, "grid-corners", sample_clips, 4, self.temperature.value(),
                                   self.in_key.scale, random.randrange(2**31), label="Writing four corners",
                                   on_result=got)

    def run(self) -> Worker | None:
        corners = [p.clip for p in self.corners]
        if any(c is None for c in corners):
            self.ctx.notifier.info("Choose all four corner clips first (or press Random corners)")
            return None
        song = self.ctx.doc.song
        if self.follow_chords.isChecked() and not song.chords:
            self.ctx.notifier.info(NO_CHORDS)
            return None
        # the cells go in at the playhead's bar: the chords as seen from there
        chords = chords_from(song, bar_at(song, self.ctx.state.playhead).start) if self.follow_chords.isChecked() else ()
        names = ("Top left", "Top right", "Bottom left", "Bottom right")
        route = route_phrase({name: bars_of(c.span) for name, c in zip(names, corners)}, self.ctx.phrase_models())
        self.note.say(route.note, self.ctx.notifier)
        req = GridRequest(tuple(c.track for c in corners), n=self.size.value(), temperature=self.temperature.value(),
                          scale=self.in_key.scale, bars=route.bars, chords=tuple(chords))
        return self.ctx.host.start(route.model, "grid", grid_clips, req,
                                   label=f"Blending a {req.n} × {req.n} grid ({route.bars} bars)",
                                   on_result=lambda rows: self.show(rows, route))

    def show(self, rows: list[list[Track]], route: PhraseRoute | None = None) -> None:
        n = len(rows)
        clips = [clip_from_track(t, t.name, "explorer") for row in rows for t in row]
        corners = {0, n - 1, n * (n - 1), n * n - 1}
        labels = ["" for _ in clips]
        for i, name in zip(sorted(corners), ("TL", "TR", "BL", "BR")):
            labels[i] = name
        self.n = n
        self.canvas.set_clips(clips, cols=n, clip_ticks=route.ticks if route else self.ctx.clip_ticks(),
                              labels=labels, marked=corners)
        self._cell = None
        self.puck.setVisible(True)
        self.move_puck_to(n * n // 2, play=False)
        self.actions.refresh()

    # ---- the puck ----------------------------------------------------------------------
    def cell_center(self, index: int) -> QPointF:
        return self.canvas.cell_rect(index).center()

    def move_puck_to(self, index: int, play: bool = True) -> None:
        """Put the puck on a cell (what a click on a cell does)."""
        self._select(index, play)
        self.puck.blockSignals(True)
        self.puck.setPos(self.cell_center(index))
        self.puck.blockSignals(False)

    def _on_puck(self, _args) -> None:
        index = self.canvas.index_at_view(self.puck.pos())
        if index is not None and index != self._cell:
            self._select(index, play=True)

    def _select(self, index: int, play: bool) -> None:
        self._cell = index
        self.canvas.set_selected(index)
        self.actions.refresh()
        self.cellChanged.emit(index)
        clip = self.canvas.clip(index)
        if play and clip is not None:
            self.ctx.play(clip)

    def _on_clicked(self, index: int) -> None:
        self.move_puck_to(index, play=True)
