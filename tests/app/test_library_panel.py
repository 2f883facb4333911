"""The Library dock: a saved selection shows up in the list and goes back into the song as one
undo step; the corpus section lists the fixture corpus, filters by style and search text,
inserts a four-voice chorale as one step, hands a tune to the explorer and drags it out; a
missing corpus says how to build it; the library's edits reach the folder."""
import shutil

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, Qt
from roll_helpers import FIXTURE_CORPUS, make_song

from latentroll.app.gui.library_panel.dialogs import PieceDetails
from latentroll.app.gui.library_panel.panel import STYLE
from latentroll.core.io.formats import read_song
from latentroll.core.library import MusicLibrary
from latentroll.core.song import PPQ, Song
from latentroll.models.data.corpus import CACHE_VERSION

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def corpus_cache(tmp_path, monkeypatch):
    """``$LATENTROLL_CACHE`` pointing at a copy of the 236-tune fixture corpus."""
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copy(FIXTURE_CORPUS, cache / f"{CACHE_VERSION}.npz")
    monkeypatch.setenv("LATENTROLL_CACHE", str(cache))
    return cache


def _open(w, qtbot):
    lib = w.library_dock
    w.actions["library_panel"].trigger()
    qtbot.waitUntil(lambda: lib.dock.isVisible())
    return lib


def _row_point(view, proxy_row):
    return view.visualRect(view.model().index(proxy_row, 1)).center()


def test_save_selection_then_insert_from_the_panel_is_one_undo_step(make_window, qtbot):
    w = make_window(make_song())
    lib = _open(w, qtbot)
    asked = []
    lib.controller.ask_details = lambda heading, d, styles: (asked.append((heading, d, styles)) or
                                                             PieceDetails("My riff", "irish", ("hook", "C"), True))
    w.state.set_current_track(0)
    w.state.set_selection([2, 3, 4])  # E F G on beats 3, 4, 5 of the melody
    w.actions["save_to_library"].trigger()
    assert asked and asked[0][1].title.endswith("Melody selection") and "german" in asked[0][2]
    page = lib.panel.mine
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
    qtbot.waitUntil(lambda: page.current() is not None)
    entry = page.current()
    assert (entry.title, entry.style, entry.tags, entry.favourite, entry.source) == \
        ("My riff", "irish", ("hook", "C"), True, "song")
    assert (w.paths.library_dir / entry.file).is_file()
    # the file is a real MIDI file: the selected notes, from bar 1
    stored = read_song(w.paths.library_dir / entry.file).tracks[0].sorted_notes()
    assert list(stored["pitch"]) == [64, 65, 67] and list(stored["start"]) == [2 * PPQ, 3 * PPQ, 4 * PPQ]
    # the preview shows it once its notes are read
    qtbot.waitUntil(lambda: len(lib.panel.preview.notes) == 3)
    assert "My riff" in lib.panel.caption.text()

    # double-click the row: into the bass track at the playhead, one undo step
    w.state.set_current_track(1)
    w.state.set_playhead(8 * 4 * PPQ)
    before = w.doc.song.copy()
    steps = w.doc.undo_stack.count()
    view = page.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_row_point(view, 0))  # a real double-click:
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_row_point(view, 0))  # press first
    qtbot.waitUntil(lambda: w.doc.undo_stack.count() == steps + 1)
    bass = w.doc.song.tracks[1]
    added = bass.notes[len(before.tracks[1].notes):]
    assert list(added["pitch"]) == [64, 65, 67]
    assert list(added["start"]) == [34 * PPQ, 35 * PPQ, 36 * PPQ]
    assert len(w.doc.song.tracks) == 2
    w.doc.undo_stack.undo()
    assert w.doc.song == before

    # a second window (another app instance) over the same folder sees it
    assert [e.title for e in MusicLibrary(w.paths.library_dir).entries()] == ["My riff"]


