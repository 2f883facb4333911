"""Track list and transport: every control is an undoable command; the title tracks changes."""
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from roll_helpers import frozen, make_song

from latentroll.app.gui.autosave import AUTOSAVE_INTERVAL_MS
from latentroll.app.gui.instruments import GM_PROGRAMS
from latentroll.app.gui.theme import track_color
from latentroll.app.gui.track_list import DRUM_INDEX, SPARE_ROWS, TrackRow
from latentroll.core.commands import AddTrack, Macro
from latentroll.core.song import Track


def test_gm_program_list_is_complete():
    assert len(GM_PROGRAMS) == 128 and GM_PROGRAMS[0] == "Acoustic Grand Piano" and GM_PROGRAMS[127] == "Gunshot"


def test_rename_instrument_mute_solo_volume_are_undoable(window):
    doc = window.doc
    original = frozen(doc.song)
    row = window.track_list.rows[1]
    row.name_edit.setText("Cello")
    row.name_edit.editingFinished.emit()
    row.program.activated.emit(42)
    QTest.mouseClick(row.mute, Qt.MouseButton.LeftButton)
    QTest.mouseClick(row.solo, Qt.MouseButton.LeftButton)
    row.volume.setValue(64)  # keyboard/wheel change: one command
    t = doc.song.tracks[1]
    assert (t.name, t.program, t.mute, t.solo, t.volume) == ("Cello", 42, True, True, 64)
    assert doc.undo_stack.count() == 5
    assert [a.name for a in doc.song.audible_tracks()] == ["Cello"]
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert frozen(doc.song) == original
    assert window.track_list.rows[1].name_edit.text() == "Bass", "the row follows undo"


def test_drum_kit_moves_the_track_to_channel_10(window):
    window.track_list.rows[0].program.activated.emit(DRUM_INDEX)
    t = window.doc.song.tracks[0]
    assert t.is_drum and t.channel == 9
    assert window.doc.undo_stack.count() == 1


def test_add_and_remove_track(window):
    window.track_list.add_track()
    assert len(window.doc.song.tracks) == 3 and window.state.current_track == 2
    assert len(window.track_list.rows) == 3
    assert window.doc.song.tracks[2].channel not in (0, 1, 9)
    window.track_list.remove_track(2)
    assert len(window.doc.song.tracks) == 2 and len(window.track_list.rows) == 2


def test_rows_follow_tracks_added_and_removed_and_keep_their_widgets(window):
    """Adding tracks adds rows and keeps the others; removing the first moves every later track
    up a row, showing its name and instrument there."""
    tl, doc = window.track_list, window.doc
    first = tl.rows[0]
    names = [t.name for t in doc.song.tracks]
    tl.set_instrument(1, 42)
    tl.add_track()
    assert tl.rows[0] is first and len(tl.rows) == 3
    tl.remove_track(0)
    assert tl.rows[0] is first and len(tl.rows) == 2
    assert first.name_edit.text() == names[1] and first.program.currentIndex() == 42
    assert [r.program.count() for r in tl.rows] == [DRUM_INDEX + 1] * 2
    assert first.program.currentText().strip() == f"43 {GM_PROGRAMS[42]}"
    doc.undo_stack.undo()
    assert [r.name_edit.text() for r in tl.rows[:2]] == names


def test_three_tracks_added_at_once_take_rows_built_ahead(window, qtbot, monkeypatch):
    """A harmony's three new tracks show in rows the list built while idle, with their own names,
    colours and instruments; undo puts the rows back in the pool, and clicking one selects it."""
    tl, doc = window.track_list, window.doc
    qtbot.waitUntil(lambda: len(tl.spares) == SPARE_ROWS, timeout=5000)
    spares = list(tl.spares)
    built = []
    monkeypatch.setattr(TrackRow, "__init__", lambda *a, **k: built.append(a) or None)  # would fail if called
    voices = [Track(name=n, program=p, channel=c) for n, p, c in (("Alto", 52, 3), ("Tenor", 53, 4), ("Bass", 32, 5))]
    doc.push(Macro([AddTrack(t, index=2 + j) for j, t in enumerate(voices)], text="Accept harmony"))
    assert not built and len(tl.rows) == 5 and set(tl.rows[2:]) == set(spares) and not tl.spares
    for i, row in enumerate(tl.rows):
        track = doc.song.tracks[i]
        assert row.index == i and row.isVisible()
        assert row.name_edit.text() == track.name and row.program.currentIndex() == track.program
        assert row.strip.color == track_color(i)
    QTest.mouseClick(tl.rows[4], Qt.MouseButton.LeftButton)
    assert window.state.current_track == 4
    doc.undo_stack.undo()
    assert len(tl.rows) == 2 and len(tl.spares) == SPARE_ROWS and not any(r.isVisible() for r in tl.spares)


