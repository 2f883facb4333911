"""Live playback: a ``BlockGenerator`` that turns a song into consecutive audio blocks (transport,
loop, seek, auditioned notes) and a ``Player`` that feeds it to a sounddevice output stream.

The generator needs no device, so transport logic is tested offline; the stream is a thin
layer created through a factory. It plays the same event list (``events.build_events``)
through the same ``EventCursor`` as the offline renderer.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, Sequence

import numpy as np

from latentroll.core.song import Song

from .errors import AudioUnavailable
from .events import DRUM_BANK, assign_channels, build_events
from .render import render_length
from .soundfont import find_soundfont
from .synth import DEFAULT_GAIN, EventCursor, FluidEngine

log = logging.getLogger(__name__)

NO_DEVICE = ("no audio output device: playback needs a sound card "
             "(render to a file instead: latentroll render IN -o OUT.wav)")
AUDITION_CHANNEL = 254       # melodic; song channels stay below 240
AUDITION_DRUM_CHANNEL = 249  # 249 % 16 == 9: a drum channel
PLAYER_CHANNELS = 256

Loop = tuple[int, int]


@dataclass(frozen=True)
class _Audition:
    channel: int
    bank: int
    program: int
    pitch: int
    velocity: int
    frames: int


class BlockGenerator:
    """Song → audio blocks. ``render(out)`` fills the next block; the other methods may be called
    from any thread (a lock serialises them with ``render``). The synth keeps running while the
    transport is stopped, so release tails and auditioned notes still sound."""

    def __init__(self, engine: FluidEngine, tail_seconds: float = 1.0) -> None:
        self.engine = engine
        self.sample_rate = engine.sample_rate
        self.tail_seconds = tail_seconds
        self._lock = threading.RLock()
        self._song: Song | None = None
        self._cursor: EventCursor | None = None
        self._channels: list[int] = []
        self._end = 0
        self._frame = 0
        self._playing = False
        self._loop: tuple[int, int] | None = None
        self._clock = 0  # frames rendered since creation: the time base of auditioned notes
        self._pending: list[_Audition] = []
        self._note_offs: list[tuple[int, int, int]] = []  # (due clock, channel, pitch)

    # ---- transport ---------------------------------------------------------------------
    def load(self, song: Song, tracks: Sequence[int] | None = None) -> None:
        """Use ``song`` (its audible tracks by default) from now on, keeping the position."""
        events = build_events(song, tracks)
        with self._lock:
            self.engine.notes_off(self._channels)
            self._song = song
            self._cursor = EventCursor(self.engine, events)
            self._cursor.apply_setup()
            self._channels = sorted(set(assign_channels(song.tracks)))
            self._end = render_length(song, self.sample_rate, self.tail_seconds)
            self._cursor.seek(self._frame)

    def start(self, tick: int = 0, loop: Loop | None = None) -> None:
        with self._lock:
            self._require_song()
            self.set_loop(loop)
            self.seek(tick)
            self._playing = True

    def stop(self) -> None:
        """Stop the transport where it is; sounding notes are released, not cut."""
        with self._lock:
            self._playing = False
            self.engine.notes_off(self._channels)

    def seek(self, tick: int) -> None:
        with self._lock:
            self._require_song()
            self.engine.notes_off(self._channels)
            self._frame = self._tick_to_frame(max(0, int(tick)))
            self._cursor.seek(self._frame)

    def set_loop(self, loop: Loop | None) -> None:
        """Loop ``(start_tick, end_tick)``: reaching the end jumps back to the start. A playhead
        already past the loop end plays on to the song end."""
        with self._lock:
            if loop is None:
                self._loop = None
                return
            self._require_song()
            a, b = (self._tick_to_frame(max(0, int(t))) for t in loop)
            if b - a < 64:
                raise ValueError(f"loop end must come after loop start: {loop}")
            self._loop = (a, b)

    @property
    def loaded(self) -> bool:
        return self._song is not None

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def position_frame(self) -> int:
        return self._frame

    @property
    def position_tick(self) -> int:
        song = self._song
        return 0 if song is None else song.seconds_to_tick(self._frame / self.sample_rate)

    @property
    def end_frame(self) -> int:
        return self._end

    # ---- auditioning -------------------------------------------------------------------
    def audition(self, pitch: int, velocity: int = 100, program: int = 0,
                 is_drum: bool = False, seconds: float = 0.5) -> None:
        """Sound one note now (at the next block), e.g. a note clicked in the piano roll."""
        if not 0 <= pitch <= 127:
            return
        note = _Audition(
            channel=AUDITION_DRUM_CHANNEL if is_drum else AUDITION_CHANNEL,
            bank=DRUM_BANK if is_drum else 0, program=int(program) & 127, pitch=int(pitch),
            velocity=int(min(max(velocity, 1), 127)), frames=max(1, int(seconds * self.sample_rate)),
        )
        with self._lock:
            self._pending.append(note)

    # ---- audio -------------------------------------------------------------------------
    def render(self, out: np.ndarray) -> None:
        """Fill ``out`` (contiguous float32 (frames, 2)) with the next block."""
        with self._lock:
            n = len(out)
            self._service_auditions()
            done = 0
            while self._playing and done < n:
                looping = self._loop is not None and self._frame < self._loop[1]
                limit = self._loop[1] if looping else self._end
                take = min(n - done, limit - self._frame)
                if take > 0:
                    self._cursor.render(out[done:done + take], self._frame)
                    self._frame += take
                    done += take
                if self._frame >= limit:
                    self.engine.notes_off(self._channels)
                    if looping:
                        self._frame = self._loop[0]
                        self._cursor.seek(self._frame)
                    else:
                        self._playing = False
            if done < n:
                self.engine.write_into(out[done:])
            self._clock += n

    def _service_auditions(self) -> None:
        for note in self._pending:
            self.engine.select_program(note.channel, note.bank, note.program)
            self.engine.noteon(note.channel, note.pitch, note.velocity)
            self._note_offs.append((self._clock + note.frames, note.channel, note.pitch))
        self._pending.clear()
        if self._note_offs:
            due = [x for x in self._note_offs if x[0] <= self._clock]
            for _, ch, pitch in due:
                self.engine.noteoff(ch, pitch)
            self._note_offs = [x for x in self._note_offs if x[0] > self._clock]

    def _tick_to_frame(self, tick: int) -> int:
        return int(round(self._song.tick_to_seconds(tick) * self.sample_rate))

    def _require_song(self) -> None:
        if self._song is None:
            raise RuntimeError("load a song first")


class AudioStream(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


StreamFactory = Callable[[int, int, Callable[[np.ndarray], None]], AudioStream]
"""``factory(sample_rate, blocksize, fill)``: a stream that calls ``fill(out)`` per block."""


def output_device_available() -> bool:
    """True when PortAudio has a default output device."""
    try:
        import sounddevice as sd  # noqa: PLC0415 - PortAudio may be missing entirely
    except (ImportError, OSError):
        return False
    try:
        device = sd.query_devices(kind="output")
    except Exception:  # PortAudioError, ValueError: no default output
        return False
    return bool(device) and int(device.get("max_output_channels", 0)) > 0


def sounddevice_stream(sample_rate: int, blocksize: int, fill: Callable[[np.ndarray], None]) -> AudioStream:
    import sounddevice as sd  # noqa: PLC0415

    def callback(outdata, frames, time_info, status) -> None:  # PortAudio's audio thread
        fill(outdata)

    try:
        return sd.OutputStream(samplerate=sample_rate, blocksize=blocksize, channels=2,
                               dtype="float32", callback=callback, latency="low")
    except (sd.PortAudioError, OSError, ValueError) as exc:
        raise AudioUnavailable(f"{NO_DEVICE} ({exc})") from exc


class Player:
    """Real-time playback with a playhead callback and note auditioning.

    Without an output device ``available`` is False, ``play`` raises ``AudioUnavailable``,
    ``audition`` returns False and everything else is a harmless no-op.
    """

    def __init__(
        self,
        soundfont: str | Path | None = None,
        sample_rate: int = 44100,
        gain: float = DEFAULT_GAIN,
        blocksize: int = 512,
        stream_factory: StreamFactory | None = None,
        position_interval: float = 1 / 30,
    ) -> None:
        self.soundfont = soundfont
        self.sample_rate = sample_rate
        self.gain = gain
        self.blocksize = blocksize
        self.position_interval = position_interval
        self._factory = stream_factory
        self._generator: BlockGenerator | None = None
        self._engine: FluidEngine | None = None
        self._stream: AudioStream | None = None
        self._callbacks: list[Callable[[int], None]] = []
        self._ticker: threading.Thread | None = None
        self._closing = threading.Event()
        self._switch = threading.Lock()
        self._lock = threading.Lock()
        self._fill_failed = False

    @property
    def available(self) -> bool:
        return self._factory is not None or output_device_available()

    # ---- transport ---------------------------------------------------------------------
    def play(self, song: Song, start_tick: int = 0, loop: Loop | None = None,
             tracks: Sequence[int] | None = None) -> None:
        generator = self._open()
        with self._switch:  # the playhead reporter never sees the new song at the old position
            generator.load(song, tracks)
            generator.start(start_tick, loop)

    def update_song(self, song: Song, tracks: Sequence[int] | None = None) -> None:
        """Swap in an edited song (or new mute/solo) without moving the playhead."""
        if self._generator is not None and self._generator.loaded:
            self._generator.load(song, tracks)

    def stop(self) -> None:
        if self._generator is not None:
            self._generator.stop()

    def seek(self, tick: int) -> None:
        if self._generator is not None and self._generator.loaded:
            self._generator.seek(tick)

    def set_loop(self, loop: Loop | None) -> None:
        if self._generator is not None and self._generator.loaded:
            self._generator.set_loop(loop)

    @property
    def is_playing(self) -> bool:
        return self._generator is not None and self._generator.playing

    @property
    def position_tick(self) -> int:
        return 0 if self._generator is None else self._generator.position_tick

    def on_position(self, callback: Callable[[int], None]) -> Callable[[], None]:
        """Call ``callback(tick)`` from a timer thread (~30 Hz) while the playhead moves;
        returns a function that unsubscribes it."""
        self._callbacks.append(callback)
        return lambda: self._callbacks.remove(callback) if callback in self._callbacks else None

    def audition(self, pitch: int, velocity: int = 100, program: int = 0,
                 is_drum: bool = False, seconds: float = 0.5) -> bool:
        """Sound one note; False (and silence) when there is no output device."""
        if not self.available:
            return False
        self._open().audition(pitch, velocity, program, is_drum, seconds)
        return True

    def close(self) -> None:
        self._closing.set()
        with self._lock:
            if self._stream is not None:
                self._stream.stop()
                self._stream.close()
                self._stream = None
            if self._ticker is not None:
                self._ticker.join(timeout=1.0)
                self._ticker = None
            if self._engine is not None:
                self._engine.close()
                self._engine = None
            self._generator = None

    def __enter__(self) -> "Player":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- internals ---------------------------------------------------------------------
    def _open(self) -> BlockGenerator:
        with self._lock:
            if self._generator is not None:
                return self._generator
            if not self.available:
                raise AudioUnavailable(NO_DEVICE)
            engine = FluidEngine(find_soundfont(self.soundfont), sample_rate=self.sample_rate,
                                 gain=self.gain, channels=PLAYER_CHANNELS)
            generator = BlockGenerator(engine)
            factory = self._factory or sounddevice_stream
            try:
                stream = factory(self.sample_rate, self.blocksize, self._fill)
                self._generator = generator  # before start: the stream calls _fill at once
                stream.start()
            except BaseException:
                self._generator = None
                engine.close()
                raise
            self._engine, self._stream = engine, stream
            self._closing.clear()
            self._ticker = threading.Thread(target=self._tick, name="playhead", daemon=True)
            self._ticker.start()
            return generator

    def _fill(self, out: np.ndarray) -> None:
        """Runs on the audio thread: never raise there, play silence instead."""
        generator = self._generator
        try:
            if generator is None:
                out.fill(0)
            else:
                generator.render(out)
        except Exception:
            out.fill(0)
            if not self._fill_failed:
                self._fill_failed = True
                log.exception("audio callback failed; playing silence")

    def _tick(self) -> None:
        last = None
        while not self._closing.wait(self.position_interval):
            generator = self._generator
            if generator is None or not self._callbacks:
                continue
            with self._switch:
                tick = generator.position_tick
            if tick == last:
                continue
            last = tick
            for callback in list(self._callbacks):
                try:
                    callback(tick)
                except Exception:
                    log.exception("position callback failed")
