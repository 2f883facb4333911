"""Files: save/reopen, export/re-import, import, the file argument, autosave and recovery,
audio export with the SoundFont prompt, drag-out MIDI."""
import json
import subprocess
import sys

import mido
import numpy as np
import pytest
import soundfile as sf
from roll_helpers import BAR, PPQ, TIMGM, make_song

from latentroll.app.gui.autosave import find_recovery_files
from latentroll.app.gui.drag_midi import write_drag_file
from latentroll.app.gui.piano_roll.editor import file_mime
from latentroll.core.commands import RemoveNotes, rename_track, set_tempo
from latentroll.core.io.formats import read_song, write_song

WAIT = 15000


def test_save_project_and_reopen_equal(make_window, qtbot, tmp_path):
    w = make_window(make_song())
    w.doc.push(rename_track(1, "Low strings"))
    w.state.set_grid("1/8T")
    w.state.set_loop(BAR, 2 * BAR, enabled=True)
    w.state.set_current_track(1)
    w.state.set_scale_mode("dorian")
    saved_song = w.doc.song.copy()
    path = tmp_path / "song.lrproj"
    with qtbot.waitSignal(w.files.saved, timeout=WAIT):
        w.files.save_as(path)
    assert path.is_file()
    assert not w.doc.modified
    assert w.windowTitle().startswith("song.lrproj")

    other = make_window()
    with qtbot.waitSignal(other.files.loaded, timeout=WAIT):
        other.files.open(path)
    assert other.doc.song == saved_song
    s = other.state
    assert (s.grid, s.loop_start, s.loop_end, s.loop_enabled) == ("1/8T", BAR, 2 * BAR, True)
    assert s.current_track == 1 and s.scale_mode == "dorian"
    assert other.doc.path == path and not other.doc.modified


def test_save_again_goes_to_the_same_file(make_window, qtbot, tmp_path):
    w = make_window(make_song())
    path = tmp_path / "a.lrproj"
    with qtbot.waitSignal(w.files.saved, timeout=WAIT):
        w.files.save_as(path)
    w.doc.push(set_tempo(77))
    assert w.isWindowModified()
    with qtbot.waitSignal(w.files.saved, timeout=WAIT):
        w.files.save()
    assert read_song(path).bpm == 77
    assert not w.isWindowModified()
    assert w.files.recent_files()[0] == path.resolve()


def test_export_midi_then_import_equal(make_window, qtbot, tmp_path):
    w = make_window(make_song())
    path = tmp_path / "out.mid"
    with qtbot.waitSignal(w.files.exported, timeout=WAIT):
        w.files.export_song("midi", path)
    fresh = make_window()
    with qtbot.waitSignal(fresh.files.loaded, timeout=WAIT):
        fresh.files.import_file("midi", path)
    got, want = fresh.doc.song, make_song()
    assert got.tracks == want.tracks
    assert (got.tempos, got.time_signatures, got.keys) == (want.tempos, want.time_signatures, want.keys)


def test_import_adds_tracks_as_one_undo_step(make_window, qtbot, tmp_path):
    abc = tmp_path / "tune.abc"
    abc.write_text("X:1\nT:Tune\nM:4/4\nL:1/4\nK:G\nGABc|d2B2|\n")
    w = make_window(make_song())
    w.doc.push(set_tempo(100))  # modified: importing must add, not replace
    with qtbot.waitSignal(w.files.loaded, timeout=WAIT):
        w.files.import_file("abc", abc)
    assert len(w.doc.song.tracks) == 3
    assert w.doc.song.tracks[2].notes["pitch"].tolist() == [67, 69, 71, 72, 74, 71]
    assert w.state.current_track == 2
    w.doc.undo_stack.undo()
    assert len(w.doc.song.tracks) == 2


def test_window_opens_with_a_file_argument(make_window, qtbot, tmp_path):
    path = tmp_path / "arg.mid"
    write_song(make_song(), path)
    w = make_window(initial_file=path)
    qtbot.waitUntil(lambda: w.doc.song.note_count() == 11, timeout=WAIT)
    assert w.windowTitle().startswith("arg.mid")
    assert not w.doc.modified


def test_autosave_and_restore_after_a_crash(make_window, qtbot, tmp_path):
    w = make_window(make_song())
    w.doc.push(rename_track(0, "Recovered lead"))
    with qtbot.waitSignal(w.autosaver.saved, timeout=WAIT):
        assert w.autosaver.autosave_now()
    assert w.autosaver.project_file.is_file()
    assert not w.autosaver.autosave_now(), "nothing new to autosave"
    # pretend the process died: hand the files to a pid that no longer exists
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = w.autosaver.project_file.parent
    project = folder / f"session-{dead.pid}.lrproj"
    meta = folder / f"session-{dead.pid}.json"
    w.autosaver.project_file.rename(project)
    info = json.loads(w.autosaver.meta_file.read_text())
    info["pid"] = dead.pid
    meta.write_text(json.dumps(info))
    w.autosaver.meta_file.unlink()

    found = find_recovery_files(w.paths)
    assert [f.pid for f in found] == [dead.pid]
    other = make_window(paths=w.paths)
    with qtbot.waitSignal(other.doc.songReplaced, timeout=WAIT):
        other.restore_recovery(found[0])
    assert other.doc.song.tracks[0].name == "Recovered lead"
    assert other.doc.modified, "restored work is unsaved work"
    assert not project.exists()


