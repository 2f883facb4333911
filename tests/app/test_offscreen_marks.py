"""Notes out of sight above or below the roll get a mark at its edge ("▼ 3 notes below") that a
click scrolls to (issue 14: a harmonized bass under the visible range had no indicator)."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from roll_helpers import BAR, frozen, make_song

from latentroll.app.gui.theme import ROLL
from latentroll.core.song import Note, Track


def _song():
    """The test song's melody (C4–C5) and bass (G2–C3), plus a low bass line (C1–E1) in bar 1."""
    song = make_song()
    low = [Note(0, 24, BAR // 2, 90), Note(BAR // 2, 26, BAR // 2, 90), Note(BAR, 28, BAR, 90)]
    song.tracks.append(Track("Low bass", 33, channel=2, notes=low))
    return song


def _rows_on_screen(view, pitch: int) -> bool:
    m = view.mapping()
    return 0 <= m.pitch_y(pitch) and m.pitch_y(pitch) + m.sy <= view.viewport().height()


def _center_on(view, pitch: int) -> None:
    m = view.mapping()
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() + round(m.pitch_y(pitch) - view.viewport().height() / 2))


def _accent_pixels(view, rect) -> int:
    image = view.viewport().grab(rect.toAlignedRect()).toImage()
    accent = ROLL.offscreen_text
    return sum(QColor(image.pixel(x, y)).red() > 200 and abs(QColor(image.pixel(x, y)).green() - accent.green()) < 40
               for x in range(image.width()) for y in range(image.height()))


def test_a_mark_shows_notes_below_and_a_click_scrolls_to_them(make_window, qtbot):
    w = make_window(_song())
    view = w.editor.view
    w.state.set_current_track(0)
    view.set_zoom(sy=16.0)
    _center_on(view, 66)  # the melody in view; bass and low bass below it
    assert view.viewport().height() / 16.0 < 66 - 28, "the window is small enough to hide the low bass"
    marks = view.offscreen_marks()
    below = next(mk for mk in marks if mk.hidden.direction == "below")
    low_and_bass = 3 + sum(int(p) < view.mapping().pitch_at(view.viewport().height() - 1)
                           for p in w.doc.song.tracks[1].notes["pitch"])
    assert below.hidden.count == low_and_bass and below.hidden.low == 24
    assert "below" in below.hidden.text and str(low_and_bass) in below.hidden.text
    assert not any(mk.hidden.direction == "above" for mk in marks)
    assert below.rect.bottom() <= view.viewport().height() and below.rect.top() > view.viewport().height() / 2
    qtbot.waitUntil(lambda: _accent_pixels(view, below.rect) > 10)  # the user sees it

    before = frozen(w.doc.song)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=below.rect.center().toPoint())
    assert frozen(w.doc.song) == before, "a click on the mark draws no note"
    assert all(_rows_on_screen(view, p) for p in (24, 26, 28)), "the click scrolled to the low notes"
    # now the melody is out of sight above; its mark scrolls back
    above = next(mk for mk in view.offscreen_marks() if mk.hidden.direction == "above")
    assert above.hidden.high == 72 and above.rect.top() < view.viewport().height() / 2
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=above.rect.center().toPoint())
    assert frozen(w.doc.song) == before
    assert _rows_on_screen(view, 72)


def test_no_mark_when_every_note_is_in_sight_and_ghosts_count_only_when_shown(make_window, qtbot):
    w = make_window(make_song())  # pitches 43–72: all on screen at the default zoom
    view = w.editor.view
    w.state.set_current_track(0)
    view.set_zoom(sy=8.0)
    _center_on(view, 58)
    assert view.offscreen_marks() == []
    view.set_zoom(sy=30.0)
    _center_on(view, 70)  # the melody's top in view; the bass (another track) and low melody notes below
    counted = next(mk.hidden.count for mk in view.offscreen_marks() if mk.hidden.direction == "below")
    w.state.set_view_options(ghost_notes=False)  # other tracks are not painted: not counted
    alone = next(mk.hidden.count for mk in view.offscreen_marks() if mk.hidden.direction == "below")
    assert alone == counted - 3
    w.state.set_selection(range(8))
    w.edit_ops.transpose(12)  # the melody moves up an octave: the counts follow the song
    assert all(mk.hidden.direction != "below" or mk.hidden.count < alone for mk in view.offscreen_marks())
