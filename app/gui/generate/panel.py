"""The Generate / Style panel.

Pick a model, a style (each with its one-line description), temperature, how many variations,
how many bars and a key (the song's key by default). "Generate" fills the candidate list; each
candidate can be heard, dragged out as MIDI, or accepted into the song as one undo step.
"Transfer selection" re-writes the selected notes in the chosen style as a candidate that goes
back to where the notes were, on a new track.
"""
from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget,
)

from latentroll.core.song import Track
from latentroll.core.theory import NOTE_NAMES, SCALE_STEPS, Scale

from ..clip_widgets import ClipCard
from ..clips import Clip, clip_from_track, selection_track
from ..models_host import ModelBanner
from ..piano_roll.grid import bar_at
from ..workers import Worker
from .jobs import GenerateRequest, TransferRequest, generate_candidates, transfer_selection

ANY_STYLE = "Any style"
MAX_CARDS = 32
MAX_STYLE_ROWS = 10  # more styles scroll


def style_title(name: str) -> str:
    return name.replace("_", " ").capitalize()


class GeneratePanel(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.host = ctx.host
        self.cards: list[ClipCard] = []
        self._worker: Worker | None = None
        self._key_follows_song = True
        self._model_keys = [k for k, s in self.host.specs.items() if "generate" in s.tools]

        self.model = QComboBox(self)
        for key in self._model_keys:
            self.model.addItem(self.host.specs[key].label, key)
        self.model.setToolTip("Which model writes the melodies")
        self.banner = ModelBanner(self.host, self._model_keys[0], parent=self)
        self.banner.readyChanged.connect(self._on_ready)

        self.styles = QListWidget(self)
        self.styles.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.styles.setToolTip("The style the model writes in")
        self.styles.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.temperature = QDoubleSpinBox(self)
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(1.0)
        self.temperature.setToolTip("0: the most likely notes · 1: natural · 2: adventurous")
        self.variations = QSpinBox(self)
        self.variations.setRange(1, 16)
        self.variations.setValue(8)
        self.variations.setToolTip("How many candidates to write")
        self.bars = QSpinBox(self)
        self.bars.setRange(2, 32)
        self.bars.setSingleStep(2)
        self.bars.setValue(4)
        self.bars.setSuffix(" bars")
        self.bars.setToolTip("Length of each melody (the model writes 2 bars at a time)")
        self.in_key = QCheckBox("In key", self)
        self.in_key.setChecked(True)
        self.in_key.setToolTip("Only use notes of this key and scale")
        self.tonic = QComboBox(self)
        self.tonic.addItems(list(NOTE_NAMES))
        self.mode = QComboBox(self)
        for mode in SCALE_STEPS:
            self.mode.addItem(mode.replace("_", " "), mode)
        for combo in (self.tonic, self.mode):
            combo.activated.connect(self._on_key_edited)
        self.in_key.toggled.connect(lambda on: (self.tonic.setEnabled(on), self.mode.setEnabled(on)))

        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setObjectName("generate")
        self.generate_button.setToolTip("Write new melodies (Ctrl+Return)")
        self.generate_button.setShortcut("Ctrl+Return")
        self.generate_button.clicked.connect(self._on_generate_clicked)
        self.transfer_button = QPushButton("Transfer selection", self)
        self.transfer_button.setToolTip("Re-write the selected notes (or the current track) in the chosen style")
        self.transfer_button.clicked.connect(self.transfer)

        self.controls = QWidget(self)
        form = QFormLayout(self.controls)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Style", self.styles)
        form.addRow("Temperature", self.temperature)
        form.addRow("Variations", self.variations)
        form.addRow("Length", self.bars)
        key_row = QHBoxLayout()
        key_row.addWidget(self.in_key)
        key_row.addWidget(self.tonic)
        key_row.addWidget(self.mode, 1)
        form.addRow("Key", key_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button, 1)
        buttons.addWidget(self.transfer_button, 1)
        form.addRow(buttons)

        self.cand_label = QLabel("Candidates", self)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.clicked.connect(self.clear_candidates)
        self.clear_button.setToolTip("Remove the candidates from this list (they stay in the clip list)")
        self.empty_hint = QLabel("Press Generate: candidates appear here. Click one to hear it, "
                                 "Accept puts it at the playhead, or drag it out as MIDI.", self)
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

        top = QHBoxLayout()
        top.addWidget(QLabel("Model", self))
        top.addWidget(self.model, 1)
        cand_row = QHBoxLayout()
        cand_row.addWidget(self.cand_label, 1)
        cand_row.addWidget(self.clear_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addLayout(top)
        lay.addWidget(self.banner)
        lay.addWidget(self.controls)
        lay.addLayout(cand_row)
        lay.addWidget(scroll, 1)
        self.setMinimumWidth(330)

        self.model.currentIndexChanged.connect(lambda _i: self.banner.set_key(self.model_key))
        ctx.state.scaleChanged.connect(self._follow_song_key)
        ctx.doc.songReplaced.connect(self._reset_key)
        ctx.audition.playingChanged.connect(self._on_playing)
        self._follow_song_key()
        self._on_ready(self.banner.ready)

    # ---- model state -------------------------------------------------------------------
    @property
    def model_key(self) -> str:
        return self.model.currentData() or self._model_keys[0]

    def _on_ready(self, ready: bool) -> None:
        self.controls.setEnabled(ready)
        if ready:
            self._fill_styles()

    def _fill_styles(self) -> None:
        info = self.host.info(self.model_key)
        current = self.style
        self.styles.clear()
        item = QListWidgetItem(f"{ANY_STYLE} — no style label: whatever the model finds likely")
        item.setData(Qt.ItemDataRole.UserRole, None)
        self.styles.addItem(item)
        for name, description in info.styles if info else ():
            item = QListWidgetItem(f"{style_title(name)} — {description}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(description)
            self.styles.addItem(item)
        rows = [i for i in range(self.styles.count())
                if self.styles.item(i).data(Qt.ItemDataRole.UserRole) == current]
        self.styles.setCurrentRow(rows[0] if rows else 0)
        shown = min(self.styles.count(), MAX_STYLE_ROWS)
        self.styles.setFixedHeight(self.styles.sizeHintForRow(0) * shown + 2 * self.styles.frameWidth() + 2)

    @property
    def style(self) -> str | None:
        item = self.styles.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def set_style(self, name: str | None) -> None:
        for i in range(self.styles.count()):
            if self.styles.item(i).data(Qt.ItemDataRole.UserRole) == name:
                self.styles.setCurrentRow(i)
                return
        raise KeyError(name)

    # ---- key ---------------------------------------------------------------------------
    def _on_key_edited(self, _i: int) -> None:
        self._key_follows_song = False

    def _reset_key(self) -> None:
        self._key_follows_song = True
        self._follow_song_key()

    def _follow_song_key(self) -> None:
        if not self._key_follows_song:
            return
        scale = self.ctx.song_scale()
        self.tonic.setCurrentIndex(scale.tonic)
        self.mode.setCurrentIndex(max(0, self.mode.findData(scale.mode)))
        self.tonic.setToolTip(f"Follows the song's key ({scale.name}) until you change it")

    @property
    def scale(self) -> Scale | None:
        if not self.in_key.isChecked():
            return None
        return Scale(self.tonic.currentIndex(), self.mode.currentData())

    # ---- generate ----------------------------------------------------------------------
    def request(self) -> GenerateRequest:
        return GenerateRequest(style=self.style, temperature=self.temperature.value(),
                               variations=self.variations.value(), bars=self.bars.value() // 2 * 2,
                               scale=self.scale, seed=random.randrange(2**31))

    def _on_generate_clicked(self) -> None:
        if self._worker is not None:
            self.host.cancel(self.model_key, "generate")
            return
        self.generate()

    def generate(self, req: GenerateRequest | None = None) -> Worker | None:
        req = req or self.request()
        what = f"{req.variations} × {req.bars} bars, {req.style or 'any style'}"
        worker = self.host.start(self.model_key, "generate", generate_candidates, req,
                                 label=f"Generating {what}", on_result=self._on_candidates)
        self._track_worker(worker)
        return worker

    def _track_worker(self, worker: Worker | None) -> None:
        if worker is None:
            return
        self._worker = worker
        self.generate_button.setText("Cancel")
        worker.signals.finished.connect(lambda w=worker: self._worker_done(w))

    def _worker_done(self, worker: Worker) -> None:
        if worker is self._worker:
            self._worker = None
            self.generate_button.setText("Generate")

    def _on_candidates(self, tracks: list[Track]) -> None:
        clips = self.ctx.library.add([clip_from_track(t, source="generated") for t in tracks])
        silent = len(tracks) - len(clips)
        if silent:
            self.ctx.notifier.info(f"{silent} of {len(tracks)} melodies came out silent and were left out; "
                                   "a higher temperature helps")
        self.show_candidates(clips)

    # ---- transfer ----------------------------------------------------------------------
    def transfer(self, seed: int | None = None) -> Worker | None:
        track = selection_track(self.ctx.state)
        if track is None:
            self.ctx.notifier.info("Select the notes to transfer (or pick a track with notes)")
            return None
        style = self.style
        if style is None:
            self.ctx.notifier.info("Choose the style to transfer to in the Generate panel's list")
            return None
        req = TransferRequest(track, style, temperature=self.temperature.value(), scale=self.scale,
                              seed=random.randrange(2**31) if seed is None else seed)
        origin = bar_at(self.ctx.doc.song, int(track.notes["start"].min())).start
        return self.host.start(self.model_key, "transfer", transfer_selection, req,
                               label=f"Transferring {track.name} to {style_title(style)}",
                               on_result=lambda out: self._on_transferred(out, origin))

    def _on_transferred(self, track: Track, origin: int) -> None:
        if not len(track.notes):
            self.ctx.notifier.info("The transfer came out silent; try again or raise the temperature")
            return
        clip = clip_from_track(track, source="generated", keep_place=True, origin=origin)
        self.show_candidates(self.ctx.library.add(clip))

    # ---- candidates --------------------------------------------------------------------
    def show_candidates(self, clips: list[Clip]) -> None:
        clip_ticks = self.ctx.clip_ticks()
        self.empty_hint.hide()
        for i, clip in enumerate(clips):
            card = ClipCard(clip, clip_ticks, self.card_box)
            card.playRequested.connect(self.ctx.play)
            card.acceptRequested.connect(self.ctx.insert)
            card.dragRequested.connect(lambda c, w=card: self.ctx.drag(w, c))
            self.card_layout.insertWidget(i, card)
            self.cards.insert(i, card)
        for card in self.cards[MAX_CARDS:]:
            card.deleteLater()
        del self.cards[MAX_CARDS:]
        self.cand_label.setText(f"Candidates ({len(self.cards)})")

    def clear_candidates(self) -> None:
        for card in self.cards:
            card.deleteLater()
        self.cards.clear()
        self.empty_hint.show()
        self.cand_label.setText("Candidates")

    def _on_playing(self, uid) -> None:
        for card in self.cards:
            card.set_playing(card.clip.uid == uid)
