"""The chord lane above the roll: real clicks and keys add, edit, move, resize and remove chords,
each one undo step; a bad symbol shows its error and adds nothing; the keyboard marks the tones
of the chord under the mouse."""
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from roll_helpers import BAR, click, drag, make_song

from latentroll.app.gui.piano_roll.chord_lane import CHORD_ROOT, CHORD_TONE
from latentroll.core.chords import ChordEvent, parse_chord


def chords_of(w) -> list[tuple[int, str]]:
    return [(c.tick, c.symbol.text) for c in w.doc.song.chords]


@pytest.fixture
def win(make_window):
    song = make_song()
    song.chords = [ChordEvent(0, parse_chord("C")), ChordEvent(BAR, parse_chord("G"))]
    w = make_window(song)
    w.state.set_grid("1/4")
    return w


def lane_point(w, tick: float) -> QPoint:
    lane = w.editor.chord_lane
    p = QPoint(int(round(lane.view.mapping().x(tick))) + 1, lane.height() // 2)
    assert lane.rect().contains(p), f"tick {tick} is off the lane"
    return p


def type_chord(w, text: str) -> None:
    editor = w.editor.chord_lane.editor
    assert editor is not None and editor.hasFocus()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)


def test_lane_sits_between_ruler_and_roll_and_follows_the_zoom(win):
    lane, ruler, view = win.editor.chord_lane, win.editor.ruler, win.editor.view
    top = lambda wd: wd.mapTo(win.editor, QPoint(0, 0)).y()  # noqa: E731
    assert top(ruler) < top(lane) < top(view)
    assert lane.mapTo(win.editor, QPoint(0, 0)).x() == view.mapTo(win.editor, QPoint(0, 0)).x()
    before = lane.block_rect(1).left()
    view.zoom_by(fx=2.0, anchor=QPointF(0, 0))
    assert lane.block_rect(1).left() == pytest.approx(2 * before, abs=2)


def test_click_empty_type_am7_adds_one_undo_step(win):
    lane = win.editor.chord_lane
    click(lane, lane_point(win, 2 * BAR + 500))  # bar 3 is past the last chord's block: empty
    assert lane.editor is not None
    type_chord(win, "Am7")
    assert chords_of(win) == [(0, "C"), (BAR, "G"), (2 * BAR + 480, "Am7")]
    assert lane.editor is None
    win.doc.undo_stack.undo()
    assert chords_of(win) == [(0, "C"), (BAR, "G")]
    win.doc.undo_stack.redo()
    assert chords_of(win)[-1] == (2 * BAR + 480, "Am7")


def test_bad_symbol_shows_the_error_keeps_the_editor_and_adds_nothing(win):
    lane = win.editor.chord_lane
    steps = win.doc.undo_stack.count()
    click(lane, lane_point(win, 3 * BAR))
    type_chord(win, "Hm7b13#")
    editor = lane.editor
    assert editor is not None and editor.isVisible()
    assert editor.error.isVisible() and "Hm7b13#" in editor.error.text()
    assert chords_of(win) == [(0, "C"), (BAR, "G")] and win.doc.undo_stack.count() == steps
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert lane.editor is None


def test_diatonic_suggestions_for_the_key_pick_one_by_click(win):
    lane = win.editor.chord_lane
    click(lane, lane_point(win, 2 * BAR))
    editor = lane.editor
    items = [editor.list.item(i).text() for i in range(editor.list.count())]
    assert items == ["C", "Dm", "Em", "F", "G", "Am", "Bdim", "Cmaj7", "Dm7", "Em7", "Fmaj7", "G7", "Am7", "Bm7b5"]
    QTest.keyClicks(editor, "D")  # typing narrows the list
    assert [editor.list.item(i).text() for i in range(editor.list.count())] == ["Dm", "Dm7"]
    item = editor.list.item(1)
    QTest.mouseClick(editor.list.viewport(), Qt.MouseButton.LeftButton, pos=editor.list.visualItemRect(item).center())
    assert chords_of(win)[-1] == (2 * BAR, "Dm7")


def test_double_click_edits_a_chord(win):
    lane = win.editor.chord_lane
    QTest.mouseDClick(lane, Qt.MouseButton.LeftButton, pos=lane_point(win, BAR + 300))
    editor = lane.editor
    assert editor is not None and editor.text() == "G"
    editor.selectAll()
    type_chord(win, "G7sus4")
    assert chords_of(win) == [(0, "C"), (BAR, "G7sus4")]
    win.doc.undo_stack.undo()
    assert chords_of(win) == [(0, "C"), (BAR, "G")]


def test_drag_moves_a_chord_snapped_one_undo_step(win):
    lane = win.editor.chord_lane
    steps = win.doc.undo_stack.count()
    drag(lane, lane_point(win, BAR + 100), lane_point(win, BAR + 100 + 2 * 480 + 50))
    assert chords_of(win) == [(0, "C"), (BAR + 2 * 480, "G")]
    assert win.doc.undo_stack.count() == steps + 1
    win.doc.undo_stack.undo()
    assert chords_of(win) == [(0, "C"), (BAR, "G")]


def test_drag_right_edge_resizes_moving_the_next_chord(win):
    lane = win.editor.chord_lane
    edge = QPoint(int(lane.block_rect(0).right()), lane.height() // 2)
    assert lane.hit(edge.x()) == (0, "resize")
    steps = win.doc.undo_stack.count()
    drag(lane, edge, lane_point(win, BAR - 480))
    assert chords_of(win) == [(0, "C"), (BAR - 480, "G")]
    assert win.doc.undo_stack.count() == steps + 1
    win.doc.undo_stack.undo()
    assert chords_of(win) == [(0, "C"), (BAR, "G")]


def test_right_click_and_delete_remove_chords(win):
    lane = win.editor.chord_lane
    click(lane, lane_point(win, BAR + 200), Qt.MouseButton.RightButton)
    assert chords_of(win) == [(0, "C")]
    win.doc.undo_stack.undo()
    assert chords_of(win) == [(0, "C"), (BAR, "G")]
    notes_before = len(win.doc.song.tracks[0].notes)
    win.state.select_all()
    click(lane, lane_point(win, 200))  # select the C block, then Delete removes it, not the notes
    QTest.keyClick(lane, Qt.Key.Key_Delete)
    assert chords_of(win) == [(BAR, "G")]
    assert len(win.doc.song.tracks[0].notes) == notes_before
    win.doc.undo_stack.undo()
    assert chords_of(win) == [(0, "C"), (BAR, "G")]


def test_keyboard_marks_the_tones_of_the_chord_under_the_mouse(win):
    lane, keyboard, view = win.editor.chord_lane, win.editor.keyboard, win.editor.view
    QTest.mouseMove(lane, lane_point(win, BAR + 200))
    assert keyboard.chord_tones.pitch_classes == {7, 11, 2} and keyboard.chord_tones.root == 7
    m = view.mapping()
    y_g = int(m.pitch_y(67) + m.sy / 2)
    y_b = int(m.pitch_y(71) + m.sy / 2)
    if 0 <= y_g < keyboard.height() and 0 <= y_b < keyboard.height():
        image = keyboard.grab().toImage()
        assert QColor(image.pixel(2, y_g)) == CHORD_ROOT
        assert QColor(image.pixel(2, y_b)) == CHORD_TONE
    QTest.mouseMove(lane, lane_point(win, 200))
    assert keyboard.chord_tones.pitch_classes == {0, 4, 7}
