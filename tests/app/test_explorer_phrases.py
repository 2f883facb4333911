"""Phrases in the explorer, through real input: an 8-bar selection taken as A and B (Ctrl+A in the
roll, then the pickers' "Take the piano-roll selection" entry clicked in their popups) gives 8-bar
interpolants; a 20-bar selection is cut to 16 bars with a note in the tab and the status bar."""
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton

from latentroll.app.gui.clip_widgets import ClipPicker
from latentroll.core.song import PPQ, KeySignature, Note, Song, TempoChange, TimeSignature, Track

pytestmark = pytest.mark.timeout(240)
BAR = 4 * PPQ


def _tune(name: str, bars: int, shift: int) -> Track:
    steps = [0, 2, 4, 5, 7, 9, 7, 4]
    return Track(name, 0, notes=[Note(i * PPQ, 60 + shift + steps[(i + shift) % 8], PPQ, 90)
                                 for i in range(4 * bars)])


def _song() -> Song:
    return Song(title="Phrases", tracks=[_tune("Eight A", 8, 0), _tune("Eight B", 8, 3), _tune("Twenty", 20, 5),
                                         _tune("Six A", 6, 1), _tune("Six B", 6, 4), _tune("Four A", 4, 2),
                                         _tune("Four B", 4, 6)],
                tempos=[TempoChange(0, 120.0)], time_signatures=[TimeSignature(0, 4, 4)],
                keys=[KeySignature(0, 0, "major")])


@pytest.fixture
def window(model_window, qtbot):
    w = model_window(_song())
    w.model_panels.show_explorer()
    qtbot.waitUntil(lambda: w.model_panels.explorer is not None and w.model_panels.explorer.complete,
                    timeout=30000)
    return w


def _select_track(w, qtbot, index: int) -> None:
    """Make ``index`` the current track and select all its notes with Ctrl+A in the roll."""
    w.state.set_current_track(index)
    view = w.editor.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=5000)
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(w.state.selection) == len(w.doc.song.tracks[index].notes)


def _take_selection(qtbot, picker: ClipPicker) -> None:
    """Open the picker's popup with the mouse and click its "Take the piano-roll selection" entry."""
    qtbot.mouseClick(picker, Qt.MouseButton.LeftButton)
    view = picker.view()
    qtbot.waitUntil(view.isVisible, timeout=5000)
    row = picker.findData(ClipPicker.SELECTION)
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.wait(QApplication.doubleClickInterval() + 100)  # a combo popup ignores a release this soon after opening
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=5000)


def _run(qtbot, tab):
    with qtbot.waitSignal(tab.resultsChanged, timeout=60000):
        qtbot.mouseClick(tab.run_button, Qt.MouseButton.LeftButton)


