""""More like this" from a point of the explorer's map, driven as a user would: a right-click on
the map (a real mouse event on its view) → Library Clips Like This Point, and the Library dock's
Similar section lists the library clips nearest the latent the VAE puts there, the planted one
first. The explorer and the library are sibling panels: the window joins them."""
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QMenu

from latentroll.core.library import MusicLibrary
from latentroll.core.song import PPQ, Note, Song, Track

pytestmark = pytest.mark.timeout(180)


def clip(seed: int) -> Song:
    rng = np.random.default_rng(seed)
    notes = [Note(i * PPQ // 2, int(60 + rng.integers(0, 12)), PPQ // 2, 80) for i in range(16)]
    return Song(title="t", tracks=[Track("Melody", 0, notes=notes)])


def test_right_click_on_the_map_lists_the_library_clips_like_that_point(model_window, tiny_vae_dir, qtbot):
    import torch

    from latentroll.models.vae.service import MelodyVAEService

    torch.set_num_threads(1)
    w = model_window()
    info = w.model_panels.host.info("vae")
    pts = np.asarray(info.map_points, dtype=np.float64)
    point = pts.mean(axis=0) + 0.1 * np.ptp(pts, axis=0)
    near = MelodyVAEService.load(tiny_vae_dir).latent_at(point)  # what the model process will compare

    lib = MusicLibrary(w.paths.library_dir)
    rng = np.random.default_rng(1)
    for i in range(8):  # decoys: random directions
        lib.set_latent(lib.add(clip(i), f"Decoy {i}").file, "vae", rng.normal(size=near.shape))
    lib.set_latent(lib.add(clip(9), "Planted").file, "vae", near * 1.5 + 0.01 * rng.normal(size=near.shape))
    lib.set_latent(lib.add(clip(10), "Opposite").file, "vae", -near)

    panels = w.model_panels
    panels.show_explorer()
    qtbot.waitUntil(lambda: panels.explorer is not None, timeout=30000)
    tab = panels.explorer.map
    with qtbot.waitSignal(tab.pointsShown, timeout=10000):
        panels.explorer.show_tab("map")
    view = tab.plot
    at = view.mapFromScene(view.vb.mapViewToScene(QPointF(float(point[0]), float(point[1]))))
    assert view.viewport().rect().contains(at)
    with qtbot.waitSignal(tab.similarRequested, timeout=10000) as asked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=at)
        qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
        menu = QApplication.activePopupWidget()
        action = next(a for a in menu.actions() if a.text() == "Library Clips Like This Point")
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert np.allclose(asked.args, point, atol=0.02 * np.ptp(pts, axis=0).max())

    panel = w.library_dock.panel
    qtbot.waitUntil(lambda: panel.similar.table.rowCount() == 10, timeout=30000)
    assert w.library_dock.dock.isVisible() and panel.tabs.currentWidget() is panel.similar
    t = panel.similar.table
    rows = [(t.item(r, 0).text(), float(t.item(r, 1).text())) for r in range(t.rowCount())]
    assert rows[0][0] == "Planted" and rows[0][1] > 0.99
    assert rows[-1][0] == "Opposite" and rows[-1][1] < -0.99
    assert "map point" in panel.similar.heading.text()
