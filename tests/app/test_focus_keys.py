"""Keyboard focus, driven as a user does (issue 14): Space reaches the transport unless a text
field was clicked on purpose, a rename by typing is one undo step however it is committed, and
the tool keys S/D/E work wherever the roll's window has focus (after clicking a track row)."""
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from roll_helpers import drag, make_song, roll_point

from latentroll.core.library import MusicLibrary
from latentroll.core.song import PPQ

pytestmark = pytest.mark.timeout(120)


def _press(w, qtbot, key) -> None:
    """A key press where the user's keystroke goes: the focus widget (the window if none)."""
    qtbot.keyClick(QApplication.focusWidget() or w, key)


def _plays(w) -> list:
    hits = []
    w.actions["play"].triggered.connect(lambda *_: hits.append(1))
    return hits


@pytest.mark.parametrize("button", ["play", "insert"])
def test_library_button_then_corpus_tab_leaves_space_to_the_transport(make_window, qtbot, button):
    """Library ▸ My Library, select a row, ▶ Play or Insert, then the Corpus tab: the greyed
    button's focus must not land in a track's name field, where Space would replace the name."""
    w = make_window(make_song())
    MusicLibrary(w.paths.library_dir).add(make_song(), "Two voices")
    w.actions["library_panel"].trigger()
    panel = w.library_dock.panel
    qtbot.waitUntil(lambda: panel.mine.table.rowCount() == 1, timeout=10000)
    view = panel.mine.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.model().index(0, 1)).center())
    qtbot.mouseClick(panel.buttons[button], Qt.MouseButton.LeftButton)
    bar = panel.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    names = [t.name for t in w.doc.song.tracks]
    plays = _plays(w)
    _press(w, qtbot, Qt.Key.Key_Space)
    assert [t.name for t in w.doc.song.tracks] == names
    assert plays == [1]
    assert QApplication.focusWidget() is w.editor.view


def test_track_name_takes_keys_only_when_clicked(window, qtbot):
    """Tab never walks into a name field; a click does, and then the keys are its text."""
    row = window.track_list.rows[0]
    assert not row.name_edit.focusPolicy() & Qt.FocusPolicy.TabFocus
    qtbot.mouseClick(row.name_edit, Qt.MouseButton.LeftButton)
    assert row.name_edit.hasFocus()
    plays = _plays(window)
    qtbot.keyClick(row.name_edit, Qt.Key.Key_Space)
    assert plays == [] and row.name_edit.text().endswith(" ")


@pytest.mark.parametrize("commit", ["enter", "focus-out"])
def test_rename_by_typing_is_one_undo_step(window, qtbot, commit):
    w = window
    row = w.track_list.rows[0]
    steps = w.doc.undo_stack.count()
    qtbot.mouseClick(row.name_edit, Qt.MouseButton.LeftButton)
    row.name_edit.selectAll()
    qtbot.keyClicks(row.name_edit, "Lead")
    if commit == "enter":
        qtbot.keyClick(row.name_edit, Qt.Key.Key_Return)
        assert QApplication.focusWidget() is w.editor.view  # the keys go back to the roll
    qtbot.mouseClick(row.strip, Qt.MouseButton.LeftButton, pos=QPoint(2, 5))  # focus out
    assert not row.name_edit.hasFocus()
    assert w.doc.song.tracks[0].name == "Lead"
    assert w.doc.undo_stack.count() == steps + 1
    plays = _plays(w)
    _press(w, qtbot, Qt.Key.Key_Space)
    assert plays == [1] and w.doc.song.tracks[0].name == "Lead"
    w.doc.undo_stack.undo()
    assert w.doc.song.tracks[0].name == "Melody" and row.name_edit.text() == "Melody"


def test_tool_keys_work_after_clicking_a_track_row(window, qtbot):
    """Click a track row (not its controls), press S, then drag over the roll: a rubber band
    selects the notes instead of drawing a note; D and E pick the other tools."""
    w = window
    row = w.track_list.rows[0]
    w.state.set_tool("draw")
    qtbot.mouseClick(row.strip, Qt.MouseButton.LeftButton, pos=QPoint(2, 5))
    _press(w, qtbot, Qt.Key.Key_S)
    assert w.state.tool == "select"
    view = w.editor.view
    before = len(w.doc.song.tracks[0].notes)
    drag(view.viewport(), roll_point(view, 0, 74) + QPoint(-2, 0), roll_point(view, 3 * PPQ, 59))
    assert len(w.doc.song.tracks[0].notes) == before
    assert len(w.state.selection) >= 3
    for key, tool in ((Qt.Key.Key_E, "erase"), (Qt.Key.Key_D, "draw")):
        qtbot.mouseClick(row.strip, Qt.MouseButton.LeftButton, pos=QPoint(2, 5))
        _press(w, qtbot, key)
        assert w.state.tool == tool
