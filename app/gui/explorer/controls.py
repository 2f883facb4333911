"""Small controls the explorer tabs share: temperature, the key constraint, a clip picker."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

from latentroll.core.theory import Scale

from ..clip_widgets import ClipPicker
from ..model_context import ModelContext
from ..model_controls import temperature_box as shared_temperature_box
from ..notify import Notifier


def temperature_box(parent: QWidget, value: float = 0.5) -> QDoubleSpinBox:
    """The shared temperature box, labelled compactly for the explorer's tool rows."""
    return shared_temperature_box(parent, value, prefix="temp ")


def tool_row(*parts: QWidget | tuple[QWidget, int] | int) -> QHBoxLayout:
    """One row of a tab's controls: a widget, ``(widget, stretch)``, or an int for a stretch."""
    row = QHBoxLayout()
    for part in parts:
        if isinstance(part, int):
            row.addStretch(part)
        elif isinstance(part, tuple):
            row.addWidget(*part)
        else:
            row.addWidget(part)
    return row


class KeyCheck(QCheckBox):
    """"In song key": constrain decoded notes to the song's key and scale."""

    def __init__(self, ctx: ModelContext, parent=None):
        super().__init__("In song key", parent)
        self.ctx = ctx
        self.setChecked(True)
        ctx.state.scaleChanged.connect(self._tip)
        self._tip()

    def _tip(self) -> None:
        self.setToolTip(f"Only use notes of {self.ctx.song_scale().name} (the song's key)")

    @property
    def scale(self) -> Scale | None:
        return self.ctx.song_scale() if self.isChecked() else None


def clip_picker(ctx: ModelContext, parent: QWidget, tip: str) -> ClipPicker:
    picker = ClipPicker(ctx.shelf, ctx.take_selection, lambda then: ctx.open_clip_file(parent, then), parent)
    picker.setToolTip(tip)
    return picker


class PhraseNote(QLabel):
    """What the last run left out of its clips (a 20-bar clip cut to 16, clips of different
    lengths read at the shortest), shown in the tab until the next run, and in the status bar."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("dim")
        self.setWordWrap(True)
        self.hide()

    def say(self, text: str, notifier: Notifier | None = None) -> None:
        self.setText(f"⚠ {text}" if text else "")
        self.setVisible(bool(text))
        if text and notifier is not None:
            notifier.warning(text)
