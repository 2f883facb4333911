"""The Generate / Style panel.

Pick a model (the melody VAE or the melody GAN), a style (each with its one-line description),
temperature, how many variations, how many bars and a key (the song's key by default).
"Generate" fills the candidate list; each candidate can be heard, dragged out as MIDI, or
accepted into the song as one undo step. "Transfer selection" (the VAE) re-writes the selected
notes in the chosen style as a candidate whose Accept replaces those notes and whose "+ Track"
puts it on a new track under them, at their place.
"""
from __future__ import annotations

import random

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from latentroll.app.calls.generate import (
    STRUCTURE_MODEL,
    WITH_STRUCTURE,
    GenerateRequest,
    TransferRequest,
    generate_candidates,
    generate_model,
    transfer_selection,
)
from latentroll.app.calls.phrases import bars_of, model_for
from latentroll.core.bars import bar_at
from latentroll.core.song import Song, Track
from latentroll.core.theory import Scale

from ..candidates import CandidateList, Proposal, accept_proposal
from ..chord_voicing import chords_from
from ..clip_widgets import CardOptions, ClipCard
from ..clips import Clip, clip_from_track, selection_track
from ..model_context import ModelContext
from ..model_controls import NO_CHORDS, KeyChooser, RunButton, StyleList, style_title, temperature_box
from ..models_host import ModelBanner
from ..workers import Worker
from .drums import DRUM_GENERATE, DrumGenerateControls
from .my_style import MODEL_KEY as MY_STYLE_MODEL
from .my_style import MyStyleButton, user_style_rows
from .transfer import transfer_proposal


