"""Mouse gestures on the painted piano roll change the Song as a DAW user expects."""
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from roll_helpers import BAR, PPQ, click, drag, frozen, notes_set, roll_point

from latentroll.app.gui.piano_roll.background import row_colors
from latentroll.app.gui.theme import ROLL
from latentroll.core.commands import set_key
from latentroll.core.theory import Scale

NO_MOD = Qt.KeyboardModifier.NoModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def melody(window):
    return window.doc.song.tracks[0]


def test_click_draws_a_note_on_the_grid(window):
    view = window.editor.view
    window.state.set_grid("1/16")
    before = notes_set(melody(window))
    click(view.viewport(), roll_point(view, 2 * BAR + 130, 64))
    added = notes_set(melody(window)) - before
    assert added == {(2 * BAR + 120, PPQ // 2, 64, 100)}  # floor to the 1/16 cell, default length 1/8
    assert list(window.state.selection) == [len(melody(window)) - 1]
    window.doc.undo_stack.undo()
    assert notes_set(melody(window)) == before


def test_drag_right_sets_the_drawn_length(window):
    view = window.editor.view
    before = notes_set(melody(window))
    drag(view.viewport(), roll_point(view, 9 * PPQ + 10, 67), roll_point(view, 11 * PPQ + 10, 67))
    assert notes_set(melody(window)) - before == {(9 * PPQ, 2 * PPQ, 67, 100)}
    assert window.doc.undo_stack.count() == 1
    # the next drawn note takes the last length, as in FL Studio and Ableton
    click(view.viewport(), roll_point(view, 13 * PPQ + 5, 69))
    assert (13 * PPQ, 2 * PPQ, 69, 100) in notes_set(melody(window))


def test_move_drag_snaps_and_is_one_undo_step(window):
    view, doc = window.editor.view, window.doc
    original = frozen(doc.song)
    start = roll_point(view, 2 * PPQ + PPQ // 2, 64)  # middle of the note at 960 (E4)
    end = roll_point(view, 2 * PPQ + PPQ // 2 + 2 * PPQ + 50, 67)
    drag(view.viewport(), start, end, steps=8)
    row = melody(window).notes[2]
    assert (int(row["start"]), int(row["pitch"]), int(row["duration"])) == (4 * PPQ, 67, PPQ)
    assert doc.undo_stack.count() == 1, "a drag must be one undo step"
    assert doc.modified
    doc.undo_stack.undo()
    assert frozen(doc.song) == original
    doc.undo_stack.redo()
    assert int(melody(window).notes[2]["start"]) == 4 * PPQ


def test_alt_drag_places_freely(window):
    view = window.editor.view
    start = roll_point(view, 2 * PPQ + PPQ // 2, 64)
    end = start + QPoint(37, 0)
    drag(view.viewport(), start, end, modifiers=ALT)
    expected = 2 * PPQ + round(37 / view.mapping().sx)
    got = int(melody(window).notes[2]["start"])
    assert got % 120 != 0 and abs(got - expected) <= 2


def test_resize_by_dragging_the_right_edge(window):
    view, doc = window.editor.view, window.doc
    drag(view.viewport(), roll_point(view, PPQ - 20, 60), roll_point(view, 900, 60))
    row = melody(window).notes[0]
    assert (int(row["start"]), int(row["duration"])) == (0, 960)  # end snapped to 1/16 at 960
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert int(melody(window).notes[0]["duration"]) == PPQ


def test_box_select_then_shift_click_adds_and_empty_click_clears(window):
    view, state = window.editor.view, window.state
    state.set_tool("select")
    drag(view.viewport(), roll_point(view, 10, 66), roll_point(view, 3 * PPQ + 200, 59))
    assert list(state.selection) == [0, 1, 2, 3]
    click(view.viewport(), roll_point(view, 5 * PPQ + 100, 69), modifiers=SHIFT)
    assert list(state.selection) == [0, 1, 2, 3, 5]
    click(view.viewport(), roll_point(view, 5 * PPQ + 100, 69), modifiers=SHIFT)  # toggles off
    assert list(state.selection) == [0, 1, 2, 3]
    click(view.viewport(), roll_point(view, 3 * BAR, 75))
    assert len(state.selection) == 0
    assert window.doc.undo_stack.count() == 0  # selecting is not an edit


def test_right_click_erases_and_undo_restores_row_order(window):
    view, doc = window.editor.view, window.doc
    original = frozen(doc.song)
    click(view.viewport(), roll_point(view, 4 * PPQ + 100, 67), button=Qt.MouseButton.RightButton)
    assert 67 not in set(melody(window).notes["pitch"].tolist())
    assert len(melody(window)) == 7
    doc.undo_stack.undo()
    assert frozen(doc.song) == original


def test_erase_tool_swipe_is_one_step(window):
    view, doc = window.editor.view, window.doc
    window.state.set_tool("erase")
    # a swipe along the C4 row, then up through D4 at beat 2
    drag(view.viewport(), roll_point(view, 100, 60), roll_point(view, 700, 62), steps=10)
    assert notes_set(melody(window)).isdisjoint({(0, PPQ, 60, 90), (PPQ, PPQ, 62, 90)})
    assert len(melody(window)) == 6
    assert doc.undo_stack.count() == 1


def test_velocity_lane_drag_is_one_undo_step(window):
    view, lane, doc = window.editor.view, window.editor.lane, window.doc
    window.state.set_selection([0, 1])
    x = int(view.mapping().x(0)) + 1
    y_head = int(lane._vel_to_y(90))
    drag(lane, QPoint(x, y_head), QPoint(x, y_head - 15), steps=5)
    vel = melody(window).notes["velocity"]
    moved = int(vel[0]) - 90
    assert moved > 5
    assert int(vel[1]) == 90 + moved, "the selected notes move together"
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert melody(window).notes["velocity"][:2].tolist() == [90, 90]


def test_ctrl_wheel_zooms_time_and_wheel_scrolls(window):
    view = window.editor.view
    sx = view.mapping().sx
    pos = QPointF(200, 100)

    def wheel(mods, dy=120):
        ev = QWheelEvent(pos, view.viewport().mapToGlobal(pos), QPoint(0, 0), QPoint(0, dy),
                         Qt.MouseButton.NoButton, mods, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(view.viewport(), ev)

    tick_under = view.mapping().tick(pos.x())
    wheel(Qt.KeyboardModifier.ControlModifier)
    assert view.mapping().sx > sx * 1.1
    assert abs(view.mapping().tick(pos.x()) - tick_under) < 20, "zoom keeps the time under the cursor"
    v = view.verticalScrollBar().value()
    wheel(NO_MOD, dy=-240)
    assert view.verticalScrollBar().value() > v


def test_click_on_a_note_auditions_it_with_the_track_program(window):
    heard = []

    class FakePlayer:
        is_playing = False

        def audition(self, pitch, velocity, program, is_drum):
            heard.append((pitch, velocity, program, is_drum))

        def on_position(self, cb):
            return lambda: None

        def close(self):
            pass

    window.playback._set_audio(FakePlayer())
    window.state.set_current_track(1)  # the bass: program 32
    view = window.editor.view
    click(view.viewport(), roll_point(view, 100, 48))
    assert heard[0] == (48, 80, 32, False)


def _pixel(view, tick, pitch):
    image = view.viewport().grab().toImage()
    m = view.mapping()
    return image.pixelColor(int(m.x(tick)), int(m.pitch_y(pitch) + m.sy / 2)).name()


def test_scale_rows_follow_the_key_and_ghost_notes_show(window):
    view, doc = window.editor.view, window.doc
    c_major = row_colors(Scale(0, "major"))
    assert _pixel(view, 60, 61) == c_major[1].name() == ROLL.black_row.name()  # C# is out of C major
    assert _pixel(view, 60, 62) == ROLL.scale_row.name()
    doc.push(set_key(2, "major"))  # D major: C# joins the scale, D is the tonic
    assert _pixel(view, 60, 61) == ROLL.scale_row.name()
    assert _pixel(view, 60, 62) == ROLL.tonic_row.name()
    # ghost notes: the bass (track 2) shows faintly while the melody is edited
    ghost = _pixel(view, 500, 48)
    assert ghost != _pixel(view, 500, 47)
    window.actions["ghost_notes"].setChecked(False)
    assert _pixel(view, 500, 48) != ghost


def test_ruler_sets_loop_and_moves_the_playhead(window):
    ruler, state, view = window.editor.ruler, window.state, window.editor.view
    m = view.mapping()
    drag(ruler, QPoint(int(m.x(BAR)) + 1, 20), QPoint(int(m.x(2 * BAR)) + 1, 20))
    assert (state.loop_start, state.loop_end, state.loop_enabled) == (BAR, 2 * BAR, True)
    click(ruler, QPoint(int(m.x(3 * PPQ)) + 1, 20))
    assert state.playhead == 3 * PPQ


def test_space_plays_and_the_playhead_follows(window, qtbot):
    state = window.state
    window.editor.view.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Space)
    assert window.playback.playing
    qtbot.waitUntil(lambda: state.playhead > PPQ // 2, timeout=3000)
    QTest.keyClick(window, Qt.Key.Key_Space)
    assert not window.playback.playing
    assert "1." in window.transport.position.text()


def test_no_audio_device_is_reported(make_window, qtbot):
    class NoDevice:
        available = False

    from latentroll.app.gui.playback import AUDIO_NONE

    w = make_window(player_factory=lambda soundfont: NoDevice(), probe_audio=True)
    qtbot.waitUntil(lambda: w.playback.audio_status == AUDIO_NONE, timeout=5000)
    assert "no audio output" in w.status_widgets["audio"].text()
    assert w.playback.player is None


def _on_screen(view, start, end):
    m, width = view.mapping(), view.viewport().width()
    return m.x(start) >= 0 and m.x(end) <= width


def test_an_accepted_clip_is_scrolled_into_view(window):
    """Accepting a candidate moves the playhead past it; the roll shows the inserted notes, not
    the empty bars after them (following the playhead used to scroll them off screen)."""
    from latentroll.app.gui.clips import clip_from_track, insert_clip

    view, state = window.editor.view, window.state
    view.set_zoom(sx=view.viewport().width() / (6 * BAR))  # six bars on screen
    view.horizontalScrollBar().setValue(0)
    clip = clip_from_track(melody(window).copy(), "melody", "generated")
    assert 0 < clip.span <= 4 * BAR
    state.set_playhead(20 * BAR)
    insert_clip(window.doc, state, clip)
    assert state.playhead > 20 * BAR
    assert _on_screen(view, 20 * BAR, 20 * BAR + clip.span)


def test_reveal_scrolls_only_as_far_as_needed(window):
    view = window.editor.view
    width = view.viewport().width()
    view.set_zoom(sx=width / (6 * BAR))
    view.horizontalScrollBar().setValue(0)
    view.reveal(BAR, 3 * BAR)  # already on screen: stays put
    assert view.horizontalScrollBar().value() == 0
    view.reveal(7 * BAR, 9 * BAR)  # just off the right edge: the bars before it stay in view
    assert _on_screen(view, 7 * BAR, 9 * BAR) and _on_screen(view, 4 * BAR, 9 * BAR)
    view.reveal(0, 20 * BAR)  # wider than the screen: its start
    assert view.mapping().x(0) >= 0 and view.mapping().x(0) < width * 0.1


def test_a_shorter_roll_keeps_the_middle_pitch_in_the_middle(window):
    """Opening a dock under the roll (the explorer) must not leave only its empty top rows."""
    view = window.editor.view
    view.show_notes()

    def middle_pitch():
        return view.mapping().pitch_at(view.viewport().height() / 2)

    before = middle_pitch()
    assert 48 <= before <= 84  # centred on the melody
    height = view.height()
    view.resize(view.width(), height // 2)
    assert view.viewport().height() < height
    assert abs(middle_pitch() - before) <= 1
    view.resize(view.width(), height)
    assert abs(middle_pitch() - before) <= 1


def test_moving_the_playhead_after_a_zoom_repaints_the_old_line(window, monkeypatch):
    """The old playhead line is repainted where it is on screen now: after a zoom it had moved,
    and repainting where it used to be left a stale red line behind."""
    view, state = window.editor.view, window.state
    state.set_playhead(2 * BAR)
    view.zoom_by(fx=0.5)
    old_x = int(view.mapping().x(2 * BAR))
    repainted = []
    vp = view.viewport()
    monkeypatch.setattr(vp, "update", lambda *args: repainted.append(args[0] if args else vp.rect()))
    state.set_playhead(BAR)
    assert any(r.left() <= old_x <= r.right() for r in repainted), (old_x, repainted)
