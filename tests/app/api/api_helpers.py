"""Small music files for the REST API tests."""
import io

import numpy as np

from latentroll.core.channels import DRUM_CHANNEL
from latentroll.core.io.midi import song_to_midi_bytes
from latentroll.core.song import PPQ, Note, Song, Track


def melody_song(pitches=(60, 62, 64, 65, 67, 65, 64, 62), title="Tune") -> Song:
    """Two bars of 4/4: quarter notes."""
    notes = [Note(i * PPQ, p, PPQ - 10, 90) for i, p in enumerate(pitches)]
    return Song(title=title, tracks=[Track(name="Melody", notes=notes)])


def chorale_song(bars: int = 2) -> Song:
    """Four voices in half notes: soprano, alto, tenor, bass."""
    chords = [(72, 67, 64, 48), (71, 67, 62, 55), (72, 67, 64, 48), (74, 69, 65, 53)]
    voices = []
    for v, name in enumerate(("Soprano", "Alto", "Tenor", "Bass")):
        notes = [Note(i * 2 * PPQ, chords[i % 4][v], 2 * PPQ, 80) for i in range(bars * 2)]
        voices.append(Track(name=name, channel=v, notes=notes))
    return Song(title="Chorale", tracks=voices)


def drum_song() -> Song:
    notes = [Note(i * PPQ // 2, 36 if i % 2 == 0 else 42, PPQ // 4, 100) for i in range(16)]
    return Song(title="Beat", tracks=[Track(name="Drums", channel=DRUM_CHANNEL, is_drum=True, notes=notes)])


def midi(song: Song) -> bytes:
    return song_to_midi_bytes(song)


def mid_file(song: Song, name: str = "in.mid"):
    """A multipart file tuple for ``files=``."""
    return (name, io.BytesIO(midi(song)), "audio/midi")


def note_rows(track_json: dict) -> np.ndarray:
    return np.array([(n["start"], n["pitch"], n["duration"]) for n in track_json["notes"]])


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(library, *extra: str):
    """``latentroll serve`` in a process of its own on a free loopback port → (process, base URL),
    once /health answers."""
    import subprocess
    import sys
    import time

    import httpx

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "latentroll.app.cli.main", "serve", "--port", str(port),
                             "--library", str(library), *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped: {proc.stdout.read()}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code in (200, 401):
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start in 60 s")


def stop_server(proc) -> str:
    """Stop it as Ctrl-C does; its output."""
    import signal
    import subprocess

    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out
