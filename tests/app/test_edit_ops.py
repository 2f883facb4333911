"""Edit menu operations through their DAW shortcuts; every one undoes exactly."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from roll_helpers import BAR, PPQ, frozen

CTRL = Qt.KeyboardModifier.ControlModifier


def key(window, k, mods=Qt.KeyboardModifier.NoModifier):
    window.editor.view.setFocus()
    QTest.keyClick(window.editor.view, k, mods)


def rows(window):
    return window.doc.song.tracks[0].notes


def test_delete_key_removes_selection_and_undo_restores(window):
    original = frozen(window.doc.song)
    window.state.set_selection([1, 3])
    key(window, Qt.Key.Key_Delete)
    assert sorted(rows(window)["pitch"].tolist()) == [60, 64, 67, 69, 71, 72]
    window.doc.undo_stack.undo()
    assert frozen(window.doc.song) == original


def test_copy_paste_at_playhead_and_cut(window):
    window.state.set_selection([0, 1])
    key(window, Qt.Key.Key_C, CTRL)
    window.state.set_playhead(2 * BAR)
    key(window, Qt.Key.Key_V, CTRL)
    new = rows(window)[8:]
    assert new["start"].tolist() == [2 * BAR, 2 * BAR + PPQ]
    assert new["pitch"].tolist() == [60, 62]
    assert list(window.state.selection) == [8, 9], "pasted notes are selected"
    assert window.state.playhead == 2 * BAR + 2 * PPQ, "playhead moves past the paste"
    key(window, Qt.Key.Key_X, CTRL)
    assert len(rows(window)) == 8
    assert window.doc.undo_stack.count() == 2  # paste, cut


def test_duplicate_places_copy_after_selection(window):
    window.state.set_selection([0, 1, 2])  # ticks 0..1440 (three quarter notes)
    key(window, Qt.Key.Key_D, CTRL)
    new = rows(window)[8:]
    assert new["start"].tolist() == [3 * PPQ, 4 * PPQ, 5 * PPQ]
    assert new["pitch"].tolist() == [60, 62, 64]
    assert list(window.state.selection) == [8, 9, 10]
    window.doc.undo_stack.undo()
    assert len(rows(window)) == 8


@pytest.mark.parametrize("k,mods,delta", [
    (Qt.Key.Key_Up, Qt.KeyboardModifier.NoModifier, 1),
    (Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier, -1),
    (Qt.Key.Key_Up, CTRL, 12),
    (Qt.Key.Key_Down, CTRL, -12),
])
def test_arrow_keys_transpose(window, k, mods, delta):
    before = rows(window)["pitch"].copy()
    window.state.set_selection([0, 2])
    key(window, k, mods)
    after = rows(window)["pitch"]
    assert after[[0, 2]].tolist() == (before[[0, 2]] + delta).tolist()
    assert np.array_equal(after[[1, 3, 4, 5, 6, 7]], before[[1, 3, 4, 5, 6, 7]])
    assert list(window.state.selection) == [0, 2], "selection survives a transpose"


def test_transpose_refuses_to_leave_midi_range(window):
    window.state.set_selection([7])  # C5 = 72
    for _ in range(4):
        key(window, Qt.Key.Key_Up, CTRL)  # 84, 96, 108, 120
    key(window, Qt.Key.Key_Up, CTRL)  # 132 would be out of range
    assert int(rows(window)["pitch"][7]) == 120
    assert "MIDI range" in window.notifier.history[-1].text


def test_left_right_nudge_by_grid(window):
    window.state.set_grid("1/8")
    window.state.set_selection([1])
    key(window, Qt.Key.Key_Right)
    assert int(rows(window)["start"][1]) == PPQ + PPQ // 2
    key(window, Qt.Key.Key_Left)
    key(window, Qt.Key.Key_Left)
    assert int(rows(window)["start"][1]) == PPQ // 2


def test_quantize_shortcut_snaps_starts(window):
    doc = window.doc
    from latentroll.core.commands import SetNoteFields

    doc.push(SetNoteFields(0, [0, 1, 2], {"start": np.array([13, PPQ + 50, 2 * PPQ - 70])}))
    window.state.set_grid("1/4")
    window.state.set_selection([0, 1, 2])
    key(window, Qt.Key.Key_U, CTRL)
    assert rows(window)["start"][:3].tolist() == [0, PPQ, 2 * PPQ]
    doc.undo_stack.undo()
    assert rows(window)["start"][:3].tolist() == [13, PPQ + 50, 2 * PPQ - 70]


def test_select_all_then_delete_then_undo_redo(window):
    original = frozen(window.doc.song)
    key(window, Qt.Key.Key_A, CTRL)
    assert len(window.state.selection) == 8
    key(window, Qt.Key.Key_Delete)
    assert len(rows(window)) == 0
    key(window, Qt.Key.Key_Z, CTRL)
    assert frozen(window.doc.song) == original
    key(window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert len(rows(window)) == 0


def test_tool_shortcuts(window):
    key(window, Qt.Key.Key_S)
    assert window.state.tool == "select"
    key(window, Qt.Key.Key_E)
    assert window.state.tool == "erase"
    key(window, Qt.Key.Key_B)
    assert window.state.tool == "draw"
