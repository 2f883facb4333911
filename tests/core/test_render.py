"""Offline FluidSynth rendering: mixdown, WAV files, stems, mute/solo, progress, cancel."""
import math
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from latentroll.core.audio.events import NOTE_OFF, NOTE_ON, PROGRAM, build_events
from latentroll.core.audio.render import (
    RENDER_BLOCK,
    RenderOptions,
    render_files,
    render_length,
    render_song,
    render_stems,
    render_to_wav,
    safe_filename,
    stem_paths,
    write_wav,
)
from latentroll.core.audio.soundfont import SoundFontNotFound
from latentroll.core.audio.synth import FLUID_BUFSIZE
from latentroll.core.cancel import Cancelled
from latentroll.core.io.errors import MusicFileError
from latentroll.core.song import PPQ, Note, Song, TempoChange, Track

TIMGM = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
pytestmark = pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")
SR = 44100
OPTS = RenderOptions(soundfont=TIMGM)
BAR = 4 * PPQ


def make_song() -> Song:
    """3 tracks over 3 bars at 120 then 60 bpm (bars last 2 s, then 4 s); the bass enters at bar 2."""
    piano = [Note(i * PPQ // 2, 60 + (i % 8), PPQ // 2 - 20, 90) for i in range(16)]  # bars 1-2
    bass = [Note(BAR + i * PPQ, 36 + (i % 3), PPQ - 40, 100) for i in range(4)]       # bar 2
    drums = [Note(i * PPQ // 2, 36 if i % 2 == 0 else 42, PPQ // 4, 110) for i in range(16)]
    drums.append(Note(2 * BAR, 38, PPQ, 120))  # bar 3 (4.0 s), one beat at 60 bpm: ends at 5.0 s
    return Song(
        title="Test: Song/1",
        tracks=[Track("Piano", 0, notes=piano), Track("Bass / low", 33, notes=bass),
                Track("Drums", 0, is_drum=True, notes=drums)],
        tempos=[TempoChange(0, 120.0), TempoChange(2 * BAR, 60.0)],
    )


def rms(x) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


def onset_frame(audio, threshold=1e-3) -> int:
    return int(np.flatnonzero(np.abs(audio).max(axis=1) > threshold)[0])


@pytest.fixture(scope="module")
def song():
    return make_song()


@pytest.fixture(scope="module")
def mix(song):
    return render_song(song, OPTS)


@pytest.fixture(scope="module")
def solo_renders(song):
    return [render_song(song, OPTS, tracks=[i]) for i in range(len(song.tracks))]


def test_event_list_is_time_ordered_with_offs_before_ons(song):
    ev = build_events(song)
    assert np.all(np.diff(ev["tick"]) >= 0)
    assert np.all(np.diff(ev["seconds"]) >= 0)
    assert (ev["kind"] == NOTE_ON).sum() == song.note_count() == (ev["kind"] == NOTE_OFF).sum()
    programs = ev[ev["kind"] == PROGRAM]
    assert sorted(programs["data2"].tolist()) == [0, 0, 128]  # drums on the GM drum bank
    assert set(ev[ev["data2"] == 128]["channel"].tolist()) == {9}
    same_tick = ev[ev["tick"] == PPQ // 2]
    assert list(same_tick["kind"]) == sorted(same_tick["kind"])
    # the tempo map: bar 3 starts at 4 s (120 bpm), one beat later is 5 s (60 bpm)
    last = ev[ev["tick"] == 2 * BAR + PPQ]
    assert last["seconds"][0] == pytest.approx(5.0)


def test_mix_is_loud_enough_and_exactly_as_long_as_promised(song, mix):
    assert mix.dtype == np.float32 and mix.shape[1] == 2
    assert rms(mix) > 5e-3
    expected = (4.0 + 1.0 + 1.0) * SR  # bar 3 at 4 s, last note one beat at 60 bpm, 1 s tail
    assert abs(len(mix) - expected) <= RENDER_BLOCK
    assert len(mix) == render_length(song, SR, 1.0) == math.ceil(expected)
    assert np.isfinite(mix).all()


def test_notes_sound_where_the_tempo_map_puts_them(song, solo_renders):
    bass = solo_renders[1]
    assert abs(onset_frame(bass) - 2.0 * SR) <= 2 * FLUID_BUFSIZE  # bar 2 at 120 bpm
    assert rms(bass[: int(1.95 * SR)]) < 1e-6
    only_snare = Song(tracks=[Track("Drums", is_drum=True, notes=[Note(2 * BAR + PPQ, 38, 240, 120)])],
                      tempos=song.tempos)
    snare = render_song(only_snare, OPTS)
    assert abs(onset_frame(snare) - 5.0 * SR) <= 2 * FLUID_BUFSIZE  # after the change to 60 bpm


def test_render_at_48k_24_bit_file(song, tmp_path):
    opts = RenderOptions(sample_rate=48000, bits=24, soundfont=TIMGM)
    out = tmp_path / "mix.wav"
    result = render_to_wav(song, out, opts)
    info = sf.info(str(out))
    assert (info.samplerate, info.channels, info.subtype, info.format) == (48000, 2, "PCM_24", "WAV")
    assert info.frames == result.frames == render_length(song, 48000, 1.0)
    data, rate = sf.read(str(out), dtype="float32")
    assert rate == 48000 and rms(data) > 5e-3
    assert result.clipped_samples == 0 and 0 < result.peak < 1
    assert [p.name for p in tmp_path.iterdir()] == ["mix.wav"]


@pytest.mark.parametrize("bits,subtype,step", [(16, "PCM_16", 2 ** -15), (24, "PCM_24", 2 ** -23), (32, "FLOAT", 0)])
def test_write_wav_formats_and_clipping(tmp_path, bits, subtype, step):
    t = np.arange(4800) / 48000
    audio = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 1.5 * np.sin(2 * np.pi * 220 * t)], axis=1).astype(np.float32)
    clipped = write_wav(tmp_path / "x.wav", audio, 48000, bits)
    back, _ = sf.read(str(tmp_path / "x.wav"), dtype="float32")
    assert sf.info(str(tmp_path / "x.wav")).subtype == subtype
    np.testing.assert_allclose(back[:, 0], audio[:, 0], atol=step + 1e-7)
    if bits == 32:
        assert clipped == 0 and back[:, 1].max() == pytest.approx(1.5, abs=1e-3)
    else:  # clipped, not wrapped around: the sign and the shape survive
        assert clipped == int((np.abs(audio) > 1).sum()) > 0
        assert back[:, 1].max() <= 1.0 and back[:, 1].max() > 0.99
        assert np.all(np.sign(back[:, 1]) * np.sign(audio[:, 1]) >= 0)


def test_stems_equal_length_from_zero_and_sum_to_the_mix(song, mix, tmp_path):
    paths = render_stems(song, tmp_path / "stems", OPTS)
    assert [p.name for p in paths] == ["Test_Song_1_01_Piano.wav", "Test_Song_1_02_Bass_low.wav",
                                       "Test_Song_1_03_Drums.wav"]
    stems = [sf.read(str(p), dtype="float32")[0] for p in paths]
    assert {len(s) for s in stems} == {len(mix)}
    assert all(rms(s) > 1e-3 for s in stems)
    # the bass starts at bar 2, so its stem is silent for its first 2 s, not trimmed
    assert abs(onset_frame(stems[1]) - 2 * SR) <= 2 * FLUID_BUFSIZE
    residual = np.sum(stems, axis=0) - mix
    assert 20 * np.log10(rms(residual) / rms(mix)) < -30  # includes 16-bit rounding of 3 stems


def test_sum_of_solo_renders_is_the_mix_sample_for_sample(song):
    """With effects off, solo renders add up to the mix exactly, except in the first 64-frame
    block of some voices: FluidSynth starts a voice slightly differently depending on which
    voice slot it reuses. (With reverb on, that difference also rings on in the reverb tail.)"""
    dry = RenderOptions(soundfont=TIMGM, effects=False)
    mix = render_song(song, dry)
    residual = np.sum([render_song(song, dry, tracks=[i]) for i in range(3)], axis=0) - mix
    assert 20 * np.log10(rms(residual) / rms(mix)) < -30
    onsets = np.rint(build_events(song)["seconds"] * SR / FLUID_BUFSIZE).astype(int) * FLUID_BUFSIZE
    mask = np.ones(len(mix), bool)
    for f in np.unique(onsets):
        mask[max(0, f - FLUID_BUFSIZE): f + 2 * FLUID_BUFSIZE] = False
    assert mask.mean() > 0.9
    assert np.abs(residual[mask]).max() < 1e-6


def test_mute_and_solo_are_honoured(song, mix, solo_renders):
    muted = song.copy()
    muted.tracks[1].mute = True
    out = render_song(muted, OPTS)
    assert len(out) == len(mix)  # the length never depends on what is muted
    np.testing.assert_array_equal(out, render_song(song, OPTS, tracks=[0, 2]))
    assert rms(out[2 * SR: 4 * SR] - mix[2 * SR: 4 * SR]) > 1e-3
    soloed = song.copy()
    soloed.tracks[2].solo = True
    soloed.tracks[2].mute = True  # solo wins over mute
    np.testing.assert_array_equal(render_song(soloed, OPTS), solo_renders[2])


def test_stems_ignore_mute_and_solo(song, tmp_path):
    muted = song.copy()
    muted.tracks[0].mute = True
    muted.tracks[2].solo = True
    paths = render_stems(muted, tmp_path, RenderOptions(soundfont=TIMGM, bits=32), basename="take")
    assert len(paths) == 3 and paths[0].name == "take_01_Piano.wav"
    assert rms(sf.read(str(paths[0]))[0]) > 1e-3


def test_program_and_drum_bank_change_the_sound():
    notes = [Note(0, 40, 480, 100), Note(480, 42, 480, 100)]
    piano = render_song(Song(tracks=[Track("a", 0, notes=notes)]), OPTS)
    guitar = render_song(Song(tracks=[Track("b", 24, notes=notes)]), OPTS)
    drums = render_song(Song(tracks=[Track("c", 0, is_drum=True, notes=notes)]), OPTS)
    for x, y in ((piano, guitar), (piano, drums)):
        assert rms(x - y) > 0.3 * min(rms(x), rms(y))


def test_empty_song_renders_the_tail_in_silence():
    out = render_song(Song(), OPTS)
    assert len(out) == SR and rms(out) < 1e-6  # FluidSynth's reverb adds anti-denormal noise


def test_progress_reports_every_block_up_to_the_total(song):
    calls = []
    out = render_song(song, OPTS, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (len(out), len(out))
    assert len(calls) == math.ceil(len(out) / RENDER_BLOCK)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_cancel_stops_and_writes_nothing(song, tmp_path):
    cancel = threading.Event()
    calls = []

    def progress(done, total):
        calls.append(done)
        cancel.set()

    with pytest.raises(Cancelled):
        render_to_wav(song, tmp_path / "mix.wav", OPTS, progress=progress, cancel=cancel)
    assert len(calls) == 1
    assert list(tmp_path.iterdir()) == []


def test_cancelled_stems_leave_nothing_behind(song, tmp_path):
    cancel = threading.Event()
    target = tmp_path / "new" / "stems"

    def progress(done, total):
        if done > total // 2:  # in the middle of the second stem
            cancel.set()

    with pytest.raises(Cancelled):
        render_stems(song, target, OPTS, progress=progress, cancel=cancel)
    assert list(tmp_path.iterdir()) == []  # not even the folders it had created


def test_missing_soundfont_is_a_clear_error_and_no_file(song, tmp_path):
    opts = RenderOptions(soundfont=tmp_path / "gone.sf2")
    with pytest.raises(SoundFontNotFound, match="apt install fluid-soundfont-gm"):
        render_to_wav(song, tmp_path / "mix.wav", opts)
    with pytest.raises(SoundFontNotFound):
        render_stems(song, tmp_path / "stems", opts)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_outputs_are_errors_without_files(song, tmp_path):
    with pytest.raises(MusicFileError, match="does not exist"):
        render_to_wav(song, tmp_path / "missing" / "mix.wav", OPTS)
    (tmp_path / "mix.wav").mkdir()
    with pytest.raises(MusicFileError, match="cannot write"):
        write_wav(tmp_path / "mix.wav", np.zeros((10, 2), np.float32), SR, 16)
    names = stem_paths(song, tmp_path)
    names[1].mkdir()
    with pytest.raises(MusicFileError, match="in the way"):
        render_stems(song, tmp_path, OPTS)
    (tmp_path / "file").write_text("x")
    with pytest.raises(MusicFileError, match="not a folder"):
        render_stems(song, tmp_path / "file", OPTS)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["mix.wav", names[1].name, "file"])


def test_safe_filenames():
    assert safe_filename("a/b\\c:d*e?f\"g<h>i|j", "x") == "a_b_c_d_e_f_g_h_i_j"
    assert safe_filename("..hidden", "x") == "hidden"
    assert safe_filename("///", "fallback") == "fallback"
    assert safe_filename("Étude n°1", "x") == "Étude_n_1"
    assert len(safe_filename("x" * 300, "y")) == 60


def test_options_are_validated():
    with pytest.raises(ValueError):
        RenderOptions(sample_rate=22050)
    with pytest.raises(ValueError):
        RenderOptions(bits=8)
    with pytest.raises(ValueError):
        RenderOptions(tail_seconds=-1)


# ---- mixdown and stems together: all or nothing -----------------------------------------------
def test_render_files_writes_the_mix_and_the_stems(song, mix, tmp_path):
    done = render_files(song, tmp_path / "mix.wav", tmp_path / "stems", OPTS, basename="take")
    assert done.mix is not None and done.mix.path == tmp_path / "mix.wav" and done.mix.frames == len(mix)
    assert [p.name for p in done.stems] == ["take_01_Piano.wav", "take_02_Bass_low.wav", "take_03_Drums.wav"]
    assert {sf.info(str(p)).frames for p in [tmp_path / "mix.wav", *done.stems]} == {len(mix)}


def test_a_stem_that_cannot_be_written_leaves_the_old_mixdown(song, tmp_path):
    old = tmp_path / "mix.wav"
    old.write_bytes(b"the old mixdown")
    stems = tmp_path / "stems"
    stems.mkdir()
    stem_paths(song, stems)[2].mkdir()  # the last stem's name is taken by a folder
    with pytest.raises(MusicFileError, match="in the way"):
        render_files(song, old, stems, OPTS)
    assert old.read_bytes() == b"the old mixdown"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mix.wav", "stems"]
    assert [p.name for p in stems.iterdir()] == [stem_paths(song, stems)[2].name]


def test_a_render_stopped_in_the_stems_keeps_the_old_mixdown_and_writes_no_stem(song, tmp_path):
    old = tmp_path / "mix.wav"
    old.write_bytes(b"the old mixdown")
    cancel = threading.Event()

    def progress(done, total):
        if done > total // 2:  # the mix (1 of 4 files) is written; the second stem is rendering
            cancel.set()

    with pytest.raises(Cancelled):
        render_files(song, old, tmp_path / "new" / "stems", OPTS, progress=progress, cancel=cancel)
    assert old.read_bytes() == b"the old mixdown"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mix.wav"]  # no temp files, no new folders
