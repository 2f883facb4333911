"""``latentroll render`` and ``latentroll play``: files written, one-line errors, exit codes."""
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from latentroll.app.cli.main import main
from latentroll.core.audio import playback
from latentroll.core.io.midi import write_midi
from latentroll.core.song import PPQ, Note, Song, Track

TIMGM = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
pytestmark = pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")


@pytest.fixture
def midi(tmp_path) -> Path:
    song = Song(title="cli", tracks=[
        Track("Keys", 0, notes=[Note(i * PPQ, 60 + i, PPQ, 100) for i in range(4)]),
        Track("Kit", 0, channel=9, is_drum=True, notes=[Note(i * PPQ, 36, PPQ // 2, 110) for i in range(4)]),
    ])
    path = tmp_path / "in.mid"
    write_midi(song, path)
    return path


def one_error_line(capsys, *needles) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    for needle in needles:
        assert needle in err
    return err


def test_render_48k_24bit_and_stems(midi, tmp_path, capsys):
    out = tmp_path / "out.wav"
    rc = main(["render", str(midi), "-o", str(out), "--stems", str(tmp_path / "stems"),
               "--soundfont", str(TIMGM), "--rate", "48000", "--bits", "24"])
    assert rc == 0
    info = sf.info(str(out))
    assert (info.samplerate, info.subtype, info.channels) == (48000, "PCM_24", 2)
    assert info.duration == pytest.approx(2.0 + 1.0, abs=0.01)  # 4 beats at 120 bpm + tail
    data, _ = sf.read(str(out))
    assert np.sqrt(np.mean(data ** 2)) > 5e-3
    stems = sorted((tmp_path / "stems").iterdir())
    assert [p.name for p in stems] == ["in_01_Keys.wav", "in_02_Kit.wav"]
    assert {sf.info(str(p)).frames for p in stems} == {info.frames}
    printed = capsys.readouterr().out
    assert "wrote" in printed and "in_02_Kit.wav" in printed


def test_render_reads_abc(tmp_path):
    abc = tmp_path / "tune.abc"
    abc.write_text("X:1\nT:Scale\nM:4/4\nL:1/4\nK:C\nCDEF|GABc|\n")
    out = tmp_path / "tune.wav"
    assert main(["render", str(abc), "-o", str(out), "--soundfont", str(TIMGM)]) == 0
    assert sf.info(str(out)).duration == pytest.approx(4.0 + 1.0, abs=0.01)


def test_missing_soundfont_one_line_and_no_file(midi, tmp_path, capsys):
    out = tmp_path / "out.wav"
    rc = main(["render", str(midi), "-o", str(out), "--soundfont", str(tmp_path / "none.sf2")])
    assert rc == 2 and not out.exists()
    one_error_line(capsys, "SoundFont not found", "apt install fluid-soundfont-gm")


def test_unwritable_output_one_line_and_no_file(midi, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "out.wav"
    assert main(["render", str(midi), "-o", str(out), "--soundfont", str(TIMGM)]) == 2
    one_error_line(capsys, "does not exist")
    assert list(tmp_path.iterdir()) == [midi]


def test_a_bad_stems_folder_leaves_an_existing_mixdown_untouched(midi, tmp_path, capsys):
    out = tmp_path / "out.wav"
    out.write_bytes(b"the old mixdown")
    (tmp_path / "taken").write_text("a file where the stems folder should go")
    rc = main(["render", str(midi), "-o", str(out), "--stems", str(tmp_path / "taken" / "stems"),
               "--soundfont", str(TIMGM)])
    assert rc == 2 and out.read_bytes() == b"the old mixdown"
    one_error_line(capsys, "cannot write stems to")


def test_a_stem_that_fails_leaves_the_mixdown_and_writes_no_stem(midi, tmp_path, capsys):
    """The stems folder exists, but a folder holds the second stem's name: the render fails
    and the old mixdown is still there (it used to be replaced before the stems were tried)."""
    out = tmp_path / "out.wav"
    out.write_bytes(b"the old mixdown")
    (tmp_path / "stems" / "in_02_Kit.wav").mkdir(parents=True)
    rc = main(["render", str(midi), "-o", str(out), "--stems", str(tmp_path / "stems"), "--soundfont", str(TIMGM)])
    assert rc == 2 and out.read_bytes() == b"the old mixdown"
    one_error_line(capsys, "in_02_Kit.wav", "in the way")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.mid", "out.wav", "stems"]
    assert [p.name for p in (tmp_path / "stems").iterdir()] == ["in_02_Kit.wav"]


@pytest.mark.parametrize("argv,needle", [
    ([], "nothing to do"),
    (["-o", "out.mp3"], ".wav"),
    (["-o", "out.wav", "--gain", "0"], "--gain"),
])
def test_usage_errors(midi, tmp_path, capsys, argv, needle, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["render", str(midi), *argv, "--soundfont", str(TIMGM)]) == 2
    one_error_line(capsys, needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.mid"]


def test_bad_input_file(tmp_path, capsys):
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"not midi at all")
    assert main(["render", str(bad), "-o", str(tmp_path / "x.wav"), "--soundfont", str(TIMGM)]) == 2
    one_error_line(capsys, "bad.mid")
    assert not (tmp_path / "x.wav").exists()


@pytest.mark.skipif(playback.output_device_available(), reason="this machine has an audio output")
def test_play_without_device_exits_2_with_one_line(midi, capsys):
    assert main(["play", str(midi), "--soundfont", str(TIMGM)]) == 2
    one_error_line(capsys, "no audio output device")


class FastStream:
    def __init__(self, sample_rate, blocksize, fill):
        self.fill, self.blocksize = fill, blocksize
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        out = np.zeros((self.blocksize, 2), np.float32)
        while not self.done.is_set():
            self.fill(out)
            time.sleep(0.0005)

    def start(self):
        self.thread.start()

    def stop(self):
        self.done.set()
        self.thread.join(timeout=2)

    def close(self):
        pass


def test_play_with_a_device_prints_the_playhead(midi, capsys, monkeypatch):
    monkeypatch.setattr(playback, "output_device_available", lambda: True)
    monkeypatch.setattr(playback, "sounddevice_stream", FastStream)
    assert main(["play", str(midi), "--soundfont", str(TIMGM), "--from", "1"]) == 0
    printed = capsys.readouterr().out
    assert "bar   1 beat 1" in printed and "/ 0:02.0" in printed
