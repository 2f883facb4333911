"""Text that no longer gets cut: a clip inserted as a track gets a short name (the whole one in
its tooltip), the instrument box opens a list grouped by GM family that typing filters, and
labels shorten with "…" instead of widening their panel."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from latentroll.app.gui.clip_widgets import ClipActions
from latentroll.app.gui.clips import TRACK_NAME_CHARS, clip_from_track, short_track_name
from latentroll.app.gui.elided_label import ElidedLabel
from latentroll.app.gui.instruments import GM_FAMILIES
from latentroll.core.song import Note, Track

LONG = "Piano selection @ bar 1 → irish 2: Step 3"


def test_short_track_names_keep_what_says_most():
    assert short_track_name(LONG) == "irish 2: Step 3"
    assert short_track_name("Piano selection @ bar 12") == "Piano selection"
    assert short_track_name("irish 1") == "irish 1"
    cut = short_track_name("a rather long name that goes on and on")
    assert len(cut) == TRACK_NAME_CHARS and cut.endswith("…")


def test_a_clip_inserted_as_a_track_gets_a_short_name_and_its_whole_name_as_tooltip(make_window, qtbot):
    w = make_window()
    clip = clip_from_track(Track(notes=[Note(0, 60, 480), Note(480, 62, 480)]), LONG, "explorer")
    actions = ClipActions(lambda: clip, lambda c: None, w.model_panels.ctx.insert, None)
    qtbot.addWidget(actions)
    actions.show()
    qtbot.mouseClick(actions.buttons["track"], Qt.MouseButton.LeftButton)  # "+ Track"
    track = w.doc.song.tracks[-1]
    assert len(w.doc.song.tracks) == 2 and len(track.notes) == 2
    assert track.name == "irish 2: Step 3"
    row = w.track_list.rows[-1]
    assert row.name_edit.text() == "irish 2: Step 3"
    assert LONG in row.name_edit.toolTip()
    assert LONG in w.doc.undo_stack.undoText()  # the Edit menu says what was inserted


def test_instrument_list_is_grouped_by_family_and_typing_filters_it(make_window, qtbot):
    w = make_window()
    row = w.track_list.rows[0]
    qtbot.mouseClick(row.program, Qt.MouseButton.LeftButton)
    popup = row.program.popup
    qtbot.waitUntil(lambda: popup is not None and popup.isVisible())
    assert [f.text(0) for f in popup.families][:len(GM_FAMILIES)] == list(GM_FAMILIES)
    assert [popup.families[3].child(i).text(0) for i in range(2)] == ["25 Acoustic Guitar (nylon)",
                                                                      "26 Acoustic Guitar (steel)"]
    assert popup.filter.hasFocus()

    qtbot.keyClicks(popup.filter, "viol")
    assert [it.text(0) for it in popup.visible_entries()] == ["41 Violin", "42 Viola"]
    qtbot.keyClick(popup.filter, Qt.Key.Key_Down)
    qtbot.keyClick(popup.filter, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert w.doc.song.tracks[0].program == 41  # Viola
    assert row.program.currentIndex() == 41 and "Viola" in row.program.toolTip()
    w.doc.undo_stack.undo()
    assert w.doc.song.tracks[0].program == 0

    # a family name filters too; a click on an entry picks it
    qtbot.mouseClick(row.program, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(popup.filter, "brass")
    shown = popup.visible_entries()
    assert len(shown) == 8 and shown[0].text(0) == "57 Trumpet"
    rect = popup.tree.visualItemRect(shown[2])
    qtbot.mouseClick(popup.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.doc.song.tracks[0].program == 58  # Tuba
    qtbot.mouseClick(row.program, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(popup.filter, "drum kit")
    qtbot.keyClick(popup.filter, Qt.Key.Key_Return)
    assert w.doc.song.tracks[0].is_drum and w.doc.song.tracks[0].channel == 9


def test_elided_label_gives_way_and_tells_the_whole_text(qtbot):
    text = "Selected: Piano selection @ bar 1 → irish 2: Step 3"
    label = ElidedLabel(text)
    qtbot.addWidget(label)
    plain = QLabel(text)
    qtbot.addWidget(plain)
    assert label.minimumSizeHint().width() < plain.minimumSizeHint().width() / 3
    label.resize(120, 20)
    label.show()
    assert label.shown_text().endswith("…") and len(label.shown_text()) < len(text)
    assert text in label.toolTip()
    label.resize(plain.sizeHint().width() + 20, 20)
    assert label.shown_text() == text and label.toolTip() == ""
