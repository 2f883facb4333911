"""The option pages of the Model Tools panel, one per tool; each ends with its own run button
(which reads Cancel while that tool's job runs)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from latentroll.core.song import Track

from ..model_context import ModelContext
from ..model_controls import KeyChooser, RunButton, StyleList, temperature_box


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
        # Off by default: the model follows the melody's own key, and a song's key field is often
        # just the C major every file without a key signature gets.
        self.key = KeyChooser(ctx, checked=False, parent=self)
        self.form.addRow("Style", self.styles)
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
        self.key = KeyChooser(ctx, checked=False, parent=self)
        self.voice_leading = _voice_leading_box(self)
        self.form.addRow("Candidates", self.candidates)
        self.form.addRow("Temperature", self.temperature)
        self.form.addRow("Key", self.key)
        self.form.addRow("Voice leading", self.voice_leading)
        self.finish()


class InfillPage(ToolPage):
    """The voices are the song's four pitched tracks; the checked ones are rewritten."""

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("Infill", "Rewrite the chosen voices in the region, consistent with the music around it",
                         parent)
        self.voices = QListWidget(self)
        self.voices.setToolTip("Checked voices are rewritten in the region; the others stay as they are")
        self.candidates = _spin(self, 1, 8, 3, "How many versions to write")
        self.temperature = temperature_box(self, 0.8)
        self.key = KeyChooser(ctx, checked=False, parent=self)
        self.voice_leading = _voice_leading_box(self)
        self.form.addRow("Voices", self.voices)
        self.form.addRow("Candidates", self.candidates)
        self.form.addRow("Temperature", self.temperature)
        self.form.addRow("Key", self.key)
        self.form.addRow("Voice leading", self.voice_leading)
        self.finish()
        self._tracks: list[Track] = []

    def set_tracks(self, tracks: list[Track]) -> None:
        """Show ``tracks`` (the voice candidates); a track keeps its check mark while it stays."""
        checked = {id(t) for t, on in zip(self._tracks, self._checks()) if on}
        fresh = {id(t) for t in tracks} - {id(t) for t in self._tracks}
        self._tracks = list(tracks)
        self.voices.clear()
        for t in tracks:
            item = QListWidgetItem(t.name or "(unnamed)")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if id(t) in checked or id(t) in fresh else Qt.CheckState.Unchecked)
            self.voices.addItem(item)
        row = self.voices.sizeHintForRow(0) if tracks else self.voices.fontMetrics().height() + 4
        self.voices.setFixedHeight(row * max(1, min(len(tracks), 4)) + 2 * self.voices.frameWidth() + 2)

    def _checks(self) -> list[bool]:
        return [self.voices.item(i).checkState() == Qt.CheckState.Checked for i in range(self.voices.count())]

    def set_checked(self, indices) -> None:
        for i in range(self.voices.count()):
            self.voices.item(i).setCheckState(Qt.CheckState.Checked if i in indices else Qt.CheckState.Unchecked)

    @property
    def rewrite(self) -> tuple[int, ...]:
        return tuple(i for i, on in enumerate(self._checks()) if on)
