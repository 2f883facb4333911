"""A drum track of the nine kit pieces leaves the app as drums: the GM kit in the FluidSynth render
and its stem, channel 10 in MIDI (a drum part in MuseScore), a percussion part in MusicXML."""
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile as sf

from latentroll.core.audio.render import RenderOptions, render_song, render_stems
from latentroll.core.drum_kit import KIT, piece_pitches
from latentroll.core.io.formats import read_song, write_song
from latentroll.core.io.midi import song_to_midi_bytes
from latentroll.core.song import PPQ, Note, Song, TempoChange, Track

TIMGM = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
SR = 44100
STEP = PPQ // 4


def kit_song() -> Song:
    """Two bars at 120 bpm (4 s): the kit pieces in turn on every 8th, performed (off the grid,
    velocities apart), and a bass note so the drum part is not the only track."""
    hits = [Note(i * PPQ // 2 + (7 * i) % 23, piece_pitches()[i % len(KIT)], STEP, 40 + 5 * i) for i in range(16)]
    return Song(title="Kit", tracks=[
        Track("Bass", 33, channel=0, notes=[Note(0, 40, 8 * PPQ, 90)]),
        Track("Drums", 0, channel=9, is_drum=True, notes=hits),
    ], tempos=[TempoChange(0, 120.0)])


def rms(x) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0


needs_soundfont = pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")


@needs_soundfont
def test_each_kit_piece_sounds_on_the_gm_kit():
    opts = RenderOptions(soundfont=TIMGM, tail_seconds=1.0)
    for piece in KIT:
        song = Song(tracks=[Track("Drums", 0, channel=9, is_drum=True, notes=[Note(0, piece.pitch, STEP, 110)])],
                    tempos=[TempoChange(0, 120.0)])
        audio = render_song(song, opts)
        assert rms(audio[: SR // 4]) > 1e-3, f"{piece.name} is silent"
    # the kit, not a piano playing the same keys: program 0 sounds otherwise on a melodic channel
    snare = [Note(0, 38, STEP, 110)]
    drum = render_song(Song(tracks=[Track("d", 0, is_drum=True, notes=snare)]), opts)
    piano = render_song(Song(tracks=[Track("p", 0, notes=snare)]), opts)
    assert rms(drum - piano) > 0.3 * min(rms(drum), rms(piano))


@needs_soundfont
def test_render_and_stems_hold_the_drum_part_for_the_songs_length(tmp_path):
    song = kit_song()
    opts = RenderOptions(soundfont=TIMGM, tail_seconds=1.0)
    mix = render_song(song, opts, tracks=[1])
    assert len(mix) == 5 * SR  # two bars at 120 bpm and the tail
    beats = [rms(mix[k * SR // 2: (k + 1) * SR // 2]) for k in range(8)]
    assert min(beats) > 1e-3, f"a silent beat in the drum render: {beats}"
    stems = render_stems(song, tmp_path, opts, basename="kit")
    assert [p.name for p in stems] == ["kit_01_Bass.wav", "kit_02_Drums.wav"]
    audio, rate = sf.read(str(stems[1]))
    assert rate == SR and len(audio) == 5 * SR and rms(audio) > 1e-3


def test_midi_writes_the_drums_on_channel_10_and_reads_them_back(tmp_path):
    song = kit_song()
    path = tmp_path / "kit.mid"
    path.write_bytes(song_to_midi_bytes(song))
    mid = mido.MidiFile(str(path))
    channels = {msg.channel for tr in mid.tracks for msg in tr if msg.type == "note_on"}
    assert channels == {0, 9}  # channel 10 (0-based 9): a GM drum part in MuseScore and every DAW
    back = read_song(path)
    drums = back.tracks[1]
    assert (drums.is_drum, drums.channel) == (True, 9)
    assert np.array_equal(np.sort(drums.notes, order=["start", "pitch"]),
                          np.sort(song.tracks[1].notes, order=["start", "pitch"]))  # micro-timing and velocity kept


@pytest.mark.parametrize("ext", [".musicxml", ".mxl"])
def test_musicxml_keeps_every_kit_piece_as_a_percussion_part(tmp_path, ext):
    song = kit_song()
    song.tracks[1].notes["start"] = (song.tracks[1].notes["start"] // STEP) * STEP  # notation: on the grid
    song.tracks[1].notes["velocity"] = 90
    write_song(song, tmp_path / f"kit{ext}")
    back = read_song(tmp_path / f"kit{ext}")
    drums = back.tracks[1]
    assert (drums.is_drum, drums.channel) == (True, 9)
    assert sorted(drums.notes["pitch"].tolist()) == sorted(song.tracks[1].notes["pitch"].tolist())
    assert sorted(drums.notes["start"].tolist()) == sorted(song.tracks[1].notes["start"].tolist())
