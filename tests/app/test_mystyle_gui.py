"""My style in the Generate panel, driven as a user drives it: open "My style…", add melody
files, type a name, press Train; the style joins the panel's style list (picked), and Generate
writes melodies in it (through the model process, against the tiny VAE); the explorer's map
marks it."""
import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from latentroll.core.io.formats import write_song
from latentroll.models.data.corpus import Corpus

pytestmark = pytest.mark.timeout(240)
FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "fixtures", "corpus_small.npz")


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_fit_a_style_and_generate_in_it(model_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("LATENTROLL_MYSTYLE_DIR", str(tmp_path / "styles"))
    paths = []
    for i, t in enumerate([t for t in Corpus.load(FIXTURE).tunes if t.style == "chorale"][:3]):
        paths.append(str(tmp_path / f"hymn{i}.mid"))
        write_song(t.to_song(), paths[-1])
    from latentroll.app.gui.generate import my_style

    monkeypatch.setattr(my_style.QFileDialog, "getOpenFileNames", lambda *a, **k: (paths, ""))
    w = model_window()
    panel = w.model_panels.generate
    click(qtbot, panel.my_style_button)
    dialog = panel.my_style_button.dialog
    qtbot.waitUntil(dialog.isVisible)

    click(qtbot, dialog.train_button)  # nothing picked yet: a notice, no job
    assert "give the style a name" in dialog.notice.text()
    add = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Add files…")
    click(qtbot, add)
    assert dialog.list.count() == 3
    w.state.set_current_track(0)
    click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "Add selection"))
    assert dialog.list.count() == 4 and dialog.melodies[-1].name == w.doc.song.tracks[0].name
    qtbot.keyClicks(dialog.name, "my hymns")
    click(qtbot, dialog.train_button)
    qtbot.waitUntil(lambda: "Saved 'my hymns'" in dialog.notice.text(), timeout=60000)
    assert dialog.yours.count() == 1 and dialog.yours.item(0).text() == "my hymns"
    assert "4 melodies" in dialog.yours.item(0).toolTip()

    # the panel lists it after the corpus styles, picked
    names = [panel.styles.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.styles.count())]
    assert names[-1] == "my hymns" and panel.style == "my hymns"
    before = len(panel.cards)
    click(qtbot, panel.generate_button)
    qtbot.waitUntil(lambda: len(panel.cards) >= before + panel.variations.value(), timeout=60000)
    assert all(c.clip.name.startswith("my hymns") for c in panel.cards[: panel.variations.value()])

    # a taken name is refused in the dialog
    click(qtbot, dialog.train_button)
    assert "exists" in dialog.notice.text()
    dialog.close()

    # the explorer's map marks the style at its centre, named, with a legend entry
    panels = w.model_panels
    panels.show_explorer()
    qtbot.waitUntil(lambda: panels.explorer is not None, timeout=30000)
    tab = panels.explorer.map
    with qtbot.waitSignal(tab.pointsShown, timeout=10000):
        panels.explorer.show_tab("map")
    assert len(tab.my_styles_item.data) == 1
    assert [label.toPlainText() for label in tab.my_style_labels] == ["my hymns"]
    assert "Your styles" in [label.text for _sample, label in tab.legend.items]
    pts = tab.ctx.host.info("vae").map_points
    x, y = tab.my_styles_item.data["x"][0], tab.my_styles_item.data["y"][0]
    assert pts[:, 0].min() <= x <= pts[:, 0].max() and pts[:, 1].min() <= y <= pts[:, 1].max()


def test_melodies_from_the_library_are_picked_from_its_own_list(model_window, qtbot, tmp_path, monkeypatch):
    """"From library…" lists the music library's clips (not a file dialog): a search narrows the
    list, clicks (Ctrl for more) pick clips, Add puts their melodies in the dialog, and a style
    trains on them; a drum-only clip is refused with a notice."""
    from PySide6.QtWidgets import QFileDialog

    from latentroll.core.library import MusicLibrary
    from latentroll.core.song import Song, Track

    monkeypatch.setenv("LATENTROLL_MYSTYLE_DIR", str(tmp_path / "styles"))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: pytest.fail("a file dialog opened"))
    w = model_window()
    lib = MusicLibrary(w.paths.library_dir)
    for i, t in enumerate([t for t in Corpus.load(FIXTURE).tunes if t.style == "irish"][:3]):
        lib.add(t.to_song(), f"Reel {i + 1}", style="irish")
    drums = lib.add(Song(tracks=[Track("Kit", 0, channel=9, is_drum=True,
                                       notes=lib.load(lib.entries()[0].file).tracks[0].notes.copy())]), "Beat")

    panel = w.model_panels.generate
    click(qtbot, panel.my_style_button)
    dialog = panel.my_style_button.dialog
    qtbot.waitUntil(dialog.isVisible)
    click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "From library…"))
    picker = dialog.library_picker
    qtbot.waitUntil(picker.isVisible)
    assert picker.list.count() == 4 and not picker.add_button.isEnabled()
    qtbot.keyClicks(picker.search, "reel")
    assert [picker.list.item(r).text().split("  ")[0] for r in range(picker.list.count())] == \
        ["Reel 1", "Reel 2", "Reel 3"]

    def row_click(row, modifier=Qt.KeyboardModifier.NoModifier):
        rect = picker.list.visualItemRect(picker.list.item(row))
        qtbot.mouseClick(picker.list.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())

    row_click(0)
    row_click(2, Qt.KeyboardModifier.ControlModifier)
    row_click(1, Qt.KeyboardModifier.ControlModifier)
    assert [e.title for e in picker.chosen()] == ["Reel 1", "Reel 2", "Reel 3"]
    click(qtbot, picker.add_button)
    qtbot.waitUntil(lambda: not picker.isVisible())
    assert [dialog.list.item(r).text().split(" — ")[0] for r in range(dialog.list.count())] == \
        ["Reel 1", "Reel 2", "Reel 3"]
    assert all(len(m.notes) > 0 and not m.is_drum for m in dialog.melodies)

    # a drum-only clip: a notice, nothing added
    click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "From library…"))
    qtbot.waitUntil(picker.isVisible)
    assert picker.search.text() == "" and picker.list.count() == 4
    beat = next(r for r in range(picker.list.count()) if picker.list.item(r).text().startswith("Beat"))
    row_click(beat)
    click(qtbot, picker.add_button)
    assert dialog.list.count() == 3 and "no melody" in dialog.notice.text() and drums.title in dialog.notice.text()

    qtbot.keyClicks(dialog.name, "library reels")
    click(qtbot, dialog.train_button)
    qtbot.waitUntil(lambda: "Saved 'library reels'" in dialog.notice.text(), timeout=60000)
    assert "3 melodies" in dialog.yours.item(0).toolTip()
    dialog.close()