def test_clicking_a_row_selects_the_track(window):
    QTest.mouseClick(window.track_list.rows[1], Qt.MouseButton.LeftButton)
    assert window.state.current_track == 1
    assert window.track_list.rows[1].property("current") is True


def test_tempo_meter_key_edits(window):
    tr, doc = window.transport, window.doc
    tr.tempo.setValue(132)
    tr.tempo.editingFinished.emit()
    tr.numerator.setValue(3)
    tr.tonic.setCurrentIndex(9)
    tr.scale_combo.setCurrentIndex(1)  # minor
    tr.scale_combo.activated.emit(1)
    song = doc.song
    assert song.bpm == 132 and (song.time_signature.numerator, song.time_signature.denominator) == (3, 4)
    assert (song.key.tonic, song.key.mode) == (9, "minor")
    assert window.state.scale.pitch_classes == frozenset({9, 11, 0, 2, 4, 5, 7})
    tr.scale_combo.setCurrentIndex(tr.scale_combo.findText("dorian"))
    tr.scale_combo.activated.emit(tr.scale_combo.currentIndex())
    assert window.state.scale.mode == "dorian" and song.key.mode == "minor"
    assert doc.undo_stack.count() == 3
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert tr.tempo.value() == 120 and tr.numerator.value() == 4


def test_title_shows_name_and_modified_mark(window):
    assert window.windowTitle() == "Test song[*] — LatentRoll" and not window.isWindowModified()
    window.edit_ops.state.set_selection([0])
    window.edit_ops.transpose(1)
    assert window.isWindowModified()


def test_unsaved_changes_prompt(window, qtbot, tmp_path):
    asked = []
    window.files.ask_unsaved = lambda: asked.append(1) or "cancel"
    window.edit_ops.state.set_selection([0])
    window.edit_ops.delete()
    window.files.new()
    assert asked and len(window.doc.song.tracks[0]) == 7, "cancel keeps the song"
    window.files.ask_unsaved = lambda: "discard"
    window.files.new()
    assert window.doc.song.note_count() == 0 and not window.doc.modified


def test_unsaved_changes_save_then_continue(window, qtbot, monkeypatch, tmp_path):
    window.edit_ops.state.set_selection([0])
    window.edit_ops.delete()
    window.files.ask_unsaved = lambda: "save"
    monkeypatch.setattr("latentroll.app.gui.file_controller.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "kept.lrproj"), ""))
    with qtbot.waitSignal(window.doc.songReplaced, timeout=15000):
        window.files.new()
    assert (tmp_path / "kept.lrproj").is_file()
    assert window.doc.song.note_count() == 0


def test_autosave_saves_unsaved_edits_at_least_every_minute(window, qtbot):
    """The running timer (at most a minute apart) writes the edited song to the recovery file,
    and a tick with nothing new writes nothing."""
    from latentroll.core.project import load_project

    saver = window.autosaver
    assert saver.timer.interval() == AUTOSAVE_INTERVAL_MS <= 60_000 and saver.timer.isActive()
    assert not saver.project_file.exists()
    window.edit_ops.state.set_selection([0])
    window.edit_ops.delete()
    edited = window.doc.song.note_count()
    saver.timer.setInterval(50)  # the same timer, ticking now rather than in 30 s
    with qtbot.waitSignal(saver.saved, timeout=10_000) as saved:
        pass
    assert saved.args == [saver.project_file]
    assert load_project(saver.project_file).song.note_count() == edited == make_song().note_count() - 1
    with qtbot.assertNotEmitted(saver.saved, wait=400):
        pass
