"""The Latent Explorer against a tiny exported VAE: the strip inserts an interpolant (one undo
step), a clip drags out as a real .mid, the grid's puck selects the cell under it, the map shows
the corpus and decodes what is clicked, and model errors reach the user."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from latentroll.core.io.formats import read_song
from latentroll.core.song import PPQ, Track
from latentroll.models.data.melody import events_to_notes, pitch_to_event

HOLD, REST = 0, 1

from latentroll.app.gui.clips import clip_from_track, write_clip_file
from latentroll.app.gui.model_process import ModelProcess, ModelUnavailable, RemoteService

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
    panels.ctx.library.add(clips)
    return w


def _clips(w):
    return w.model_panels.ctx.library.clips


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

    with qtbot.waitSignal(grid.cellChanged, timeout=5000) as blocker:
        grid.puck.setPos(grid.cell_center(7))  # what dragging the puck does
    assert blocker.args == [7]
    assert grid.canvas.selected == 7
    with qtbot.waitSignal(grid.cellChanged, timeout=5000) as blocker:
        grid.puck.setPos(grid.cell_center(0) + grid.cell_center(0) * 0.1)
    assert blocker.args == [0]

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
    centre = info.map_points.mean(axis=0)
    assert tab.decode_at(centre[None]) is not None
    qtbot.waitUntil(lambda: len(tab.results.items) == 1, timeout=30000)
    assert tab.results.clip(0).source == "map"


def test_model_error_reaches_the_user(explorer_window, qtbot):
    w = explorer_window
    tab = w.model_panels.explorer.interpolate
    drums = Track(name="Drums", is_drum=True, notes=_clips(w)[0].track.notes)
    bad = w.model_panels.ctx.library.add(clip_from_track(drums, "Drum loop", "file"))[0]
    tab.a.set_clip(bad)
    tab.b.set_clip(_clips(w)[1])
    with qtbot.waitSignal(w.notifier.notified, timeout=30000) as blocker:
        tab.run()
    note = blocker.args[0]
    assert note.level == "error" and "drum track" in note.text and not note.details


def test_model_process_crash_is_reported_then_recovers(tiny_vae_dir):
    process = ModelProcess(threads=1)
    try:
        svc = RemoteService(process, "latentroll.models.vae.service:MelodyVAEService", tiny_vae_dir)
        assert svc.load().clip_ticks == 8 * PPQ
        process._proc.kill()
        with pytest.raises(ModelUnavailable, match="stopped unexpectedly"):
            svc.sample(1, seed=1)
        assert len(svc.sample(2, temperature=1.0, seed=1)) == 2  # a fresh process took over
    finally:
        process.shutdown()
    assert not process.running


def test_near_real_box_chooses_the_pull(explorer_window):
    """'Near real tunes' on asks for the service's default pull; off asks for the plain path."""
    from latentroll.app.gui.explorer.jobs import InterpolateRequest, interpolate_clips

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
