"""The Latent Explorer against a tiny exported VAE: the strip inserts an interpolant (one undo
step), a clip drags out as a real .mid, the grid's puck selects the cell under it, the map shows
the corpus and decodes what is clicked, and model errors reach the user."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from latentroll.core.io.formats import read_song
from latentroll.core.song import PPQ, Note, Track
from latentroll.models.data.melody import events_to_notes, pitch_to_event

HOLD, REST = 0, 1

from latentroll.app.gui.clips import clip_from_track, write_clip_file

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def explorer_window(model_window, qtbot):
    """The window with the explorer open and four corpus-like clips in the clip list."""
    w = model_window()
    panels = w.model_panels
    panels.show_explorer()
    qtbot.waitUntil(lambda: panels.explorer is not None, timeout=30000)
    rng = np.random.default_rng(0)
    clips = []
    for i in range(4):  # stepwise tunes of eighths and quarters, two bars each
        lengths = rng.choice([2, 4], size=10)
        pitches = 60 + np.cumsum(rng.choice([-2, -1, 1, 2], size=len(lengths))) % 12
        ev = []
        for d, p in zip(lengths, pitches):
            ev += [int(pitch_to_event(p))] + [HOLD] * (int(d) - 1)
        ev = np.array((ev + [REST] * 32)[:32], dtype=np.uint8)
        clips.append(clip_from_track(Track(name=f"tune {i}", notes=events_to_notes(ev)), f"tune {i}", "file"))
    panels.ctx.shelf.add(clips)
    return w


def _clips(w):
    return w.model_panels.ctx.shelf.clips


def test_interpolation_strip_inserts_an_interpolant(explorer_window, qtbot):
    w = explorer_window
    tab = w.model_panels.explorer.interpolate
    a, b = _clips(w)[:2]
    tab.a.set_clip(a)
    tab.b.set_clip(b)
    tab.steps.setValue(6)
    tab.temperature.setValue(1.0)
    with qtbot.waitSignal(tab.resultsChanged, timeout=30000):
        assert tab.run() is not None
    canvas = tab.canvas
    assert len(canvas.items) == 6
    assert [it.label for it in canvas.items] == ["A", "Step 1", "Step 2", "Step 3", "Step 4", "B"]

    # click the third mini roll: it becomes the selection (and is offered to the player)
    qtbot.waitUntil(lambda: canvas.isVisible() and canvas.width() > 200)
    centre = canvas.mapFromScene(canvas.vb.mapViewToScene(canvas.cell_rect(2).center()))
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(centre.x(), centre.y()))
    assert canvas.selected == 2
    clip = canvas.clip(2)
    assert len(clip.track.notes) > 0

    before = w.doc.song.copy()
    w.state.set_current_track(1)
    w.state.set_playhead(4 * 4 * PPQ)
    tab.actions.buttons["insert"].click()
    track = w.doc.song.tracks[1]
    added = track.notes[len(before.tracks[1].notes):]
    expected = clip.track.notes.copy()
    expected["start"] += 4 * 4 * PPQ
    assert np.array_equal(added, expected)
    assert w.doc.undo_stack.count() == 1
    w.doc.undo_stack.undo()
    assert w.doc.song == before

    # "Keep" puts the interpolant in the clip list, where pickers and the map see it
    tab.actions.buttons["keep"].click()
    assert _clips(w)[-1].track.notes.tolist() == clip.track.notes.tolist()


def test_clip_drags_out_as_a_real_midi_file(explorer_window, tmp_path):
    w = explorer_window
    clip = _clips(w)[0]
    path = write_clip_file(clip, w.doc.song, tmp_path)
    assert path.suffix == ".mid" and path.stat().st_size > 0
    back = read_song(path)
    notes = [t for t in back.tracks if len(t.notes)][0].sorted_notes()
    assert np.array_equal(notes[["start", "duration", "pitch"]], clip.track.sorted_notes()[["start", "duration", "pitch"]])


def test_grid_puck_selects_the_cell_under_it(explorer_window, qtbot):
    w = explorer_window
    grid = w.model_panels.explorer.grid
    w.model_panels.explorer.show_tab("grid")
    for picker, clip in zip(grid.corners, _clips(w)[:4]):
        picker.set_clip(clip)
    grid.size.setValue(3)
    grid.temperature.setValue(1.0)
    assert grid.run() is not None
    qtbot.waitUntil(lambda: len(grid.canvas.items) == 9, timeout=30000)
    assert grid.puck.isVisible() and grid.canvas.selected == 4  # the puck starts in the middle
    assert sum(it.marked for it in grid.canvas.items) == 4  # the corners are marked

    # dragging the puck with the mouse (press on it, move, release on the viewport) moves it and
    # plays the cell under it; it never starts a MIDI drag-out
    canvas = grid.canvas
    drags, played = [], []
    canvas.dragRequested.connect(drags.append)
    w.model_panels.ctx.play = lambda clip: played.append(clip)

    def on_screen(view_point):
        return canvas.mapFromScene(canvas.vb.mapViewToScene(view_point))

    start, target = on_screen(grid.puck.pos()), on_screen(grid.cell_center(7))
    port = canvas.viewport()
    with qtbot.waitSignal(grid.cellChanged, timeout=5000) as blocker:
        qtbot.mousePress(port, Qt.MouseButton.LeftButton, pos=start)
        for t in np.linspace(0.1, 1.0, 10):
            step = start + (target - start) * float(t)
            qtbot.mouseMove(port, QPoint(round(step.x()), round(step.y())))
            qtbot.wait(15)
        qtbot.mouseRelease(port, Qt.MouseButton.LeftButton, pos=target)
    assert blocker.args == [7] and canvas.selected == 7
    assert canvas.index_at_view(grid.puck.pos()) == 7, "the puck stays where it was dropped"
    assert played and played[-1] is canvas.clip(7) and not drags
    # a plain click on a cell moves the puck there and plays it
    with qtbot.waitSignal(grid.cellChanged, timeout=5000) as blocker:
        qtbot.mouseClick(port, Qt.MouseButton.LeftButton, pos=on_screen(grid.cell_center(0)))
    assert blocker.args == [0] and canvas.index_at_view(grid.puck.pos()) == 0 and not drags

    before = w.doc.song.copy()
    grid.actions.buttons["track"].click()  # insert the cell as a new track
    assert len(w.doc.song.tracks) == len(before.tracks) + 1
    assert np.array_equal(w.doc.song.tracks[-1].sorted_notes()["pitch"],
                          grid.canvas.clip(0).track.sorted_notes()["pitch"])
    w.doc.undo_stack.undo()
    assert w.doc.song == before


def test_map_shows_corpus_points_and_decodes_clicks(explorer_window, qtbot):
    w = explorer_window
    panel = w.model_panels.explorer
    tab = panel.map
    info = w.model_panels.host.info("vae")
    with qtbot.waitSignal(tab.pointsShown, timeout=10000):
        panel.show_tab("map")
    assert tab.corpus_count == len(info.map_points) > 0
    legend = [label.text for _sample, label in tab.legend.items]
    assert len(tab.style_items) >= 2 and legend[:len(tab.style_items)] == [i.name() for i in tab.style_items]
    assert legend[len(tab.style_items):] == ["Your clips", "Generated", "Heard here"]
    # the user's clips are placed on the map
    qtbot.waitUntil(lambda: len(tab.user_item.data) == len(_clips(w)), timeout=30000)

    tab.temperature.setValue(1.0)
    tab.count.setValue(3)
    assert tab.sample_region() is not None
    qtbot.waitUntil(lambda: len(tab.results.items) == 3, timeout=30000)
    assert len(tab.picked_item.data) == 3
    # a click on the map (a real mouse event on the view) decodes the melody there and plays it
    centre = info.map_points.mean(axis=0)
    view = tab.plot
    at = view.mapFromScene(view.vb.mapViewToScene(QPointF(float(centre[0]), float(centre[1]))))
    assert view.viewport().rect().contains(at)
    played = []
    w.model_panels.ctx.play = lambda clip: played.append(clip)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: len(tab.results.items) == 1, timeout=30000)
    clip = tab.results.clip(0)
    assert clip.source == "map" and played == [clip]
    assert np.allclose(tab.picked_item.data["x"], [centre[0]], atol=0.05 * np.ptp(info.map_points[:, 0]))
    assert tab.actions.buttons["play"].isEnabled() and tab.actions.buttons["track"].isEnabled()


def test_model_error_reaches_the_user(explorer_window, qtbot):
    w = explorer_window
    tab = w.model_panels.explorer.interpolate
    drums = Track(name="Drums", is_drum=True, notes=_clips(w)[0].track.notes)
    bad = w.model_panels.ctx.shelf.add(clip_from_track(drums, "Drum loop", "file"))[0]
    tab.a.set_clip(bad)
    tab.b.set_clip(_clips(w)[1])
    with qtbot.waitSignal(w.notifier.notified, timeout=30000) as blocker:
        tab.run()
    note = blocker.args[0]
    assert note.level == "error" and "drum track" in note.text and not note.details


def test_near_real_box_chooses_the_pull(explorer_window):
    """'Near real tunes' on asks for the service's default pull; off asks for the plain path."""
    from latentroll.app.calls.explorer import InterpolateRequest, interpolate_clips

    asked = []

    class Recorder:
        def interpolate(self, a, b, **kw):
            asked.append(kw.get("pull", "default"))
            return [a, b]

    tab = explorer_window.model_panels.explorer.interpolate
    assert tab.near_real.isChecked()
    a, b = (c.track for c in _clips(explorer_window)[:2])
    for on in (True, False):
        tab.near_real.setChecked(on)
        interpolate_clips(Recorder(), InterpolateRequest(a, b, near_real=tab.near_real.isChecked()))
    assert asked == ["default", 0.0]



