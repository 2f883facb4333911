"""The Library dock's "More like this" and folder import, driven as a user would: right-click a
clip → More Like This lists the nearest clips with a score (a planted near-duplicate first, never
the clip itself), the key filter asks again; ≈ Like This does the same from the button; Import
Folder… imports a tiny folder and reports what it skipped and why. With the tiny VAE loaded,
the library's latents are computed in the background and ≈ Selection finds clips like the roll's
selected notes."""
import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMenu
from roll_helpers import make_song

from latentroll.app.calls.library import encode_missing_latents, song_melody
from latentroll.core.io.midi import write_midi
from latentroll.core.library import MusicLibrary
from latentroll.core.song import PPQ, KeySignature, Note, Song, Track

pytestmark = pytest.mark.timeout(180)


def tune(seed: int, tonic: int = 0) -> Song:
    rng = np.random.default_rng(seed)
    notes = [Note(i * PPQ // 2, int(60 + rng.integers(0, 12)), PPQ // 2, 80) for i in range(16)]
    return Song(title="t", tracks=[Track("Melody", 0, notes=notes)], keys=[KeySignature(0, tonic, "major")])


def filled_library(folder, n: int = 12) -> tuple[MusicLibrary, list]:
    """n clips with random latents; clip 7's latent is a near-duplicate of clip 3's."""
    lib = MusicLibrary(folder)
    rng = np.random.default_rng(0)
    entries = [lib.add(tune(i, tonic=7 * (i % 2)), f"Clip {i}", style="irish" if i % 3 == 0 else "german")
               for i in range(n)]
    vectors = rng.normal(size=(n, 16)).astype(np.float32)
    vectors[7] = vectors[3] * 2 + 0.01
    for e, v in zip(entries, vectors):
        lib.set_latent(e.file, "vae", v)
    return lib, entries


def _open(w, qtbot, rows: int):
    dock = w.library_dock
    w.actions["library_panel"].trigger()
    qtbot.waitUntil(lambda: dock.dock.isVisible())
    qtbot.waitUntil(lambda: dock.panel.mine.table.rowCount() == rows, timeout=10000)
    return dock


def _row_point(page, file: str):
    proxy = page.proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.row(proxy.index(r, 0)).file == file)
    index = proxy.index(row, 1)
    page.view.scrollTo(index)
    return page.view.visualRect(index).center()


def _right_click(qtbot, widget, pos) -> None:
    """A right-click through the window system (as a mouse gives it): Qt makes the context-menu
    event from it, which a click sent to the widget alone would not."""
    top = widget.window()
    qtbot.mouseClick(top.windowHandle(), Qt.MouseButton.RightButton, pos=widget.mapTo(top, pos))


def _click_menu_item(qtbot, text: str) -> None:
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    action = next(a for a in menu.actions() if a.text() == text)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def _similar_rows(panel) -> list[tuple[str, float]]:
    t = panel.similar.table
    return [(t.item(r, 0).text(), float(t.item(r, 1).text())) for r in range(t.rowCount())]


def test_more_like_this_from_the_context_menu_and_the_button(make_window, qtbot):
    w = make_window(make_song())
    _, entries = filled_library(w.paths.library_dir)
    dock = _open(w, qtbot, 12)
    panel = dock.panel
    page = panel.mine
    _right_click(qtbot, page.view.viewport(), _row_point(page, entries[3].file))
    _click_menu_item(qtbot, "More Like This")
    qtbot.waitUntil(lambda: panel.similar.table.rowCount() == 10, timeout=10000)
    assert panel.tabs.currentWidget() is panel.similar
    rows = _similar_rows(panel)
    assert rows[0][0] == "Clip 7" and rows[0][1] > 0.99
    assert "Clip 3" not in [t for t, _ in rows]
    assert [s for _, s in rows] == sorted((s for _, s in rows), reverse=True)
    assert "Clip 3" in panel.similar.heading.text()

    # the key filter, typed, then Search Again
    qtbot.keyClicks(panel.similar.key, "G major")
    qtbot.mouseClick(panel.similar.again, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.similar.table.rowCount() == 5, timeout=10000)  # the odd clips but 3
    assert {panel.similar.table.item(r, 3).text() for r in range(5)} == {"G major"}
    assert "G major" in panel.similar.heading.text()

    # ≈ Like This on a row picked with the mouse (the filter still applies)
    panel.tabs.setCurrentWidget(page)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=_row_point(page, entries[7].file))
    qtbot.waitUntil(lambda: panel.current() is not None and panel.current().file == entries[7].file)
    panel.similar.key.clear()
    qtbot.mouseClick(panel.buttons["similar"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.similar.table.rowCount() == 10 and _similar_rows(panel)[0][0] == "Clip 3",
                    timeout=10000)

    # a double-click on a result inserts it: one undo step
    steps = w.doc.undo_stack.count()
    t = panel.similar.table
    point = t.visualItemRect(t.item(0, 0)).center()
    qtbot.mouseClick(t.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(t.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: w.doc.undo_stack.count() == steps + 1, timeout=10000)


def test_import_folder_through_the_panel_reports_what_was_skipped(make_window, qtbot, tmp_path):
    src = tmp_path / "to import"
    (src / "sub").mkdir(parents=True)
    for i in range(3):
        write_midi(tune(10 + i), src / ("sub" if i == 2 else ".") / f"piece {i}.mid")
    (src / "broken.mid").write_bytes(b"MThd\x00")
    (src / "cover.jpg").write_bytes(b"\xff\xd8")
    w = make_window(make_song())
    dock = _open(w, qtbot, 0)
    dock.controller.ask_folder = lambda: str(src)  # the folder dialog is the OS's
    qtbot.mouseClick(dock.panel.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.controller.report_dialog is not None and dock.controller.report_dialog.isVisible(),
                    timeout=15000)
    dialog = dock.controller.report_dialog
    assert "Imported 3 file(s)" in dialog.summary.text() and "skipped 2" in dialog.summary.text()
    reasons = dict(dialog.rows())
    assert "not readable MIDI" in reasons["broken.mid"] and "not a MIDI file" in reasons["cover.jpg"]
    qtbot.waitUntil(lambda: dock.panel.mine.table.rowCount() == 3, timeout=10000)
    assert {r.title for r in dock.panel.mine.table.rows} == {"piece 0", "piece 1", "piece 2"}
    assert dock.panel.import_button.text() == "Import Folder…"
    dialog.close()
    QCoreApplication.processEvents()


def test_background_latents_and_more_like_the_selection(model_window, qtbot, tiny_vae_dir):
    w = model_window(make_song())
    lib = MusicLibrary(w.paths.library_dir)
    for i in range(5):
        lib.add(tune(20 + i), f"Tune {i}")
    dock = _open(w, qtbot, 5)
    # the VAE is loaded: opening the library computes the missing latents in the background
    qtbot.waitUntil(lambda: lib.missing_latents("vae") == [], timeout=60000)
    assert lib.latent(lib.entries()[0].file, "vae").shape == (8,)  # the tiny VAE's z
    w.state.set_current_track(0)
    w.state.set_selection([0, 1, 2, 3])
    qtbot.mouseClick(dock.panel.like_selection, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dock.panel.similar.table.rowCount() == 5, timeout=30000)
    assert "selection" in dock.panel.similar.heading.text()
    scores = [s for _, s in _similar_rows(dock.panel)]
    assert scores == sorted(scores, reverse=True) and all(-1 <= s <= 1 for s in scores)


def test_the_latent_job_encodes_what_the_explorer_would(tiny_vae_dir, tmp_path):
    """``encode_missing_latents`` stores, for each clip, the VAE's latent of its melody from the
    bar before its first note; a clip without pitched notes is reported, not stored."""
    import torch

    from latentroll.models.vae.service import MelodyVAEService

    torch.set_num_threads(1)
    svc = MelodyVAEService.load(tiny_vae_dir)
    lib = MusicLibrary(tmp_path)
    late = tune(1)
    late.tracks[0].notes["start"] += 8 * 4 * PPQ  # starts in bar 9: encoded from there
    a = lib.add(late, "Late start")
    drums = Song(tracks=[Track("Drums", 0, channel=9, notes=[Note(0, 36, PPQ, 90)])])
    d = lib.add(drums, "Drums only")
    seen = []
    report = encode_missing_latents(svc, lib, progress=lambda done, total: seen.append((done, total)))
    assert report.encoded == 1 and [f for f, _ in report.skipped] == [d.file]
    expected = svc.encode([song_melody(lib.load(a.file))])[0]
    assert np.allclose(lib.latent(a.file, "vae"), expected, atol=1e-5)
    assert np.allclose(expected, svc.encode([tune(1).tracks[0]])[0], atol=1e-5)  # the same 2 bars
    assert lib.missing_latents("vae") == [d.file] and seen[-1] == (2, 2)


def test_clips_the_vae_cannot_read_are_not_retried_until_they_change(tiny_vae_dir, tmp_path):
    """The background job marks a drum-only clip it cannot encode: the next runs leave it alone (the
    model is not asked again, "More like this" does not count it as waiting), until its file changes."""
    import os

    import torch

    from latentroll.app.calls.library import SimilarRequest, similar_clips
    from latentroll.models.vae.service import MelodyVAEService

    torch.set_num_threads(1)
    svc = MelodyVAEService.load(tiny_vae_dir)
    lib = MusicLibrary(tmp_path)
    a = lib.add(tune(1), "Melody")
    d = lib.add(Song(tracks=[Track("Drums", 0, channel=9, notes=[Note(0, 36, PPQ, 90)])]), "Drums only")
    loads = []
    real_load = lib.load
    lib.load = lambda f: loads.append(f) or real_load(f)

    first = encode_missing_latents(svc, lib)
    assert first.encoded == 1 and first.skipped == [(d.file, "no pitched notes")]
    assert lib.latent_skips("vae") == {d.file: "no pitched notes"}
    loads.clear()
    again = encode_missing_latents(svc, lib)
    assert (again.encoded, again.skipped, loads) == (0, [], [])
    assert similar_clips(svc, lib, SimilarRequest(file=a.file)).missing == 0

    path = lib.path_of(d.file)
    write_midi(tune(2), path)  # the user replaced the drums with a melody
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    third = encode_missing_latents(svc, lib)
    assert third.encoded == 1 and loads == [d.file] and lib.latent(d.file, "vae") is not None
    assert lib.latent_skips("vae") == {} and lib.missing_latents("vae") == []
