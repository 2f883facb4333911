""""Follow chords" in the explorer's Interpolate tab, through real clicks: ticked, the song's chord
track (seen from where the clips go in) reaches the service's ``chords=``; unticked, none; a
song without chords gets a notice and nothing runs."""
import pytest
from PySide6.QtCore import Qt
from roll_helpers import BAR, make_song

from latentroll.app.gui.clips import clip_from_track
from latentroll.core.chords import ChordEvent, parse_chord
from latentroll.core.song import PPQ, Note, Track

pytestmark = pytest.mark.timeout(120)


def _clip(name: str, shift: int):
    return clip_from_track(Track(name, 0, notes=[Note(i * PPQ, 60 + shift + i % 5, PPQ, 90) for i in range(8)]),
                           name, "file")


@pytest.fixture
def tab(make_window, monkeypatch, qtbot):
    w = make_window(make_song())
    panels = w.model_panels
    panels.show_explorer("interpolate")
    qtbot.waitUntil(lambda: panels.explorer is not None, timeout=30000)
    panels.explorer._on_ready(True)  # no model here: a stand-in service answers below
    panels.explorer.show_tab("interpolate")
    tab = panels.explorer.interpolate
    asked, told = [], []

    class Vae:
        def interpolate(self, a, b, **kw):
            asked.append(kw.get("chords"))
            return [a.copy(), b.copy()]

    def start(key, what, job, *args, label="", on_result=None, **_kw):
        job(Vae(), *args, progress=None)
        return None

    monkeypatch.setattr(panels.ctx.host, "start", start)
    panels.ctx.notifier.info = told.append
    a, b = panels.ctx.shelf.add([_clip("A", 0), _clip("B", 3)])
    tab.a.set_clip(a)
    tab.b.set_clip(b)
    qtbot.waitExposed(tab)
    tab.asked, tab.told, tab.window_ = asked, told, w
    return tab


def _click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def test_follow_chords_reaches_interpolate_by_clicks(tab, qtbot):
    song = tab.window_.doc.song
    song.chords = [ChordEvent(0, parse_chord("Am")), ChordEvent(BAR, parse_chord("E7")),
                   ChordEvent(2 * BAR, parse_chord("F"))]
    tab.window_.state.set_playhead(BAR + PPQ)  # the clips would go in at bar 2: E7 from 0, F one bar on
    _click(qtbot, tab.follow_chords)
    assert tab.follow_chords.isChecked()
    _click(qtbot, tab.run_button)
    assert tab.asked == [[ChordEvent(0, parse_chord("E7")), ChordEvent(BAR, parse_chord("F"))]]
    _click(qtbot, tab.follow_chords)
    _click(qtbot, tab.run_button)
    assert tab.asked[-1] is None


def test_follow_chords_without_chords_is_a_notice(tab, qtbot):
    tab.window_.doc.song.chords = []
    _click(qtbot, tab.follow_chords)
    _click(qtbot, tab.run_button)
    assert tab.asked == []
    assert any("no chords" in t for t in tab.told)


def test_follow_chords_reaches_the_corner_grid_by_clicks(make_window, monkeypatch, qtbot):
    w = make_window(make_song())
    panels = w.model_panels
    panels.show_explorer("grid")
    qtbot.waitUntil(lambda: panels.explorer is not None and panels.explorer.grid is not None, timeout=30000)
    panels.explorer._on_ready(True)  # no model here: a stand-in service answers below
    panels.explorer.show_tab("grid")
    grid = panels.explorer.grid
    asked = []

    class Vae:
        def grid(self, corners, n=5, **kw):
            asked.append(kw.get("chords"))
            return [[corners[0].copy() for _ in range(n)] for _ in range(n)]

    def start(key, what, job, *args, label="", on_result=None, **_kw):
        job(Vae(), *args, progress=None)
        return None

    monkeypatch.setattr(panels.ctx.host, "start", start)
    clips = panels.ctx.shelf.add([_clip(n, i) for i, n in enumerate("ABCD")])
    for picker, clip in zip(grid.corners, clips):
        picker.set_clip(clip)
    w.doc.song.chords = [ChordEvent(0, parse_chord("C")), ChordEvent(BAR, parse_chord("G7"))]
    w.state.set_playhead(0)
    qtbot.waitExposed(grid)
    _click(qtbot, grid.follow_chords)
    _click(qtbot, grid.run_button)
    assert asked == [[ChordEvent(0, parse_chord("C")), ChordEvent(BAR, parse_chord("G7"))]]
    _click(qtbot, grid.follow_chords)
    _click(qtbot, grid.run_button)
    assert asked[-1] is None
