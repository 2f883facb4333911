"""Every way of adding a track gives it a MIDI channel of its own (issue 14: tracks made by
"+ Track" got channel 0 like the first track, and the exported MIDI played both with one
program). Driven by clicks on the buttons a user presses."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QToolButton
from roll_helpers import make_song

from latentroll.app.gui.candidates import CandidateList
from latentroll.app.gui.clips import clip_from_track, selection_track
from latentroll.core.io.formats import write_song
from latentroll.core.library import MusicLibrary
from latentroll.core.song import Song, Track

pytestmark = pytest.mark.timeout(120)


def _channels(w) -> list[int]:
    return [t.channel for t in w.doc.song.tracks]


def test_library_plus_track_puts_each_voice_on_a_free_channel(make_window, qtbot):
    w = make_window(make_song())  # Melody on 0, Bass on 1
    MusicLibrary(w.paths.library_dir).add(make_song(), "Two voices")
    w.actions["library_panel"].trigger()
    panel = w.library_dock.panel
    qtbot.waitUntil(lambda: panel.mine.table.rowCount() == 1, timeout=10000)
    view = panel.mine.view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.model().index(0, 1)).center())
    qtbot.mouseClick(panel.buttons["track"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(w.doc.song.tracks) == 4, timeout=10000)
    assert _channels(w) == [0, 1, 2, 3]
    w.doc.undo_stack.undo()
    assert _channels(w) == [0, 1]


def test_candidate_plus_track_and_a_transfer_take_free_channels(make_window, qtbot):
    """A Generate/Explorer card's "+ Track", twice, and a transfer's Accept (a new track under
    the original): three new tracks on three new channels."""
    w = make_window(make_song())
    ctx = w.model_panels.ctx
    w.state.set_current_track(0)
    generated = clip_from_track(w.doc.song.tracks[0], "irish 1")
    transfer = clip_from_track(selection_track(w.state), "Melody → irish", keep_place=True)
    cards = CandidateList(ctx, "")
    try:
        cards.resize(400, 600)
        cards.show()
        qtbot.waitExposed(cards)
        made = cards.add([generated, transfer], ctx.insert)
        qtbot.waitUntil(lambda: all(c.isVisible() for c in made))
        plus = next(b for b in made[0].findChildren(QToolButton) if b.text() == "+ Track")
        for expected in ([0, 1, 2], [0, 1, 2, 3]):
            qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)
            assert _channels(w) == expected
        accept = next(b for b in made[1].findChildren(QPushButton) if b.text() == "Accept")
        qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
        assert _channels(w) == [0, 1, 2, 3, 4]
    finally:
        cards.close()
        cards.deleteLater()


def test_import_into_a_song_moves_clashing_tracks_to_free_channels(make_window, qtbot, tmp_path):
    w = make_window(make_song())
    other = Song(title="Other", tracks=[Track("Lead", 40, channel=0, notes=make_song().tracks[0].notes),
                                        Track("Kit", 0, channel=9, is_drum=True, notes=make_song().tracks[1].notes)])
    path = tmp_path / "other.mid"
    write_song(other, path)
    w.files.import_file("midi", path)
    qtbot.waitUntil(lambda: len(w.doc.song.tracks) == 4, timeout=10000)
    assert _channels(w) == [0, 1, 2, 9]
