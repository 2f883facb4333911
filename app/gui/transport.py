"""The transport bar: play/stop, record, loop, tempo, meter, key and scale, and the position.

Tempo, meter and key edits are core commands (undoable); the scale choice only changes what
the roll highlights unless it is plain major/minor, which is the song's key mode.

It fits a 1440 px window with all its labels. Narrower windows get a compact level
(``set_compact``): 1 drops the field labels, 2 also the button words (tooltips keep both);
what still does not fit goes in the tool bar's » overflow menu.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QSpinBox, QToolBar, QWidget

from latentroll.core.bars import beat_label
from latentroll.core.commands import CommandError, set_key, set_tempo, set_time_signature
from latentroll.core.song import MAJOR, MINOR
from latentroll.core.theory import NOTE_NAMES, SCALE_STEPS

from .document import Document
from .editor_state import EditorState
from .undo import ChangeSet

DENOMINATORS = (1, 2, 4, 8, 16, 32)
FULL, NO_LABELS, SYMBOLS = COMPACT_LEVELS = (0, 1, 2)
SCALES = [MAJOR, MINOR] + [s for s in SCALE_STEPS if s not in (MAJOR, MINOR)]
POSITION_SAMPLE = "88.8.888   8:88.888"  # bar.beat.tick and time up to 99 bars, 9 minutes
MINOR_LIKE = {"minor", "harmonic_minor", "dorian", "minor_pentatonic", "blues"}


def format_time(seconds: float) -> str:
    minutes, secs = divmod(max(seconds, 0.0), 60)
    return f"{int(minutes)}:{secs:06.3f}"


class TransportBar(QToolBar):
    def __init__(self, document: Document, state: EditorState, parent: QWidget | None = None):
        super().__init__("Transport", parent)
        self.doc = document
        self.state = state
        self.setMovable(False)
        self.setObjectName("transport")

        self.compact = 0  # FULL, NO_LABELS or SYMBOLS
        self._playing = False
        self.play_action = QAction(self, checkable=True)
        self.play_action.setToolTip("Play / stop (Space)")
        self.record_action = QAction(self, checkable=True)
        self.record_action.setToolTip("Record from the MIDI keyboard (R); the arrow picks the MIDI input")
        self.loop_action = QAction(self, checkable=True)
        self.loop_action.setToolTip("Loop the region marked on the ruler (L)")
        self.loop_action.toggled.connect(state.set_loop_enabled)
        state.loopChanged.connect(lambda: self._set_checked(self.loop_action, state.loop_enabled))
        for action, name in ((self.play_action, "play"), (self.record_action, "record"), (self.loop_action, "loop")):
            self.addAction(action)
            self.widgetForAction(action).setObjectName(name)
        self.addSeparator()

        self.position = QLabel(self)
        self.position.setObjectName("position")
        self.position.setToolTip("Playhead: bar.beat.tick and time")
        self.addWidget(self.position)
        self.addSeparator()

        self.labels: list[QAction] = []  # field names: hidden when compact
        self.labels.append(self.addWidget(QLabel("Tempo")))
        self.tempo = QDoubleSpinBox(self)
        self.tempo.setRange(10, 400)
        self.tempo.setDecimals(1)
        self.tempo.setSuffix(" BPM")
        self.tempo.setKeyboardTracking(False)
        self.tempo.setToolTip("Tempo")
        self.tempo.editingFinished.connect(self._on_tempo)
        self.addWidget(self.tempo)

        self.labels.append(self.addWidget(QLabel("Meter")))
        self.numerator = QSpinBox(self)
        self.numerator.setRange(1, 32)
        self.numerator.setKeyboardTracking(False)
        self.denominator = QComboBox(self)
        self.denominator.addItems([str(d) for d in DENOMINATORS])
        self.numerator.valueChanged.connect(self._on_meter)
        self.denominator.activated.connect(self._on_meter)
        self.addWidget(self.numerator)
        self.addWidget(QLabel("/"))
        self.addWidget(self.denominator)

        self.labels.append(self.addWidget(QLabel("Key")))
        self.tonic = QComboBox(self)
        self.tonic.addItems(list(NOTE_NAMES))
        self.scale_combo = QComboBox(self)
        self.scale_combo.addItems([s.replace("_", " ") for s in SCALES])
        self.scale_combo.setToolTip("Scale highlighted in the piano roll (major/minor is also the song's key)")
        self.numerator.setToolTip("Beats per bar")
        self.denominator.setToolTip("Beat unit")
        self.tonic.setToolTip("Key")
        self.tonic.activated.connect(self._on_key)
        self.scale_combo.activated.connect(self._on_key)
        self.addWidget(self.tonic)
        self.addWidget(self.scale_combo)

        for w in (self.tempo, self.numerator, self.denominator, self.tonic, self.scale_combo):
            w.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        document.changed.connect(self._on_doc_changed)
        document.songReplaced.connect(self.refresh)
        state.playheadChanged.connect(self.show_position)
        state.scaleChanged.connect(self.refresh)
        self.set_compact(FULL)
        self.refresh()

    @staticmethod
    def _set_checked(action: QAction, on: bool) -> None:
        if action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)

    def set_playing(self, playing: bool) -> None:
        self._playing = playing
        self._set_checked(self.play_action, playing)
        self._label_buttons()

    def showEvent(self, event) -> None:
        """Size the position display for long songs once its styled font is known, so it does
        not resize (and shift the fields after it) while playing."""
        self.position.ensurePolished()
        margins = self.position.contentsMargins()
        width = self.position.fontMetrics().horizontalAdvance(POSITION_SAMPLE)
        self.position.setMinimumWidth(width + margins.left() + margins.right() + 18)
        super().showEvent(event)

    def set_recording(self, recording: bool) -> None:
        self._set_checked(self.record_action, recording)

    def set_midi_input(self, name: str) -> None:
        where = f"input: {name}" if name else "the arrow picks the MIDI input"
        self.record_action.setToolTip(f"Record from the MIDI keyboard (R); {where}")

    def set_compact(self, level: int) -> None:
        if level not in COMPACT_LEVELS:
            raise ValueError(f"compact level must be one of {COMPACT_LEVELS}")
        self.compact = level
        for label in self.labels:
            label.setVisible(level == FULL)
        self._label_buttons()

    def width_at(self, level: int) -> int:
        """The bar's preferred width at a compact level (measured, then put back)."""
        current = self.compact
        self.set_compact(level)
        width = self.sizeHint().width()
        self.set_compact(current)
        return width

    def _label_buttons(self) -> None:
        """Menu entries say the word; the buttons (icon text) a symbol, and the word unless compact."""
        play = ("■", "Stop") if self._playing else ("▶", "Play")
        for action, (symbol, word), menu_text in (
            (self.play_action, play, play[1]), (self.record_action, ("●", "Rec"), "Record"),
            (self.loop_action, ("⟲", "Loop"), "Loop"),
        ):
            action.setText(menu_text)
            action.setIconText(symbol if self.compact == SYMBOLS else f"{symbol}  {word}")

    # ---- document → widgets ------------------------------------------------------------
    def _on_doc_changed(self, changes: ChangeSet) -> None:
        if changes.maps:
            self.refresh()

    def refresh(self) -> None:
        song = self.doc.song
        widgets = (self.tempo, self.numerator, self.denominator, self.tonic, self.scale_combo)
        for w in widgets:
            w.blockSignals(True)
        self.tempo.setValue(song.bpm)
        self.tempo.setToolTip("Tempo (the song has tempo changes; editing sets one tempo)"
                              if len(song.tempos) > 1 else "Tempo")
        ts = song.time_signature
        self.numerator.setValue(ts.numerator)
        self.denominator.setCurrentText(str(ts.denominator))
        self.tonic.setCurrentIndex(song.key.tonic)
        mode = self.state.scale_mode or (song.key.mode if song.key.mode in SCALES else MAJOR)
        self.scale_combo.setCurrentIndex(SCALES.index(mode))
        for w in widgets:
            w.blockSignals(False)
        self.show_position(self.state.playhead)

    def show_position(self, tick: int) -> None:
        song = self.doc.song
        self.position.setText(f"{beat_label(song, tick)}   {format_time(song.tick_to_seconds(tick))}")

    # ---- widgets → document ------------------------------------------------------------
    def _push(self, cmd_factory, *args) -> None:
        try:
            self.doc.push(cmd_factory(*args))
        except CommandError as exc:
            self.window().statusBar().showMessage(str(exc), 5000)
            self.refresh()

    def _on_tempo(self) -> None:
        bpm = round(self.tempo.value(), 1)
        if abs(bpm - self.doc.song.bpm) > 1e-6 or len(self.doc.song.tempos) > 1:
            self._push(set_tempo, bpm)

    def _on_meter(self, *_args) -> None:
        num, den = self.numerator.value(), int(self.denominator.currentText())
        ts = self.doc.song.time_signature
        if (num, den) != (ts.numerator, ts.denominator) or len(self.doc.song.time_signatures) > 1:
            self._push(set_time_signature, num, den)

    def _on_key(self, *_args) -> None:
        tonic = self.tonic.currentIndex()
        scale = SCALES[self.scale_combo.currentIndex()]
        mode = scale if scale in (MAJOR, MINOR) else (MINOR if scale in MINOR_LIKE else MAJOR)
        self.state.set_scale_mode(None if scale in (MAJOR, MINOR) else scale)
        key = self.doc.song.key
        if (tonic, mode) != (key.tonic, key.mode) or len(self.doc.song.keys) > 1:
            self._push(set_key, tonic, mode)
