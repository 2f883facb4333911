"""The option pages of the Model Tools panel, one per tool; each ends with its own run button
(which reads Cancel while that tool's job runs)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from latentroll.core.song import Track

from ..model_context import ModelContext
from ..model_controls import KeyChooser, RunButton, StyleList, temperature_box

VOICES = 4  # the chorale model's soprano, alto, tenor and bass


def _spin(parent: QWidget, lo: int, hi: int, value: int, tip: str, suffix: str = "") -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    if suffix:
        box.setSuffix(suffix)
    return box


def _voice_leading_box(parent: QWidget) -> QCheckBox:
    """The chorale CNN's voice-leading polish, on unless the user wants the net's raw sample."""
    box = QCheckBox("Avoid parallel 5ths/8ves", parent)
    box.setChecked(True)
    box.setToolTip("After sampling, redraw notes that move in parallel (or contrary) fifths or octaves "
                   "with another voice. Unchecked: the network's raw sample, parallels and all")
    return box


class ToolPage(QWidget):
    """A form of options with the run button last."""

    def __init__(self, run_text: str, run_tip: str, parent=None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.run_button = RunButton(run_text, self)
        self.run_button.setObjectName("generate")
        self.run_button.setToolTip(run_tip)

    def finish(self) -> None:
        self.form.addRow(self.run_button)


class ContinuePage(ToolPage):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Continue", "Write what comes after the selected notes (or the current track)", parent)
        self.styles = StyleList(max_rows=4, parent=self)
        self.temperature = temperature_box(self)
        self.variations = _spin(self, 1, 8, 4, "How many continuations to write")
        self.bars = _spin(self, 1, 32, 4, "How many bars each continuation adds", " bars")
        self.key = KeyChooser(ctx, parent=self)
        self.form.addRow("Style", self.styles)
        self.form.addRow("", self.styles.caption)
        self.form.addRow("Temperature", self.temperature)
        self.form.addRow("Variations", self.variations)
        self.form.addRow("Length", self.bars)
        self.form.addRow("Key", self.key)
        self.finish()


class RepairPage(ToolPage):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Repair", "Fix the wrong notes in the selected melody", parent)
        self.strength = QDoubleSpinBox(self)
        self.strength.setRange(0.0, 1.0)
        self.strength.setSingleStep(0.1)
        self.strength.setValue(0.5)
        self.strength.setToolTip("0: change nothing · 0.5: fix what the model is sure of · 1: fix more, "
                                 "risking some right notes")
        note = QLabel("The melody's top voice comes back on a 16th grid; notes the model is sure are wrong "
                      "move a semitone or two (for shaky timing, use Quantize). Hear ▶ Before and ▶ After, "
                      "then Accept.", self)
        note.setWordWrap(True)
        note.setObjectName("dim")
        self.form.addRow("Strength", self.strength)
        self.form.addRow(note)
        self.finish()


class HarmonizePage(ToolPage):
    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Harmonize", "Write alto, tenor and bass under the selected melody", parent)
        self.candidates = _spin(self, 1, 8, 3, "How many harmonizations to write")
        self.temperature = temperature_box(self, 0.8)
        self.key = KeyChooser(ctx, parent=self)
        self.voice_leading = _voice_leading_box(self)
        self.form.addRow("Candidates", self.candidates)
        self.form.addRow("Temperature", self.temperature)
        self.form.addRow("Key", self.key)
        self.form.addRow("Voice leading", self.voice_leading)
        self.finish()


class VoiceChoice(QWidget):
    """The song's pitched tracks with notes, each with two boxes: whether it is one of the four
    voices Infill works on (soprano, alto, tenor, bass in song order) and whether Infill rewrites
    it in the region. A song with a fifth track unticks it here and Infill takes the other four."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(0, 1)
        self._tracks: list[Track] = []
        self.use: list[QCheckBox] = []
        self.redo: list[QCheckBox] = []

    def count(self) -> int:
        return len(self._tracks)

    def set_tracks(self, tracks: list[Track]) -> None:
        """Show ``tracks``; a track keeps its boxes while it stays. A new track is a voice while
        fewer than four are, and is rewritten by default."""
        if [id(t) for t in tracks] == [id(t) for t in self._tracks] and \
                [t.name for t in tracks] == [b.text() for b in self.use]:
            return
        old = {id(t): (u.isChecked(), r.isChecked()) for t, u, r in zip(self._tracks, self.use, self.redo)}
        for box in self.use + self.redo:
            self.grid.removeWidget(box)
            box.hide()
            box.deleteLater()
        self._tracks, self.use, self.redo = list(tracks), [], []
        voices = sum(old[id(t)][0] for t in tracks if id(t) in old)
        for row, t in enumerate(tracks):
            use, redo = old.get(id(t), (None, True))
            if use is None:
                use, voices = voices < VOICES, voices + (voices < VOICES)
            u = QCheckBox(t.name or "(unnamed)", self)
            u.setChecked(use)
            u.setToolTip("One of the four voices Infill works on (soprano, alto, tenor, bass, top to bottom)")
            r = QCheckBox("rewrite", self)
            r.setChecked(redo)
            r.setEnabled(use)
            r.setToolTip("Rewrite this voice in the region; unticked, it stays as it is")
            u.toggled.connect(lambda on, r=r: (r.setEnabled(on), self.changed.emit()))
            r.toggled.connect(lambda _on: self.changed.emit())
            self.grid.addWidget(u, row, 0)
            self.grid.addWidget(r, row, 1)
            self.use.append(u)
            self.redo.append(r)

    def chosen(self) -> list[Track]:
        """The ticked voices, in song order."""
        return [t for t, u in zip(self._tracks, self.use) if u.isChecked()]

    @property
    def rewrite(self) -> tuple[int, ...]:
        """Which of the chosen voices (0 = soprano) are rewritten."""
        redo = [r.isChecked() for u, r in zip(self.use, self.redo) if u.isChecked()]
        return tuple(i for i, on in enumerate(redo) if on)

    def set_rewrite(self, indices) -> None:
        for i, r in enumerate(self.redo):
            r.setChecked(i in indices)


class InfillPage(ToolPage):
    """The voices are four of the song's pitched tracks; the ticked ones are rewritten."""

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Infill", "Rewrite the chosen voices in the region, consistent with the music around it",
                         parent)
        self.voices = VoiceChoice(self)
        self.candidates = _spin(self, 1, 8, 3, "How many versions to write")
        self.temperature = temperature_box(self, 0.8)
        self.key = KeyChooser(ctx, parent=self)
        self.voice_leading = _voice_leading_box(self)
        self.form.addRow("Voices", self.voices)
        self.form.addRow("Candidates", self.candidates)
        self.form.addRow("Temperature", self.temperature)
        self.form.addRow("Key", self.key)
        self.form.addRow("Voice leading", self.voice_leading)
        self.finish()

    def set_tracks(self, tracks: list[Track]) -> None:
        self.voices.set_tracks(tracks)

    def set_checked(self, indices) -> None:
        """Rewrite the tracks at ``indices`` of the list, keep the others."""
        self.voices.set_rewrite(indices)

    @property
    def rewrite(self) -> tuple[int, ...]:
        return self.voices.rewrite