def test_eight_bar_selections_interpolate_into_eight_bar_clips(window, qtbot, spy_keys):
    w = window
    asked = spy_keys(w.model_panels.host, "start")  # the registry keys the explorer's jobs run on
    tab = w.model_panels.explorer.interpolate
    w.model_panels.explorer.show_tab("interpolate")
    tab.steps.setValue(5)
    tab.temperature.setValue(1.0)  # the tiny test model's greedy decodes are mostly held notes
    for index, picker in ((0, tab.a), (1, tab.b)):
        _select_track(w, qtbot, index)
        _take_selection(qtbot, picker)
    assert tab.a.clip.span == 8 * BAR and tab.b.clip.span == 8 * BAR
    _run(qtbot, tab)
    clips = tab.canvas.clips
    assert len(clips) == 5 and not tab.note.isVisible()
    # 8 bars go through the 4-bar VAE as two 4-bar segments: the interpolants are 8 bars, not 4
    assert asked == ["vae_4bar"]
    segments = {int(s) // (4 * BAR) for c in clips for s in c.track.notes["start"]}
    assert segments == {0, 1}, sorted(segments)
    assert all(c.span <= 8 * BAR for c in clips)
    assert {it.span for it in tab.canvas.items} == {8 * BAR}  # every cell shows the whole 8 bars
    # the strip wraps to keep 8-bar cells readable, and a click on a cell still selects it
    assert tab.canvas.cols < 5
    qtbot.waitUntil(lambda: tab.canvas.width() > 100)
    centre = tab.canvas.mapFromScene(tab.canvas.vb.mapViewToScene(tab.canvas.cell_rect(3).center()))
    qtbot.mouseClick(tab.canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(centre.x(), centre.y()))
    assert tab.canvas.selected == 3


def test_a_twenty_bar_selection_is_cut_to_sixteen_with_a_visible_note(window, qtbot):
    w = window
    tab = w.model_panels.explorer.interpolate
    w.model_panels.explorer.show_tab("interpolate")
    tab.steps.setValue(3)
    tab.temperature.setValue(1.0)
    _select_track(w, qtbot, 2)
    _take_selection(qtbot, tab.a)
    _select_track(w, qtbot, 2)
    _take_selection(qtbot, tab.b)
    assert tab.a.clip.span == 20 * BAR
    with qtbot.waitSignal(w.notifier.notified, timeout=10000,
                          check_params_cb=lambda n: "Clip A is 20 bars" in n.text) as blocker:
        _run(qtbot, tab)
    assert blocker.args[0].level == "warning" and "first 16" in blocker.args[0].text
    assert tab.note.isVisible() and "Clip A is 20 bars" in tab.note.text() and "Clip B is 20 bars" in tab.note.text()
    ends = [int((c.track.notes["start"] + c.track.notes["duration"]).max()) for c in tab.canvas.clips]
    assert 8 * BAR < max(ends) <= 16 * BAR  # 16 bars read and written: not 2, not 20
    # clips of different lengths are read at the shorter one's, and the note says what is left out
    _select_track(w, qtbot, 0)
    _take_selection(qtbot, tab.b)
    _run(qtbot, tab)
    assert "read as 8 bars" in tab.note.text() and tab.note.isVisible()
    assert all(c.span <= 8 * BAR for c in tab.canvas.clips)


def test_random_corners_are_four_bars_and_the_grid_blends_four_bars(window, qtbot):
    w = window
    grid = w.model_panels.explorer.grid
    w.model_panels.explorer.show_tab("grid")
    grid.size.setValue(2)
    dice = next(b for b in grid.findChildren(QToolButton) if b.text() == "Random corners")
    grid.temperature.setValue(1.0)
    for _ in range(6):  # the tiny test model writes a silent clip now and then: that corner stays empty
        qtbot.mouseClick(dice, Qt.MouseButton.LeftButton)
        qtbot.wait(50)
        qtbot.waitUntil(lambda: not w.model_panels.ctx.jobs.busy, timeout=60000)
        if all(p.clip is not None for p in grid.corners):
            break
    spans = [p.clip.span for p in grid.corners]
    assert max(spans) > 2 * BAR and all(s <= 4 * BAR for s in spans)  # the default clip length: 4 bars
    qtbot.mouseClick(grid.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(grid.canvas.items) == 4, timeout=60000)
    assert not grid.note.isVisible()
    assert {it.span for it in grid.canvas.items} == {4 * BAR}
    assert all(c.span <= 4 * BAR for c in grid.canvas.clips)


def test_a_six_bar_pair_goes_through_the_two_bar_vae_and_a_four_bar_pair_through_the_four_bar_one(window, qtbot,
                                                                                               spy_keys):
    """The route picks the model that pads least (6 bars: three 2-bar segments), then the fewest
    segments (4 bars: one 4-bar clip); the clips come back at the selection's length."""
    w = window
    asked = spy_keys(w.model_panels.host, "start")
    tab = w.model_panels.explorer.interpolate
    w.model_panels.explorer.show_tab("interpolate")
    tab.steps.setValue(3)
    tab.temperature.setValue(1.0)
    for bars, model, tracks in ((6, "vae", (3, 4)), (4, "vae_4bar", (5, 6))):
        for index, picker in zip(tracks, (tab.a, tab.b)):
            _select_track(w, qtbot, index)
            _take_selection(qtbot, picker)
        assert tab.a.clip.span == bars * BAR
        _run(qtbot, tab)
        assert asked[-1] == model and not tab.note.isVisible()
        assert {it.span for it in tab.canvas.items} == {bars * BAR}
        assert all(c.span <= bars * BAR for c in tab.canvas.clips)