class GeneratePanel(QWidget):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.host = ctx.host
        self.proposals: dict[int, Proposal] = {}  # the transfers' cards, by clip uid
        self._model_keys = [k for k, s in self.host.specs.items() if "generate" in s.tools or DRUM_GENERATE in s.tools]

        self.model = QComboBox(self)
        for key in self._model_keys:
            self.model.addItem(self.host.specs[key].label, key)
        self.model.setToolTip("Which model writes the melodies")
        self.banner = ModelBanner(self.host, self._model_keys[0], parent=self)
        self.banner.readyChanged.connect(self._on_ready)

        self.styles = StyleList(parent=self)
        self.temperature = temperature_box(self)
        self.variations = QSpinBox(self)
        self.variations.setRange(1, 16)
        self.variations.setValue(8)
        self.variations.setToolTip("How many candidates to write")
        self.bars = QSpinBox(self)
        self.bars.setRange(1, 32)
        self.bars.setValue(4)
        self.bars.setSuffix(" bars")
        self.bars.valueChanged.connect(self._load_routed_model)
        self.key = KeyChooser(ctx, parent=self)

        self.generate_button = RunButton("Generate", self)
        self.generate_button.setObjectName("generate")
        self.generate_button.setToolTip("Write new melodies (Ctrl+Return)")
        self.generate_button.setShortcut("Ctrl+Return")
        self.generate_button.clicked_run.connect(self.generate)
        self.generate_button.clicked_cancel.connect(lambda: self.host.cancel(self.model_key, "generate"))
        self.transfer_button = QPushButton("Transfer selection", self)
        self.transfer_button.setToolTip("Re-write the selected notes (or the current track) in the chosen style")
        self.transfer_button.clicked.connect(lambda: self.transfer())

        self.controls = QWidget(self)
        form = QFormLayout(self.controls)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Style", self.styles)
        form.addRow("", self.styles.caption)
        form.addRow("Temperature", self.temperature)
        form.addRow("Variations", self.variations)
        form.addRow("Length", self.bars)
        form.addRow("Key", self.key)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button, 1)
        buttons.addWidget(self.transfer_button, 1)
        form.addRow(buttons)
        self.my_style_button = MyStyleButton(ctx, self)  # the user's own styles join the style list
        self.my_style_button.stylesChanged.connect(self.refresh_styles)
        self.my_style_button.styleSaved.connect(self._on_my_style_saved)
        form.addRow(self.my_style_button)

        self.candidates = CandidateList(ctx, "Press Generate: candidates appear here. Click one to hear it, "
                                             "Accept puts it at the playhead, or drag it out as MIDI.", self)
        self.candidates.clear_button.setToolTip("Remove the candidates from this list (they stay in the clip list)")

        top = QHBoxLayout()
        top.addWidget(QLabel("Model", self))
        top.addWidget(self.model, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addLayout(top)
        lay.addWidget(self.banner)
        lay.addWidget(self.controls)
        self.drums = DrumGenerateControls(ctx, self._on_candidates, self)  # shown for a drum model
        lay.addWidget(self.drums)
        lay.addWidget(self.candidates, 1)
        self.setMinimumWidth(330)

        self.model.currentIndexChanged.connect(lambda _i: self._on_model_changed())
        self._on_model_changed()

    # ---- model state -------------------------------------------------------------------
    @property
    def model_key(self) -> str:
        return self.model.currentData() or self._model_keys[0]

    def set_model(self, key: str) -> None:
        self.model.setCurrentIndex(self._model_keys.index(key))

    def _load_routed_model(self) -> None:
        """A length that another model writes (8-16 VAE bars: phrase structure) loads it now, so
        the Generate click finds it ready."""
        key = generate_model(self.model_key, self.bars.value())
        if key != self.model_key and self.host.ready(self.model_key):
            self.host.ensure_loaded(key)

    def _on_model_changed(self) -> None:
        spec = self.host.specs[self.model_key]
        self.bars.setSingleStep(spec.bar_step)
        self.bars.setMinimum(spec.bar_step)
        self.bars.setToolTip(f"Length of each melody (the model writes {spec.bar_step} bars at a time)"
                             if spec.bar_step > 1 else "Length of each melody, in bars")
        can_transfer = "transfer" in spec.tools
        self.transfer_button.setEnabled(can_transfer)
        self.transfer_button.setToolTip("Re-write the selected notes (or the current track) in the chosen style"
                                        if can_transfer else f"{spec.label} cannot transfer a style; pick the VAE")
        drums = self.drums.handles(self.model_key)
        self.controls.setVisible(not drums)
        self.drums.setVisible(drums)
        if drums:
            self.drums.set_model(self.model_key)
        self.banner.set_key(self.model_key)
        if self.isVisible():
            self.host.ensure_loaded(self.model_key)
        self._on_ready(self.banner.ready)

    def _on_ready(self, ready: bool) -> None:
        if self.drums.handles(self.model_key):
            self.drums.on_ready(ready)
            return
        self.controls.setEnabled(ready)
        if ready:
            self.refresh_styles()
            self._load_routed_model()  # a length set while the model was loading

    def refresh_styles(self) -> None:
        """The model's styles, then (for the VAE) the user's own."""
        info = self.host.info(self.model_key)
        mine = user_style_rows() if self.model_key == MY_STYLE_MODEL else ()
        self.styles.fill((*(info.styles if info else ()), *mine))

    def _on_my_style_saved(self, name: str) -> None:
        if self.model_key != MY_STYLE_MODEL:
            self.set_model(MY_STYLE_MODEL)
        self.refresh_styles()
        self.set_style(name)

    @property
    def style(self) -> str | None:
        return self.styles.style

    def set_style(self, name: str | None) -> None:
        self.styles.set_style(name)

    @property
    def scale(self) -> Scale | None:
        return self.key.scale

    @property
    def tonic(self) -> QComboBox:
        return self.key.tonic

    @property
    def cards(self) -> list[ClipCard]:
        return self.candidates.cards

    # ---- generate ----------------------------------------------------------------------
    def request(self) -> GenerateRequest:
        step = self.host.specs[self.model_key].bar_step
        song = self.ctx.doc.song
        follow = self.key.follow_chords.isChecked() and song.chords  # clips go in at the playhead's bar
        chords = chords_from(song, bar_at(song, self.ctx.state.playhead).start) if follow else ()
        return GenerateRequest(style=self.style, temperature=self.temperature.value(),
                               variations=self.variations.value(), bars=max(step, self.bars.value() // step * step),
                               scale=self.scale, seed=random.randrange(2**31), chords=chords)

    def generate(self, req: GenerateRequest | None = None) -> Worker | None:
        if self.drums.handles(self.model_key):
            return self.drums.generate()
        if self.key.follow_chords.isChecked() and not self.ctx.doc.song.chords:
            self.ctx.notifier.info(NO_CHORDS)
            return None
        req = req or self.request()
        what = f"{req.variations} × {req.bars} bars, {req.style or 'any style'}"
        phrase_models = self.ctx.phrase_models()  # a longer phrase model still loading: the shorter one's clips
        key = generate_model(self.model_key, req.bars, req.style, phrase_models)
        if key == STRUCTURE_MODEL and not self.host.ready(key) and self.host.ready(self.model_key):
            self.host.ensure_loaded(key)  # still loading, or failed: chain the clips now, and say so
            key = model_for(self.model_key, req.bars, req.style, phrase_models)
            self.ctx.notifier.info(f"{self.host.specs[STRUCTURE_MODEL].label} is not ready "
                                   f"({self.host.status_text(STRUCTURE_MODEL)}): these {req.bars}-bar melodies "
                                   f"chain the {self.host.specs[key].short}'s clips without phrase structure")
        short = self.host.specs[self.model_key].short
        model = f"{short} {WITH_STRUCTURE}" if key == STRUCTURE_MODEL else self.host.specs[key].short
        worker = self.host.start(key, "generate", generate_candidates, req,
                                 label=f"Generating {what}",
                                 on_result=lambda tracks: self._on_candidates(tracks, model))
        return self.generate_button.track(worker)

    def _on_candidates(self, tracks: list[Track], model: str = "") -> None:
        """``model`` (the writer's short name) tells a GAN's "irish 1" from the VAE's."""
        clips = self.ctx.shelf.add([clip_from_track(t, f"{t.name} ({model})" if model else t.name, "generated")
                                    for t in tracks])
        silent = len(tracks) - len(clips)
        if silent:
            self.ctx.notifier.info(f"{silent} of {len(tracks)} melodies came out silent and were left out; "
                                   "a higher temperature helps")
        self.show_candidates(clips)

    # ---- transfer ----------------------------------------------------------------------
    def transfer(self, seed: int | None = None) -> Worker | None:
        if "transfer" not in self.host.specs[self.model_key].tools:
            self.set_model("vae")
        track = selection_track(self.ctx.state)
        if track is None:
            self.ctx.notifier.info("Select the notes to transfer (or pick a track with notes)")
            return None
        style = self.style
        if style is None:
            self.ctx.notifier.info("Choose the style to transfer to in the Generate panel's list")
            return None
        song, source = self.ctx.doc.song, self.ctx.state.track
        follow = self.key.follow_chords.isChecked()
        if follow and not song.chords:
            self.ctx.notifier.info(NO_CHORDS)
            return None
        req = TransferRequest(track, style, temperature=self.temperature.value(), scale=self.scale,
                              seed=random.randrange(2**31) if seed is None else seed,
                              chords=tuple(song.chords) if follow else ())
        origin = bar_at(song, int(track.notes["start"].min())).start
        bars = bars_of(int((track.notes["start"] + track.notes["duration"]).max()) - origin)
        return self.host.start(self.ctx.phrase_model(bars, style), "transfer",
                               transfer_selection, req,
                               label=f"Transferring {track.name} to {style_title(style)}",
                               on_result=lambda out: self._on_transferred(out, origin, song, source, track.notes))

    def _on_transferred(self, track: Track, origin: int, song: Song, source: Track, old: np.ndarray) -> None:
        """``old``: the notes of ``source`` (in ``song``) the transfer was made from."""
        if self.ctx.doc.song is not song:
            return  # another song was opened meanwhile
        if not len(track.notes):
            self.ctx.notifier.info("The transfer came out silent; try again or raise the temperature")
            return
        clips = self.ctx.shelf.add(clip_from_track(track, source="generated", keep_place=True, origin=origin))
        proposals = [transfer_proposal(source, old, clip) for clip in clips]
        for p in proposals:
            self.proposals[p.clip.uid] = p
        self.show_candidates([p.clip for p in proposals], [p.card for p in proposals])

    # ---- candidates --------------------------------------------------------------------
    def show_candidates(self, clips: list[Clip], options: list[CardOptions] | None = None) -> None:
        self.candidates.add(clips, self.accept, options=options)
        shown = {c.clip.uid for c in self.candidates.cards}
        self.proposals = {uid: p for uid, p in self.proposals.items() if uid in shown}

    def accept(self, clip: Clip, new_track: bool = False) -> None:
        """A transfer edits the song in place (its own Accept and "+ Track"); a generated
        melody is inserted at the playhead."""
        p = self.proposals.get(clip.uid)
        if p is not None:
            accept_proposal(self.ctx, p, new_track)
        else:
            self.ctx.insert(clip, new_track)

    def clear_candidates(self) -> None:
        self.candidates.clear()