def test_recovery_is_offered_on_start(make_window, qtbot, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    w = make_window(make_song())
    w.doc.push(set_tempo(99))
    with qtbot.waitSignal(w.autosaver.saved, timeout=WAIT):
        w.autosaver.autosave_now()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    info = json.loads(w.autosaver.meta_file.read_text())
    info["pid"] = dead.pid
    w.autosaver.meta_file.write_text(json.dumps(info))
    w.autosaver.meta_file.rename(w.autosaver.meta_file.with_name(f"session-{dead.pid}.json"))
    w.autosaver.project_file.rename(w.autosaver.project_file.with_name(f"session-{dead.pid}.lrproj"))

    other = make_window(paths=w.paths, check_recovery=True)
    qtbot.waitUntil(lambda: other.findChild(QMessageBox, "recoveryBox") is not None, timeout=WAIT)
    box = other.findChild(QMessageBox, "recoveryBox")
    restore = next(b for b in box.buttons() if b.text() == "Restore")
    with qtbot.waitSignal(other.doc.songReplaced, timeout=WAIT):
        restore.click()
    assert other.doc.song.bpm == 99


@pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")
def test_wav_export_asks_for_a_soundfont_when_none_is_found(make_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("LATENTROLL_SOUNDFONT", str(tmp_path / "missing.sf2"))
    w = make_window(make_song())
    asked = []
    w.soundfont_prompt = lambda reason: asked.append(reason) or TIMGM
    target = tmp_path / "mix.wav"
    with qtbot.waitSignal(w.files.exported, timeout=60000):
        w.files.export_audio(stems=False, target=target, sample_rate=48000, bits=24)
    assert asked and "missing.sf2" in asked[0]
    audio, rate = sf.read(target)
    info = sf.info(target)
    assert rate == 48000 and info.subtype == "PCM_24"
    assert abs(len(audio) / rate - (w.doc.song.duration_seconds() + 1.0)) < 0.01
    assert np.abs(audio).max() > 0.01, "the mix is not silent"
    assert w.settings.value("soundfont") == str(TIMGM)


@pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")
def test_stems_export_writes_wav_and_midi_per_track(make_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("LATENTROLL_SOUNDFONT", str(TIMGM))
    w = make_window(make_song())
    w.doc.push(rename_track(0, "Lead"))
    w.doc.push(RemoveNotes(0, [7]))  # the melody now stops a beat before the bass
    folder = tmp_path / "stems"
    with qtbot.waitSignal(w.files.exported, timeout=60000) as blocker:
        w.files.export_audio(stems=True, target=folder, sample_rate=44100, bits=16)
    paths = blocker.args[0]
    wavs = sorted(p for p in paths if p.suffix == ".wav")
    mids = sorted(p for p in paths if p.suffix == ".mid")
    assert len(wavs) == 2 and len(mids) == 2
    lengths = {sf.info(p).frames for p in wavs}
    assert len(lengths) == 1, "stems have equal length"
    for k, mid in enumerate(sorted(mids, key=lambda p: p.name)):
        song = read_song(mid)
        assert len(song.tracks) == 1
        assert np.array_equal(song.tracks[0].sorted_notes(), w.doc.song.tracks[k].sorted_notes())
        assert song.tracks[0].name == w.doc.song.tracks[k].name
        assert song.bpm == 120.0
    # each stem's every track (tempo map too) ends with the song, as the WAV stems do
    ends = {mid.name: {sum(m.time for m in t) for t in mido.MidiFile(mid).tracks} for mid in mids}
    assert ends == {mid.name: {w.doc.song.end_tick()} for mid in mids}, "MIDI stems end together"


def test_drag_out_writes_a_real_midi_file(window, tmp_path):
    window.state.set_selection([4, 5])  # notes at beat 5 and 6 = bar 2
    path = write_drag_file(window.state, tmp_path / "drag")
    assert path.suffix == ".mid" and path.is_file()
    part = read_song(path)
    assert part.tracks[0].notes["start"].tolist() == [0, PPQ]  # moved to bar 1
    assert part.tracks[0].notes["pitch"].tolist() == [67, 69]
    urls = file_mime(path).urls()
    assert urls[0].toLocalFile() == str(path)
    assert path.is_file(), "the file stays after the drag"


def test_export_musicxml_keeps_the_notes(make_window, qtbot, tmp_path):
    w = make_window(make_song())
    path = tmp_path / "score.musicxml"
    with qtbot.waitSignal(w.files.exported, timeout=60000):
        w.files.export_song("musicxml", path)
    back = read_song(path)
    for got, want in zip(back.tracks, make_song().tracks, strict=True):
        assert got.sorted_notes()[["start", "duration", "pitch"]].tolist() == \
            want.sorted_notes()[["start", "duration", "pitch"]].tolist()


def test_audio_export_dialog_choice(qtbot, tmp_path):
    from latentroll.app.gui.export_dialogs import AudioExportDialog

    d = AudioExportDialog(None, stems=False, suggested=tmp_path / "song", sample_rate=48000, bits=16)
    qtbot.addWidget(d)
    choice = d.choice()
    assert (choice.target, choice.sample_rate, choice.bits) == (tmp_path / "song.wav", 48000, 16)
    d.bits.setCurrentIndex(1)
    assert d.choice().bits == 24


@pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")
def test_soundfont_dialog_accepts_only_real_soundfonts(qtbot, tmp_path):
    from latentroll.app.gui.export_dialogs import SoundFontDialog

    d = SoundFontDialog(None, "no SoundFont found")
    qtbot.addWidget(d)
    from PySide6.QtWidgets import QLabel

    assert "apt install fluid-soundfont-gm" in d.findChild(QLabel).text()
    fake = tmp_path / "fake.sf2"
    fake.write_bytes(b"not a soundfont")
    d.choose(fake)
    assert d.path is None and d.result() == 0
    d.choose(TIMGM)
    assert d.path == TIMGM.resolve()
