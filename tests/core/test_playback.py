"""Live playback without a device: the block generator (scheduling, loop, seek, stop,
audition) tested offline, and a Player that degrades cleanly when there is no output."""
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from latentroll.core.audio import playback
from latentroll.core.audio.errors import AudioUnavailable
from latentroll.core.audio.playback import BlockGenerator, Player, output_device_available
from latentroll.core.audio.render import RenderOptions, render_song
from latentroll.core.audio.synth import FluidEngine
from latentroll.core.io.errors import MusicFileError
from latentroll.core.song import PPQ, Note, Song, Track

TIMGM = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
pytestmark = pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")
SR = 44100
BLOCK = 512
BAR = 4 * PPQ  # 2 s at 120 bpm


def make_song() -> Song:
    melody = [Note(i * PPQ, 60 + 2 * (i % 4), PPQ - 30, 100) for i in range(8)]  # 2 bars
    drums = [Note(i * PPQ, 36, PPQ // 4, 110) for i in range(8)]
    return Song(tracks=[Track("Lead", 0, notes=melody), Track("Drums", is_drum=True, notes=drums)])


def rms(x) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def pull(gen: BlockGenerator, frames: int, block: int = BLOCK) -> np.ndarray:
    out = np.empty((frames, 2), np.float32)
    for a in range(0, frames, block):
        gen.render(out[a: a + block])
    return out


@pytest.fixture
def gen():
    engine = FluidEngine(TIMGM, sample_rate=SR, channels=playback.PLAYER_CHANNELS)
    g = BlockGenerator(engine)
    g.load(make_song())
    yield g
    engine.close()


def test_playing_from_the_start_matches_the_offline_render(gen):
    offline = render_song(make_song(), RenderOptions(soundfont=TIMGM))
    gen.start(0)
    live = pull(gen, len(offline), block=441)  # a block size unrelated to 64
    assert not gen.playing and gen.position_frame == gen.end_frame == len(offline)
    np.testing.assert_allclose(live, offline, atol=1e-6)


def test_loop_wraps_at_the_loop_end_sample_exactly(gen):
    gen.start(0, loop=(0, BAR // 2))  # one second
    pull(gen, 100 * BLOCK)
    assert gen.playing
    assert gen.position_frame == (100 * BLOCK) % SR
    assert gen.position_tick == pytest.approx(gen.position_frame / SR * 960, abs=1)


def test_loop_entered_from_before_its_start(gen):
    gen.start(0, loop=(PPQ, 2 * PPQ))  # 0.5 s .. 1.0 s
    pull(gen, SR + 4 * BLOCK)  # 1 s + a bit: went past the end once
    assert gen.position_frame == int(0.5 * SR) + (SR + 4 * BLOCK - SR)


def test_playhead_past_the_loop_plays_to_the_end(gen):
    gen.start(BAR + PPQ, loop=(0, PPQ))  # 2.5 s; the song ends at 4 s + 1 s tail
    pull(gen, 3 * SR)
    assert not gen.playing and gen.position_frame == gen.end_frame


def test_seek_moves_the_playhead_and_plays_from_there(gen):
    gen.start(0)
    pull(gen, 8 * BLOCK)
    gen.seek(3 * PPQ)
    assert gen.position_frame == int(1.5 * SR) and gen.position_tick == 3 * PPQ
    audio = pull(gen, SR // 4)
    assert rms(audio) > 1e-3
    assert gen.position_frame == int(1.5 * SR) + len(audio)


def test_stop_freezes_the_playhead_and_lets_notes_release(gen):
    gen.start(0)
    pull(gen, SR // 2)
    gen.stop()
    pos = gen.position_frame
    tail = pull(gen, 3 * SR)
    assert not gen.playing and gen.position_frame == pos
    assert rms(tail[: BLOCK]) > 1e-4  # released, not cut
    assert rms(tail[-SR // 2:]) < 1e-5


def test_seek_while_stopped_then_start_there(gen):
    gen.seek(BAR)
    assert gen.position_tick == BAR and not gen.playing
    pull(gen, 4 * BLOCK)
    assert gen.position_tick == BAR


def test_audition_sounds_while_stopped_and_ends(gen):
    assert rms(pull(gen, 4 * BLOCK)) < 1e-5
    gen.audition(64, velocity=110, program=0, seconds=0.2)
    sound = pull(gen, SR // 4)
    assert rms(sound) > 1e-3
    assert rms(pull(gen, 3 * SR)[-SR // 2:]) < 1e-5
    gen.audition(38, is_drum=True)
    assert rms(pull(gen, SR // 4)) > 1e-3


def test_reloading_an_edited_song_keeps_the_playhead(gen):
    gen.start(0)
    pull(gen, SR // 2)
    pos = gen.position_frame
    edited = make_song()
    edited.tracks[0].mute = True
    edited.tracks[1].mute = True
    gen.load(edited)
    assert gen.playing and gen.position_frame == pos
    pull(gen, 3 * SR)
    assert rms(pull(gen, SR // 2)) < 1e-5  # everything muted: only the old tails, now gone


def test_invalid_loop_and_unloaded_generator(gen):
    with pytest.raises(ValueError):
        gen.start(0, loop=(PPQ, PPQ))
    bare = BlockGenerator(gen.engine)
    with pytest.raises(RuntimeError):
        bare.start(0)
    out = np.ones((BLOCK, 2), np.float32)
    bare.render(out)  # no song: just the synth, silent
    assert np.abs(out).max() < 1e-5


@pytest.mark.skipif(output_device_available(), reason="this machine has an audio output")
def test_player_without_device_raises_and_nothing_else_breaks():
    player = Player(soundfont=TIMGM)
    assert player.available is False
    with pytest.raises(AudioUnavailable, match="^no audio output device") as err:
        player.play(make_song())
    assert isinstance(err.value, MusicFileError)
    assert player.audition(60) is False
    player.stop()
    player.seek(480)
    player.set_loop((0, 960))
    assert not player.is_playing and player.position_tick == 0
    player.close()


class FakeStream:
    """Pulls blocks on a thread ~10x faster than real time, like PortAudio would."""

    def __init__(self, sample_rate, blocksize, fill):
        self.fill, self.blocksize = fill, blocksize
        self.blocks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        out = np.zeros((self.blocksize, 2), np.float32)
        while not self._stop.is_set():
            self.fill(out)
            self.blocks += 1
            time.sleep(self.blocksize / 44100 / 10)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=2)

    def close(self):
        pass


def test_player_with_a_stream_reports_the_playhead_and_stops():
    streams = []

    def factory(*args):
        streams.append(FakeStream(*args))
        return streams[-1]

    ticks = []
    with Player(soundfont=TIMGM, stream_factory=factory, position_interval=0.01) as player:
        assert player.available
        unsubscribe = player.on_position(ticks.append)
        player.play(make_song(), start_tick=BAR)
        assert player.is_playing
        deadline = time.monotonic() + 10
        while player.is_playing and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not player.is_playing
        time.sleep(0.05)
        assert len(ticks) >= 3 and ticks == sorted(ticks) and ticks[0] >= BAR
        assert ticks[-1] == player.position_tick >= 2 * BAR
        assert player.audition(60) is True
        player.play(make_song(), start_tick=0, loop=(0, PPQ))
        time.sleep(0.2)
        assert player.is_playing and player.position_tick < PPQ
        player.stop()
        assert not player.is_playing
        unsubscribe()
        assert len(streams) == 1  # one stream for the player's lifetime
    assert streams[0]._stop.is_set()
