"""The drum lane: a drum track's roll has one named row per kit piece; real clicks draw, erase
and move hits, each edit one undo step; velocity and micro-timing show in the cells."""
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from roll_helpers import BAR, PPQ, click, drag, frozen, make_song, notes_set

from latentroll.app.gui.piano_roll.lanes import CELL_TICKS
from latentroll.app.gui.theme import ROLL
from latentroll.core.drum_kit import KIT, NUM_PIECES, piece_of
from latentroll.core.song import Note, Track

KIT_NAMES = ["Kick", "Snare", "Closed HH", "Open HH", "Low Tom", "Mid Tom", "High Tom", "Crash", "Ride"]
STRANGER = next(k for k in range(35, 90) if piece_of(k) is None)  # a GM key in no kit piece


def drum_song(extra=()):
    song = make_song()
    hits = [Note(i * PPQ, 36 if i % 2 == 0 else 38, CELL_TICKS, 100) for i in range(8)] + list(extra)
    song.tracks.append(Track("Drums", 0, channel=9, is_drum=True, notes=hits))
    return song


@pytest.fixture
def drums(make_window):
    w = make_window(drum_song())
    w.state.set_current_track(2)
    return w


def lane_point(view, tick: float, row: int) -> QPoint:
    """Viewport pixel of (tick, middle of kit row ``row``)."""
    m = view.mapping()
    p = QPoint(int(round(m.x(tick))) + 1, int(m.row_y(row) + m.sy / 2))
    assert view.viewport().rect().contains(p), f"point {p} for tick {tick} row {row} is off screen"
    return p


def drum_track(w):
    return w.doc.song.tracks[2]


def test_kit_rows_are_named_and_pitched_tracks_keep_the_roll(drums):
    view, keyboard = drums.editor.view, drums.editor.keyboard
    assert view.lanes.drum and keyboard.row_labels() == KIT_NAMES
    assert view.sceneRect().height() == NUM_PIECES
    assert view.mapping().sy >= 14  # the few kit rows fill the height
    drums.state.set_current_track(0)
    assert not view.lanes.drum and len(keyboard.row_labels()) == 128
    assert view.sceneRect().height() == 128
    drums.state.set_current_track(2)
    assert view.lanes.drum


def test_other_row_only_for_keys_outside_the_kit(make_window):
    w = make_window(drum_song(extra=[Note(2 * BAR, STRANGER, CELL_TICKS, 90)]))
    w.state.set_current_track(2)
    assert w.editor.keyboard.row_labels() == KIT_NAMES + ["Other"]
    # a click on the Other row adds nothing: it has no piece to write
    before = frozen(w.doc.song)
    click(w.editor.view.viewport(), lane_point(w.editor.view, 3 * BAR, NUM_PIECES))
    assert frozen(w.doc.song) == before


def test_names_are_painted_in_the_kit_column(drums):
    keyboard = drums.editor.keyboard
    image = keyboard.grab().toImage()
    m = drums.editor.view.mapping()
    for row in (0, 1):  # the label's dark text lies on the light key of its row
        y = int(m.row_y(row) + m.sy / 2)
        dark = [x for x in range(4, 40) if QColor(image.pixel(x, y)).lightness() < 120]
        assert dark, f"no text painted on row {row}"


def test_click_draws_a_snapped_hit_on_the_rows_piece_and_undo_removes_it(drums):
    view = drums.editor.view
    drums.state.set_grid("1/16")
    before = notes_set(drum_track(drums))
    click(view.viewport(), lane_point(view, 2 * BAR + 130, 1))  # Snare row, inside the 2nd 16th of bar 3
    assert notes_set(drum_track(drums)) - before == {(2 * BAR + 120, CELL_TICKS, KIT[1].pitch, 100)}
    click(view.viewport(), lane_point(view, 2 * BAR + 250, 2))  # Closed HH
    assert (2 * BAR + 240, CELL_TICKS, 42, 100) in notes_set(drum_track(drums))
    assert drums.doc.undo_stack.count() == 2
    drums.doc.undo_stack.undo()
    drums.doc.undo_stack.undo()
    assert notes_set(drum_track(drums)) == before


def test_right_click_erases_a_hit(drums):
    view = drums.editor.view
    before = notes_set(drum_track(drums))
    click(view.viewport(), lane_point(view, PPQ + 30, 1), Qt.MouseButton.RightButton)  # the snare at beat 2
    assert before - notes_set(drum_track(drums)) == {(PPQ, CELL_TICKS, 38, 100)}
    assert drums.doc.undo_stack.count() == 1
    drums.doc.undo_stack.undo()
    assert notes_set(drum_track(drums)) == before


def test_drag_moves_a_hit_to_another_piece_in_one_undo_step(drums):
    view = drums.editor.view
    original = frozen(drums.doc.song)
    drag(view.viewport(), lane_point(view, PPQ + 30, 1), lane_point(view, 2 * PPQ + PPQ // 2 + 30, 7), steps=8)
    moved = drum_track(drums).notes[1]
    assert (int(moved["start"]), int(moved["pitch"])) == (2 * PPQ + PPQ // 2, KIT[7].pitch)  # Crash
    assert drums.doc.undo_stack.count() == 1
    drums.doc.undo_stack.undo()
    assert frozen(drums.doc.song) == original


def test_velocity_and_micro_timing_are_painted(make_window):
    late = 2 * BAR + PPQ + 40  # played 40 ticks behind beat 2 of bar 3
    extra = [Note(2 * BAR, 42, CELL_TICKS, 127), Note(2 * BAR + PPQ // 2, 42, CELL_TICKS, 30),
             Note(late, 38, CELL_TICKS, 100)]
    w = make_window(drum_song(extra=extra))
    w.state.set_current_track(2)
    w.state.set_grid("1/16")
    view = w.editor.view
    view.set_zoom(sx=0.2)
    view.scroll_to_tick(2 * BAR, 0.1)
    image = view.viewport().grab().toImage()
    m = view.mapping()

    def bar_height(tick, row):
        """Pixels of the velocity bar: the colour at the cell's floor, counted up the cell."""
        x = int(m.x(tick)) + 4
        top, bottom = int(m.row_y(row)), int(m.row_y(row + 1))
        floor = image.pixel(x, bottom - 3)
        return sum(image.pixel(x, y) == floor for y in range(top, bottom))

    assert bar_height(2 * BAR, 2) > 2 * bar_height(2 * BAR + PPQ // 2, 2) > 0  # loud: tall; soft: short
    gx = int(m.x(2 * BAR + PPQ))  # the grid line the late snare belongs to carries the mark
    ys = range(int(m.row_y(1)), int(m.row_y(2)))
    assert any(QColor(image.pixel(gx, y)) == ROLL.timing_mark for y in ys)
    on_time = int(m.x(2 * BAR))  # the loud hi-hat sits on its line: no mark
    assert not any(QColor(image.pixel(on_time - 1, y)) == ROLL.timing_mark for y in range(int(m.row_y(2)), int(m.row_y(3))))