def test_library_filter_edit_favourite_and_delete(make_window, qtbot):
    w = make_window(make_song())
    lib = MusicLibrary(w.paths.library_dir)
    song = make_song()
    lib.add(song, "Waltz idea", style="german", tags="sketch")
    lib.add(song, "Reel B part", style="fiddle", tags="sketch, fast")
    lib.add(song, "Lullaby", tags="slow")
    dock = _open(w, qtbot)
    page, c = dock.panel.mine, dock.controller
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=10000)
    page.search.setText("REEL")
    page.apply_query()
    assert page.proxy.rowCount() == 1
    page.search.clear()
    assert page.set_filter("tag", "sketch")
    assert page.proxy.rowCount() == 2 and page.count.text() == "2 of 3 pieces"
    assert page.set_filter(STYLE, "fiddle")
    assert page.proxy.rowCount() == 1
    page.set_filter("all")
    assert page.proxy.rowCount() == 3

    # edit: a new name renames the file; tags and favourite are kept in the index
    lullaby = next(r for r in page.table.rows if r.title == "Lullaby")
    c.ask_details = lambda heading, d, styles: PieceDetails("Cradle song", d.style, ("slow", "night"), True)
    assert c.edit(lullaby, dock.panel._select_entry)
    qtbot.waitUntil(lambda: any(r.title == "Cradle song" for r in page.table.rows), timeout=10000)
    assert (w.paths.library_dir / "Cradle song.mid").is_file() and not (w.paths.library_dir / "Lullaby.mid").exists()
    assert page.current().title == "Cradle song" and page.current().favourite
    assert page.set_filter("fav")
    assert page.proxy.rowCount() == 1

    # delete asks first; "no" keeps it
    cradle = page.current()
    c.confirm = lambda text: False
    assert not c.delete(cradle)
    c.confirm = lambda text: "Cradle song" in text
    assert c.delete(cradle)
    qtbot.waitUntil(lambda: page.table.rowCount() == 2, timeout=10000)
    assert not (w.paths.library_dir / "Cradle song.mid").exists()


def test_corpus_section_lists_filters_and_inserts(make_window, qtbot, corpus_cache):
    w = make_window(make_song())
    dock = _open(w, qtbot)
    panel = dock.panel
    panel.tabs.setCurrentWidget(panel.corpus)
    page = panel.corpus
    qtbot.waitUntil(lambda: page.table.rowCount() == 236, timeout=15000)
    assert page.count.text() == "236 tunes" and not page.note.isVisible()
    assert page.set_filter(STYLE, "chorale")
    assert page.proxy.rowCount() == 36
    assert {page.proxy.row(page.proxy.index(r, 0)).style for r in range(36)} == {"chorale"}
    assert page.count.text() == "36 of 236 tunes"
    page.set_filter("all")
    page.search.setText("irish")
    page.apply_query()
    expected = sum(r.style == "irish" or "irish" in r.title.lower() for r in page.table.rows)
    assert expected >= 40 and page.proxy.rowCount() == expected
    word = max(next(r for r in page.table.rows if r.style == "irish").title.split(), key=len)
    page.search.setText(f"IRISH {word}")  # every word must match, in any case
    page.apply_query()
    shown = [page.proxy.row(page.proxy.index(r, 0)) for r in range(page.proxy.rowCount())]
    assert 0 < len(shown) < expected and all(word.lower() in r.title.lower() for r in shown)
    page.search.clear()
    page.apply_query()

    # sorting by a column is done by the source model; the proxy keeps the filter
    page.set_filter(STYLE, "chorale")
    page.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # bars, longest first
    bars = [page.proxy.row(page.proxy.index(r, 0)).bars for r in range(page.proxy.rowCount())]
    assert len(bars) == 36 and bars == sorted(bars, reverse=True)

    # a chorale goes in as four new tracks, one undo step
    assert page.select_key(page.proxy.row(page.proxy.index(0, 0)).index)
    chorale = panel.current()
    assert chorale.voices == 4 and chorale.title.startswith("Chorale BWV")
    before = w.doc.song.copy()
    steps = w.doc.undo_stack.count()
    w.state.set_playhead(4 * 4 * PPQ)
    panel.act("insert")
    assert w.doc.undo_stack.count() == steps + 1
    assert [t.name for t in w.doc.song.tracks[2:]] == [f"{chorale.title}: {v}" for v in ("Soprano", "Alto", "Tenor",
                                                                                        "Bass")]
    soprano = w.doc.song.tracks[2].sorted_notes()
    assert soprano["start"].min() >= 4 * 4 * PPQ
    w.doc.undo_stack.undo()
    assert w.doc.song == before

    # "→ Explorer" puts its melody in the session's clip list
    clips = w.model_panels.ctx.shelf
    panel.act("explorer")
    assert len(clips.clips) == 1 and clips.clips[0].name.endswith("Soprano")
    assert np.array_equal(clips.clips[0].track.notes["pitch"], w.model_panels.ctx.shelf.clips[0].track.notes["pitch"])

    # drag out: a real .mid in the drag folder with all four voices
    path = dock.controller.drag_file(chorale)
    assert path.parent == w.paths.drag_dir and len(read_song(path).tracks) == 4

    # a one-voice tune goes into the current track
    page.set_filter(STYLE, "german")
    page.select_key(page.proxy.row(page.proxy.index(0, 0)).index)
    tune = panel.current()
    w.state.set_current_track(0)
    n0 = len(w.doc.song.tracks[0].notes)
    panel.act("insert")
    assert len(w.doc.song.tracks) == 2 and len(w.doc.song.tracks[0].notes) > n0
    assert len(panel.preview.notes) > 0 and tune.title in panel.caption.text()


