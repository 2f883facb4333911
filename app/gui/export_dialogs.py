"""Dialogs for audio export and for the missing-SoundFont case."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

SAMPLE_RATES = (44100, 48000)
BIT_DEPTHS = ((16, "16-bit PCM"), (24, "24-bit PCM"), (32, "32-bit float (never clips)"))


@dataclass(frozen=True)
class AudioExportChoice:
    target: Path  # a .wav file, or the stems folder
    sample_rate: int
    bits: int


class AudioExportDialog(QDialog):
    """Target (file or folder), sample rate and bit depth for a WAV or stems export."""

    def __init__(self, parent: QWidget | None, stems: bool, suggested: Path, sample_rate: int = 44100,
                 bits: int = 24):
        super().__init__(parent)
        self.stems = stems
        self.setWindowTitle("Export stems" if stems else "Export WAV")
        self.target = QLineEdit(str(suggested), self)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(browse)
        self.rate = QComboBox(self)
        for r in SAMPLE_RATES:
            self.rate.addItem(f"{r / 1000:g} kHz", r)
        self.rate.setCurrentIndex(SAMPLE_RATES.index(sample_rate) if sample_rate in SAMPLE_RATES else 0)
        self.bits = QComboBox(self)
        for b, label in BIT_DEPTHS:
            self.bits.addItem(label, b)
        self.bits.setCurrentIndex([b for b, _ in BIT_DEPTHS].index(bits) if bits in (16, 24, 32) else 1)
        form = QFormLayout()
        form.addRow("Folder" if stems else "File", row)
        form.addRow("Sample rate", self.rate)
        form.addRow("Format", self.bits)
        note = QLabel(
            "One WAV and one MIDI file per track, all starting at bar 1 and of equal length."
            if stems else "The mix of the audible tracks (mute/solo apply).", self)
        note.setObjectName("dim")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _browse(self) -> None:
        if self.stems:
            path = QFileDialog.getExistingDirectory(self, "Folder for stems", self.target.text())
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export WAV", self.target.text(), "WAV audio (*.wav)")
        if path:
            self.target.setText(path)

    def choice(self) -> AudioExportChoice:
        target = Path(self.target.text()).expanduser()
        if not self.stems and target.suffix.lower() != ".wav":
            target = target.with_suffix(".wav")
        return AudioExportChoice(target, int(self.rate.currentData()), int(self.bits.currentData()))


SOUNDFONT_HELP = (
    "<p><b>LatentRoll needs a General MIDI SoundFont (.sf2) to make sound.</b></p>"
    "<p>A SoundFont holds the recorded instruments FluidSynth plays. Free ones:</p>"
    "<ul><li>Debian/Ubuntu: <code>sudo apt install fluid-soundfont-gm</code> "
    "(installs /usr/share/sounds/sf2/FluidR3_GM.sf2)</li>"
    "<li>Fedora: <code>sudo dnf install fluid-soundfont-gm</code></li>"
    "<li>macOS (Homebrew): <code>brew install fluid-synth</code>, then download a GM SoundFont "
    "such as GeneralUser GS or FluidR3_GM</li>"
    "<li>Windows: download GeneralUser GS or FluidR3_GM and keep the .sf2 file anywhere</li></ul>"
    "<p>Then choose the .sf2 file here; LatentRoll remembers it.</p>"
)


class SoundFontDialog(QDialog):
    """Explains how to get a SoundFont and lets the user pick one; ``path`` is the choice."""

    def __init__(self, parent: QWidget | None, reason: str = ""):
        super().__init__(parent)
        self.setWindowTitle("SoundFont needed")
        self.path: Path | None = None
        text = QLabel(SOUNDFONT_HELP + (f"<p style='color:#a3abb8'>{reason}</p>" if reason else ""), self)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        choose = QPushButton("Choose .sf2 file…", self)
        choose.setDefault(True)
        choose.clicked.connect(self._choose)
        cancel = QPushButton("Cancel", self)
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(choose)
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addLayout(row)
        self.resize(560, self.sizeHint().height())

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a SoundFont", str(Path.home()),
                                              "SoundFonts (*.sf2 *.sf3);;All files (*)")
        if path:
            self.choose(Path(path))

    def choose(self, path: Path) -> None:
        from latentroll.core.audio.soundfont import SoundFontNotFound, find_soundfont

        try:
            self.path = find_soundfont(path)
        except SoundFontNotFound as exc:
            self.findChild(QLabel).setText(SOUNDFONT_HELP + f"<p style='color:#e06c6c'>{exc}</p>")
            return
        self.accept()