def test_orphan_collection_finds_every_parentless_menu(make_window):
    """pyqtgraph builds an ROI handle's menu without a parent; the explorer collects such widgets
    to delete them with the panel. With a window's many wrapper-less menus and popups around, it
    must find the new one every time (telling widgets apart by ``id()`` missed a few in 200)."""
    import pyqtgraph as pg

    from latentroll.app.gui.explorer.panel import _delete_all, collect_orphans

    make_window()
    made, found = [], []
    for _ in range(200):
        roi, orphans = collect_orphans(lambda: pg.RectROI((0, 0), (1, 1)))
        made.append(roi)
        found.append([type(w).__name__ for w in orphans])
        _delete_all(orphans)
    assert all(f == ["QMenu"] for f in found), [f for f in found if f != ["QMenu"]]


def test_a_longer_clip_says_what_the_model_leaves_out(explorer_window, qtbot):
    """Clips of different lengths are read at the shorter one's (issue 18): a 3-bar clip A with a
    2-bar clip B is interpolated from A's first 2 bars, and the user is told so in the status bar
    and in the tab instead of losing the third bar silently."""
    w = explorer_window
    tab = w.model_panels.explorer.interpolate
    notes = [Note(i * PPQ, 60 + i % 8, PPQ, 90) for i in range(12)]  # 12 beats: 3 bars of 4/4
    long_clip = w.model_panels.ctx.shelf.add(clip_from_track(Track("Long", 0, notes=notes), "Three bars", "file"))[0]
    tab.a.set_clip(long_clip)
    tab.b.set_clip(_clips(w)[1])
    with qtbot.waitSignal(w.notifier.notified, timeout=10000,
                          check_params_cb=lambda n: "Clip A (3 bars)" in n.text) as blocker:
        assert tab.run() is not None
    text = blocker.args[0].text
    assert "read as 2 bars" in text and "bar 3 is left out" in text and "Clip B" not in text
    assert tab.note.isVisible() and "bar 3 is left out" in tab.note.text()
