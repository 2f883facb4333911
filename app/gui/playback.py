"""Transport for the window: plays the song through ``core.audio.playback.Player`` and moves
the playhead; auditions notes clicked in the roll.

Without an output device the transport still runs on a silent clock so the playhead, loop and
position display behave the same (the status bar says "no audio output"). The audio device probe
and the SoundFont load run in workers: starting the app never waits for them.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from .document import Document
from .editor_state import EditorState
from .undo import ChangeSet
from .workers import Jobs

CLOCK_MS = 33
RELOAD_DEBOUNCE_MS = 250

AUDIO_UNKNOWN = "checking audio…"
AUDIO_OK = "audio ready"
AUDIO_NONE = "no audio output"
AUDIO_NO_SOUNDFONT = "no SoundFont: silent playback"


class PlaybackController(QObject):
    playingChanged = Signal(bool)
    audioStatusChanged = Signal(str)
    _playerPosition = Signal(int)  # emitted from the player's timer thread, delivered queued

    def __init__(self, document: Document, state: EditorState, jobs: Jobs,
                 player_factory: Callable[[], object] | None = None, soundfont: Callable[[], str | None] = lambda: None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.doc = document
        self.state = state
        self.jobs = jobs
        self._player_factory = player_factory
        self._soundfont = soundfont
        self.player = None
        self.audio_status = AUDIO_UNKNOWN
        self.playing = False
        self._audible = False  # this run goes through the Player (else: the silent clock)
        self._open_end = False  # this run records: it does not stop at the song's end
        self._clock = QElapsedTimer()
        self._clock_start_s = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(CLOCK_MS)
        self._timer.timeout.connect(self._on_clock)
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(RELOAD_DEBOUNCE_MS)
        self._reload.timeout.connect(self._reload_song)
        self._unsubscribe = None
        self._playerPosition.connect(self._on_player_position)
        document.changed.connect(self._on_doc_changed)
        document.songReplaced.connect(self.stop)
        state.seekRequested.connect(self._on_seek)
        state.loopChanged.connect(self._on_loop_changed)

    # ---- audio device ------------------------------------------------------------------
    def probe(self) -> None:
        """Find out in the background whether there is an output device."""
        factory = self._player_factory or _default_player
        self.jobs.start("audio-probe", _probe, factory, self._soundfont(), label="Checking audio output",
                        on_result=self._set_audio, on_error=self._on_probe_error)

    def _on_probe_error(self, exc: BaseException) -> None:
        from latentroll.core.audio.soundfont import SoundFontNotFound

        self._set_audio(None, AUDIO_NO_SOUNDFONT if isinstance(exc, SoundFontNotFound) else AUDIO_NONE)

    def _set_audio(self, player, status: str | None = None) -> None:
        self.player = player
        self.audio_status = status or (AUDIO_OK if player is not None else AUDIO_NONE)
        if player is not None:
            self._unsubscribe = player.on_position(self._playerPosition.emit)
        self.audioStatusChanged.emit(self.audio_status)

    @property
    def audio_available(self) -> bool:
        return self.player is not None

    # ---- transport ---------------------------------------------------------------------
    def toggle(self) -> None:
        self.stop() if self.playing else self.play()

    def play(self, open_end: bool = False) -> None:
        """Start from the playhead. ``open_end`` (recording) starts at the playhead even past
        the song's end and keeps the transport running there instead of stopping."""
        if self.playing:
            self._open_end = self._open_end or open_end
            return
        song = self.doc.song
        start = self.state.playhead
        self._open_end = open_end
        if self.state.loop_enabled:
            if not self.state.loop_start <= start < self.state.loop_end:
                start = self.state.loop_start
        elif start >= song.end_tick() and not open_end:
            start = 0
        self.state.set_playhead(start)
        self._audible = False
        if self.player is not None:
            try:
                self.player.play(song.copy(), start_tick=start, loop=self._loop())
                self._audible = True
            except Exception as exc:  # no SoundFont, device vanished: say so, run silently
                self.jobs.failed.emit("Playback", exc)
        self.playing = True
        self._clock_start_s = song.tick_to_seconds(start)
        self._clock.start()
        self._timer.start()
        self.playingChanged.emit(True)

    def stop(self) -> None:
        if not self.playing:
            return
        if self._audible:
            self.player.stop()
        self._audible = False
        self.playing = False
        self._timer.stop()
        self.playingChanged.emit(False)

    def position_tick(self) -> int:
        """Where the transport is now (the playhead signal lags by up to one clock step)."""
        if not self.playing:
            return self.state.playhead
        if self._audible:
            return self.player.position_tick
        song = self.doc.song
        tick = song.seconds_to_tick(self._clock_start_s + self._clock.elapsed() / 1000.0)
        loop = self._loop()
        if loop is not None and tick >= loop[1] > self.state.playhead:
            return loop[0]  # the clock is about to wrap
        return tick

    def _loop(self) -> tuple[int, int] | None:
        s = self.state
        return (s.loop_start, s.loop_end) if s.loop_enabled else None

    def _on_clock(self) -> None:
        """Silent clock (no device) or end-of-song detection (with a device)."""
        if self._audible:
            if self.player.is_playing:
                return
            if not self._open_end:
                self.stop()
                return
            self._audible = False  # recording past the song's end: carry on on the silent clock
            self._clock_start_s = self.doc.song.tick_to_seconds(self.player.position_tick)
            self._clock.restart()
        song = self.doc.song
        secs = self._clock_start_s + self._clock.elapsed() / 1000.0
        tick = song.seconds_to_tick(secs)
        loop = self._loop()
        if loop is not None and tick >= loop[1] and self._clock_start_s < song.tick_to_seconds(loop[1]):
            self._clock_start_s = song.tick_to_seconds(loop[0])
            self._clock.restart()
            tick = loop[0]
        elif tick >= song.end_tick() and not self._open_end:
            self.state.set_playhead(song.end_tick())
            self.stop()
            return
        self.state.set_playhead(tick)

    def _on_player_position(self, tick: int) -> None:
        if self.playing:
            self.state.set_playhead(tick)

    def _on_seek(self, tick: int) -> None:
        if not self.playing:
            return
        if self._audible:
            self.player.seek(tick)
        self._clock_start_s = self.doc.song.tick_to_seconds(tick)
        self._clock.restart()

    def _on_loop_changed(self) -> None:
        if self.playing and self._audible:
            try:
                self.player.set_loop(self._loop())
            except ValueError:
                pass  # a loop shorter than one audio block: keep the old one

    def _on_doc_changed(self, changes: ChangeSet) -> None:
        if self.playing and self._audible:
            self._reload.start()  # edits during playback are heard after a short debounce

    def _reload_song(self) -> None:
        if self.playing and self._audible:
            self.player.play(self.doc.song.copy(), start_tick=self.player.position_tick, loop=self._loop())

    # ---- audition ----------------------------------------------------------------------
    def audition(self, pitch: int, velocity: int = 100, live: bool = False) -> None:
        """Sound one note of the current track's instrument; ``live`` (a key played on a MIDI
        keyboard) sounds over playback too, a click in the roll only while stopped."""
        track = self.state.track
        if self.player is None or track is None or (self.playing and not live):
            return
        try:
            self.player.audition(pitch, velocity, track.program, track.is_drum)
        except Exception as exc:
            self.jobs.failed.emit("Audition", exc)

    def shutdown(self) -> None:
        self.stop()
        self._timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self.player is not None:
            self.player.close()
            self.player = None


def _default_player(soundfont: str | None):
    from latentroll.core.audio.playback import Player

    return Player(soundfont=soundfont)


def _probe(factory, soundfont):
    """Runs in a worker: a Player when a device exists (its synth loaded), else None."""
    player = factory(soundfont)
    if not player.available:
        return None
    player.audition(-1)  # opens the stream and loads the SoundFont now, not on the first click
    return player
