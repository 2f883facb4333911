"""Record from a MIDI keyboard: pick an input port, press Record, play.

mido (python-rtmidi backend) calls back on its own thread; the callback only stamps each message
with the clock and hands it to the UI thread through a queued signal. ``core.recording`` turns
the stamped presses and releases into notes, and the take lands as ONE ``AddNotes``: one undo step.

What a DAW user gets:
- Record (R) from stopped starts the transport at the playhead, even past the song's end, and
  the transport keeps running there; Record while playing punches in at the current position.
- Stopping the transport or pressing Record again ends the take. With the loop on, every pass
  is recorded on top of the others (overdub) and keys held over the wrap end at the loop end.
- Quantize on record snaps note starts to the snap grid as it was when the take began.
- The take is drawn in the roll while it is played; each key is heard through the track's
  instrument (when there is an audio device).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np
from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from latentroll.core.commands import AddNotes, CommandError
from latentroll.core.recording import TakeClock, TakeRecorder, key_event

from .document import Document
from .editor_state import EditorState
from .playback import PlaybackController

PREVIEW_MS = 40
NO_BACKEND = "MIDI input needs python-rtmidi (pip install python-rtmidi)"


class InputPort(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True)
class PortList:
    """The MIDI inputs found, or why none could be looked for."""

    names: tuple[str, ...] = ()
    problem: str = ""

    @property
    def status(self) -> str:
        if self.problem:
            return self.problem
        return "" if self.names else "No MIDI inputs found: connect a MIDI keyboard"


def list_input_ports() -> PortList:
    try:
        import mido

        return PortList(tuple(mido.get_input_names()))
    except ImportError:
        return PortList(problem=NO_BACKEND)
    except Exception as exc:  # rtmidi raises its own SystemError when there is no ALSA sequencer
        reason = "the ALSA sequencer (/dev/snd/seq) is not available" if "ALSA" in str(exc) else str(exc)
        return PortList(problem=f"No MIDI system on this computer: {reason}")


def open_input_port(name: str, callback: Callable[[object], None]) -> InputPort:
    import mido

    return mido.open_input(name, callback=callback)


class MidiRecorder(QObject):
    recordingChanged = Signal(bool)
    portChanged = Signal(str)  # "" when no input is open
    message = Signal(str)
    _incoming = Signal(object, float)  # (mido message, clock stamp), queued to the UI thread

    def __init__(self, document: Document, state: EditorState, playback: PlaybackController,
                 show_preview: Callable[[np.ndarray | None], None], settings: QSettings | None = None,
                 lister: Callable[[], PortList] = list_input_ports,
                 opener: Callable[[str, Callable[[object], None]], InputPort] = open_input_port,
                 clock: Callable[[], float] = time.monotonic, parent: QObject | None = None):
        super().__init__(parent)
        self.doc = document
        self.state = state
        self.playback = playback
        self.show_preview = show_preview
        self.settings = settings
        self.lister = lister
        self.opener = opener
        self.clock = clock
        self.port: InputPort | None = None
        self.port_name = ""
        self.quantize = bool(settings is not None and settings.value("midi/quantize", False, type=bool))
        self._take: TakeRecorder | None = None
        self._song = None  # the song the take is recorded into: another one loaded means discard
        self._t0 = 0.0
        self._track = 0
        self._preview = QTimer(self)
        self._preview.setInterval(PREVIEW_MS)
        self._preview.timeout.connect(self._update_preview)
        self._incoming.connect(self._on_incoming)
        playback.playingChanged.connect(self._on_playing)
        document.songReplaced.connect(self._abandon)

    # ---- ports -------------------------------------------------------------------------
    def ports(self) -> PortList:
        return self.lister()

    def select_port(self, name: str | None) -> bool:
        """Listen to ``name`` (None: to nothing); False, with a message, when it cannot open."""
        self._close_port()
        if name:
            try:
                self.port = self.opener(name, self._receive)
            except Exception as exc:
                self.message.emit(f"Cannot open MIDI input {name!r}: {exc}")
                self.portChanged.emit("")
                return False
            self.port_name = name
        if self.settings is not None:
            self.settings.setValue("midi/input", name or "")
        self.portChanged.emit(self.port_name)
        return self.port is not None or not name

    def ensure_port(self) -> bool:
        """An input is open: the chosen one, the one used last time, else the first found."""
        if self.port is not None:
            return True
        found = self.ports()
        if not found.names:
            self.message.emit(found.status)
            return False
        last = self.settings.value("midi/input", "") if self.settings is not None else ""
        return self.select_port(last if last in found.names else found.names[0])

    def _receive(self, message: object) -> None:
        """mido's thread: stamp now, handle on the UI thread."""
        self._incoming.emit(message, self.clock())

    def _close_port(self) -> None:
        port, self.port, self.port_name = self.port, None, ""
        if port is not None:
            try:
                port.close()
            except Exception:
                pass  # a device unplugged mid-session: nothing left to close

    # ---- recording ---------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self._take is not None

    def set_quantize(self, on: bool) -> None:
        self.quantize = bool(on)
        if self.settings is not None:
            self.settings.setValue("midi/quantize", self.quantize)

    def set_recording(self, on: bool) -> None:
        if on and not self.recording:
            self.start()
        elif not on and self.recording:
            self.stop()

    def toggle(self) -> None:
        self.set_recording(not self.recording)

    def start(self) -> bool:
        if self.recording:
            return True
        if self.state.track is None:
            return self._refuse("Add a track to record into")
        if not self.ensure_port():
            return self._refuse(None)
        punch_in = self.playback.playing
        self.playback.play(open_end=True)
        start = self.playback.position_tick() if punch_in else self.state.playhead
        s = self.state
        loop = (s.loop_start, s.loop_end) if s.loop_enabled else None
        self._take = TakeRecorder(TakeClock(self.doc.song, start, loop), s.grid_ticks if self.quantize else None)
        self._t0 = self.clock()
        self._track = s.current_track
        self._song = self.doc.song
        self._preview.start()
        self.recordingChanged.emit(True)
        self.message.emit(f"Recording from {self.port_name}")
        return True

    def stop(self) -> np.ndarray | None:
        """End the take and add it to the track it began on (one undo step); its notes' rows."""
        take = self._take
        if take is None:
            return None
        notes = take.finish(self.clock() - self._t0)
        same_song = self.doc.song is self._song
        self._end_take()
        if not same_song:  # loading another song ended the take (its transport stop comes first)
            return None
        if not len(notes):
            self.message.emit("Nothing recorded")
            return None
        cmd = AddNotes(self._track, notes, text="Record MIDI")
        try:
            self.doc.push(cmd)
        except CommandError as exc:  # the track was deleted while recording
            self.message.emit(f"Recording discarded: {exc}")
            return None
        if self.state.current_track == self._track:
            self.state.set_selection(cmd.new_indices)
        self.message.emit(f"Recorded {len(notes)} note{'s' if len(notes) != 1 else ''}")
        return cmd.new_indices

    def _refuse(self, text: str | None) -> bool:
        if text:
            self.message.emit(text)
        self.recordingChanged.emit(False)  # un-press the Record button
        return False

    def _end_take(self) -> None:
        self._take = None
        self._song = None
        self._preview.stop()
        self.show_preview(None)
        self.recordingChanged.emit(False)

    def _abandon(self) -> None:
        if self.recording:
            self._end_take()

    def _on_playing(self, playing: bool) -> None:
        if not playing and self.recording:
            self.stop()

    def _on_incoming(self, message: object, stamp: float) -> None:
        event = key_event(message, stamp - self._t0)
        if event is None:
            return
        if event.is_press:
            self.playback.audition(event.pitch, event.velocity, live=True)
        if self._take is not None:
            self._take.feed(event)
            self._update_preview()

    def _update_preview(self) -> None:
        take = self._take
        if take is not None:
            same_track = self.state.current_track == self._track
            self.show_preview(take.notes(now=self.clock() - self._t0) if same_track else None)

    def shutdown(self) -> None:
        self._abandon()
        self._close_port()


def fill_input_menu(menu: QMenu, recorder: MidiRecorder, tail: tuple[QAction, ...] = ()) -> None:
    """(Re)build the MIDI Input menu: the inputs found now, "None", why none were found, then
    ``tail`` (the record options)."""
    menu.clear()
    for old in menu.findChildren(QActionGroup):
        old.deleteLater()
    found = recorder.ports()
    group = QActionGroup(menu)
    names = list(found.names)
    if recorder.port_name and recorder.port_name not in names:
        names.insert(0, recorder.port_name)  # open but no longer listed: still shown as chosen
    for name in [*names, ""]:
        act = QAction(name or "None", menu, checkable=True)
        act.setChecked(name == recorder.port_name)
        act.triggered.connect(lambda _c=False, n=name: recorder.select_port(n or None))
        group.addAction(act)
        menu.addAction(act)
    if found.status:
        menu.addSeparator()
        note = menu.addAction(found.status)
        note.setEnabled(False)
    if tail:
        menu.addSeparator()
        for act in tail:
            menu.addAction(act)
