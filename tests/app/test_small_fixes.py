"""The smaller inconsistencies of the field test: style names as the user reads them, Home brings
bar 1 into view, dialogs open where the user last was, a saved song takes its file's name."""
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialogButtonBox
from roll_helpers import make_song

from latentroll.app.gui.document import DEFAULT_TITLE
from latentroll.app.gui.library_panel.dialogs import DetailsDialog, PieceDetails
from latentroll.app.gui.model_controls import StyleList
from latentroll.core.audio.render import stem_paths
from latentroll.core.song import PPQ

IRISH = "Irish dance tunes and airs (O'Neill's Music of Ireland, 1850 melodies)"


def test_save_to_library_lists_styles_by_name_and_keeps_their_ids(qtbot):
    dialog = DetailsDialog("Save to Library", PieceDetails("A tune", "scottish_air"), ["irish", "scottish_air"])
    qtbot.addWidget(dialog)
    combo = dialog.style
    assert [combo.itemText(i) for i in range(combo.count())] == ["", "Irish", "Scottish air"]
    assert combo.currentText() == "Scottish air" and dialog.details().style == "scottish_air"
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "irish")  # typed, any case: the listed style
    assert dialog.details().style == "irish"
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), "Sea shanty")  # one of the user's own
    assert dialog.details().style == "Sea shanty"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()


def test_style_list_shows_names_that_fit_and_the_chosen_ones_description(qtbot):
    styles = StyleList()
    qtbot.addWidget(styles)
    styles.fill((("irish", IRISH), ("scottish_air", "Scottish airs (Aird's Airs)")))
    styles.resize(220, styles.height())
    styles.show()
    texts = [styles.item(i).text() for i in range(styles.count())]
    assert texts == ["Any style", "Irish", "Scottish air"]
    assert all(styles.fontMetrics().horizontalAdvance(t) < styles.viewport().width() for t in texts)
    rect = styles.visualItemRect(styles.item(1))
    qtbot.mouseClick(styles.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert styles.style == "irish" and styles.caption.text() == IRISH and styles.caption.wordWrap()


def test_home_brings_bar_one_into_view(make_window, qtbot):
    w = make_window(make_song())
    view = w.editor.view
    view.set_zoom(sx=0.5)
    view._update_extent()
    w.state.set_playhead(40 * PPQ)
    bar = view.horizontalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.value() > 0
    w.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    QCoreApplication.processEvents()
    assert w.state.playhead == 0
    assert bar.value() == bar.minimum()
    assert 0 <= view.mapping().x(0) <= view.viewport().width()


def test_a_saved_song_takes_its_files_name_and_dialogs_open_where_the_user_was(make_window, tmp_path, qtbot):
    w = make_window()  # File ▸ New: "Untitled"
    assert w.doc.song.title == DEFAULT_TITLE
    fresh = w.files.folder()
    work = tmp_path / "work"
    work.mkdir()
    with qtbot.waitSignal(w.files.saved, timeout=10000):
        w.files.save_as(work / "Sea Song.lrproj")
    assert w.doc.song.title == "Sea Song" and not w.doc.modified
    song = w.files.export_copy()
    assert stem_paths(song, tmp_path)[0].name.startswith("Sea_Song_01_")
    assert w.files.folder() == str(work)

    # a new song has no folder of its own: the dialogs open where the user last saved or exported
    w.files._new()
    assert w.files.folder() == str(work.resolve()) != fresh
    out = tmp_path / "exports"
    out.mkdir()
    with qtbot.waitSignal(w.files.exported, timeout=10000):
        w.files.export_song("midi", out / "song.mid")
    assert Path(w.files.folder()) == out.resolve()
    assert w.files.export_copy().title == DEFAULT_TITLE  # nothing to name it after yet


def test_in_key_starts_the_same_in_generate_and_tools(make_window):
    """One rule for "In key" everywhere: ticked when the song's notes keep to its key."""
    w = make_window(make_song())  # C major notes in C major
    panels = w.model_panels
    choosers = [panels.generate.key, *(panels.tools.pages[t].key for t in ("continue", "harmonize", "infill"))]
    assert [k.in_key.isChecked() for k in choosers] == [True] * 4
    assert all(k.scale == w.state.scale for k in choosers)

    out_of_key = make_song()
    out_of_key.tracks[0].notes["pitch"][3] = 66  # an F# in "C major": the key field is not the melody's
    w.doc.replace(out_of_key)
    assert [k.in_key.isChecked() for k in choosers] == [False] * 4


def test_generated_candidates_say_which_model_wrote_them(model_window, qtbot):
    w = model_window()
    gen = w.model_panels.generate
    gen.variations.setValue(2)
    qtbot.mouseClick(gen.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(gen.cards) == 2 and not w.jobs.busy, timeout=60000)
    assert gen.bars.value() == 4  # the default clip: the 4-bar VAE writes it
    assert [c.clip.name for c in gen.cards] == ["any style 1 (VAE 4-bar)", "any style 2 (VAE 4-bar)"]