def test_corpus_copy_goes_to_my_library(make_window, qtbot, corpus_cache):
    w = make_window(make_song())
    dock = _open(w, qtbot)
    panel = dock.panel
    panel.tabs.setCurrentWidget(panel.corpus)
    qtbot.waitUntil(lambda: panel.corpus.table.rowCount() == 236, timeout=15000)
    panel.corpus.set_filter(STYLE, "irish")
    panel.corpus.select_key(panel.corpus.proxy.row(panel.corpus.proxy.index(0, 0)).index)
    tune = panel.current()
    dock.controller.ask_details = lambda heading, d, styles: d  # keep the offered title and style
    panel.act("save_tune")
    qtbot.waitUntil(lambda: panel.mine.table.rowCount() == 1, timeout=10000)
    [entry] = panel.mine.table.rows
    assert (entry.title, entry.style, entry.source) == (tune.title, "irish", "corpus")


def test_missing_corpus_says_how_to_build_it(make_window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("LATENTROLL_CACHE", str(tmp_path / "empty-cache"))
    w = make_window(make_song())
    dock = _open(w, qtbot)
    dock.panel.tabs.setCurrentWidget(dock.panel.corpus)
    page = dock.panel.corpus
    qtbot.waitUntil(lambda: "latentroll data build" in page.note.text(), timeout=10000)
    assert page.note.isVisible() and page.table.rowCount() == 0
    assert not dock.panel.buttons["insert"].isEnabled()


def test_nothing_selected_and_a_damaged_index_are_told(make_window, qtbot):
    w = make_window(make_song())
    w.paths.library_dir.mkdir(parents=True)
    MusicLibrary(w.paths.library_dir).add(make_song(), "Kept")
    (w.paths.library_dir / "library.json").write_text("{broken")
    dock = _open(w, qtbot)
    qtbot.waitUntil(lambda: dock.panel.mine.table.rowCount() == 1, timeout=10000)
    assert any("rebuilt" in n.text for n in w.notifier.history)
    w.doc.replace(Song())  # an empty song: nothing to save
    QCoreApplication.processEvents()
    dock.controller.ask_details = lambda *a: pytest.fail("no form without notes")
    assert not dock.save_selection()
    assert "Select some notes" in w.notifier.history[-1].text


def test_play_auditions_through_the_player_and_stops(make_window, qtbot):
    played = []

    class FakePlayer:
        is_playing = False

        def play(self, song, start_tick=0):
            played.append(song)
            self.is_playing = True

        def stop(self):
            self.is_playing = False

        def on_position(self, cb):
            return lambda: None

        def close(self):
            pass

    w = make_window(make_song())
    player = FakePlayer()
    w.playback._set_audio(player)
    MusicLibrary(w.paths.library_dir).add(make_song(), "Two voices")  # melody + bass: heard together
    dock = _open(w, qtbot)
    panel = dock.panel
    qtbot.waitUntil(lambda: panel.mine.table.rowCount() == 1, timeout=10000)
    panel.mine.select_key("Two voices.mid")
    panel.buttons["play"].click()
    qtbot.waitUntil(lambda: len(played) == 1, timeout=10000)
    assert [len(t.notes) for t in played[0].tracks] == [8, 3]
    qtbot.waitUntil(lambda: panel.buttons["play"].text() == "■ Stop")
    panel.buttons["play"].click()
    assert not player.is_playing
    qtbot.waitUntil(lambda: panel.buttons["play"].text() == "▶ Play")
    # without an output device it says so instead
    w.playback._set_audio(None)
    panel.buttons["play"].click()
    assert "Can't play" in w.notifier.history[-1].text


def test_library_actions_are_in_the_menus_with_a_free_shortcut(window):
    toggle = window.actions["library_panel"]
    assert toggle.shortcut().toString() == "Ctrl+Shift+L"
    others = [a for name, a in window.actions.items() if name != "library_panel"]
    assert all(toggle.shortcut() not in a.shortcuts() for a in others)
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions() if a.menu() is not None}
    assert toggle in menus["View"].actions()
    assert window.actions["save_to_library"] in menus["Edit"].actions()
    toggle.trigger()
    assert window.library_dock.dock.isVisible()
