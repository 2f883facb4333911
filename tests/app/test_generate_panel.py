"""The Generate / Style panel against a tiny exported VAE (run in the model process):
candidates appear, accepting one is one undo step, the song's key constrains the notes, a
superseded request's result is dropped, a transfer replaces its notes or joins as a track, and a missing
model reaches the user."""
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QToolButton
from roll_helpers import BAR, frozen, notes_set

from latentroll.app.calls.generate import GenerateRequest
from latentroll.app.gui.models_host import MISSING
from latentroll.core.commands import set_key
from latentroll.core.song import PPQ, Track
from latentroll.core.theory import Scale

pytestmark = pytest.mark.timeout(180)


def _panel(w):
    return w.model_panels.generate


def _generate(qtbot, w, **kw):
    panel = _panel(w)
    before = len(panel.cards)
    req = GenerateRequest(style=kw.pop("style", None), temperature=kw.pop("temperature", 1.0),
                          variations=kw.pop("variations", 3), bars=kw.pop("bars", 2),
                          scale=kw.pop("scale", panel.scale), seed=kw.pop("seed", 7))
    assert panel.generate(req) is not None
    qtbot.waitUntil(lambda: len(panel.cards) == before + req.variations, timeout=30000)
    return panel.cards[: req.variations]


def test_generate_then_accept_is_one_undo_step(model_window, qtbot):
    w = model_window()
    panel = _panel(w)
    assert panel.controls.isEnabled()
    assert panel.styles.count() == 1 + len(w.model_panels.host.info("vae").styles)
    cards = _generate(qtbot, w, variations=3, bars=4)
    assert [c.clip.source for c in cards] == ["generated"] * 3
    for card in cards:
        notes = card.clip.track.notes
        assert len(notes) > 0 and notes["start"].min() >= 0
        assert (notes["start"] + notes["duration"]).max() <= 4 * 4 * PPQ
    # the candidates are in the shared clip list (pickable in the explorer)
    assert {c.clip.uid for c in cards} <= {c.uid for c in w.model_panels.ctx.shelf.clips}

    before = w.doc.song.copy()
    w.state.set_current_track(0)
    w.state.set_playhead(2 * 4 * PPQ)
    clip = cards[0].clip
    cards[0].acceptRequested.emit(clip, False)
    added = w.doc.song.tracks[0].notes[len(before.tracks[0].notes):]
    expected = clip.track.notes.copy()
    expected["start"] += 2 * 4 * PPQ
    assert np.array_equal(np.sort(added, order=["start", "pitch"]), np.sort(expected, order=["start", "pitch"]))
    assert len(w.state.selection) == len(expected)  # the inserted notes are selected
    assert w.state.playhead == 2 * 4 * PPQ + 4 * 4 * PPQ  # past the clip: the next accept follows on
    assert w.doc.undo_stack.count() == 1
    w.doc.undo_stack.undo()
    assert w.doc.song == before
    w.doc.undo_stack.redo()
    assert w.doc.song.note_count() == before.note_count() + len(expected)
    w.doc.undo_stack.undo()

    cards[1].acceptRequested.emit(cards[1].clip, True)  # as a new track
    assert len(w.doc.song.tracks) == len(before.tracks) + 1
    assert w.state.current_track == len(before.tracks)
    w.doc.undo_stack.undo()
    assert w.doc.song == before


def test_key_follows_the_song_and_constrains_notes(model_window, qtbot):
    w = model_window()
    panel = _panel(w)
    w.doc.push(set_key(9, "minor"))
    assert panel.scale == Scale(9, "minor")
    cards = _generate(qtbot, w, variations=4, temperature=1.5)
    pcs = set(np.concatenate([c.clip.track.notes["pitch"] % 12 for c in cards]).tolist())
    assert pcs and pcs <= set(Scale(9, "minor").pitch_classes)
    # a key the user picked sticks even when the song's key changes
    panel.tonic.setCurrentIndex(2)
    panel.tonic.activated.emit(2)
    w.doc.push(set_key(0, "major"))
    assert panel.scale.tonic == 2


def test_superseded_request_is_dropped(model_window, qtbot):
    w = model_window()
    panel = _panel(w)
    first = panel.generate(GenerateRequest(None, 1.0, variations=2, bars=2, seed=1))
    second = panel.generate(GenerateRequest(None, 1.0, variations=5, bars=2, seed=2))
    assert first is not None and second is not None and first.cancelled
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=30000)
    assert len(panel.cards) == 5
    assert panel.generate_button.text() == "Generate"


def _card_button(card, cls, text):
    return next(b for b in card.findChildren(cls) if b.text() == text)


def test_transfer_accept_replaces_the_notes_and_plus_track_adds_a_track(model_window, qtbot):
    """A transfer's card (issue 14): Accept (clicked) replaces the selected notes where they
    were, "+ Track" (clicked) puts the restyled melody on a new track under its source on a
    free channel; each is one undo step that restores the song exactly."""
    w = model_window()
    panel = _panel(w)
    panel.set_style("irish")
    panel.temperature.setValue(1.0)
    w.state.set_current_track(0)
    w.state.set_selection(range(4, 8))  # bar 2 of the melody: bar 1 stays as it is
    before = frozen(w.doc.song)
    melody = w.doc.song.tracks[0].notes.copy()
    assert panel.transfer(seed=5) is not None
    qtbot.waitUntil(lambda: len(panel.cards) == 1, timeout=30000)
    card = panel.cards[0]
    clip = card.clip
    assert clip.anchor == BAR and len(clip.track.notes) > 0
    restyled = clip.track.notes.copy()
    restyled["start"] += clip.anchor
    qtbot.waitUntil(card.isVisible)
    plus = _card_button(card, QToolButton, "+ Track")
    assert plus.isVisible()
    w.state.set_playhead(8 * BAR)  # ignored: a transfer returns to its place

    steps = w.doc.undo_stack.count()
    qtbot.mouseClick(_card_button(card, QPushButton, "Accept"), Qt.MouseButton.LeftButton)
    song = w.doc.song
    assert w.doc.undo_stack.count() == steps + 1 and len(song.tracks) == 2
    assert notes_set(song.tracks[0]) == notes_set(Track(notes=np.concatenate([melody[:4], restyled])))
    assert frozen(song)[1] == before[1]  # the bass: untouched
    w.doc.undo_stack.undo()
    assert frozen(w.doc.song) == before

    qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)
    song = w.doc.song
    assert w.doc.undo_stack.count() == steps + 1 and len(song.tracks) == 3
    assert np.array_equal(song.tracks[0].notes, melody)
    new = song.tracks[1]
    assert notes_set(new) == notes_set(Track(notes=restyled))
    assert new.channel not in (0, 1) and new.program == song.tracks[0].program
    assert w.state.current_track == 1
    w.doc.undo_stack.undo()
    assert frozen(w.doc.song) == before


def test_missing_weights_reach_the_user(make_window, tmp_path, monkeypatch, qtbot):
    monkeypatch.setenv("LATENTROLL_VAE_DIR", str(tmp_path / "no_model_here"))
    w = make_window()
    host = w.model_panels.host
    with qtbot.waitSignal(w.notifier.notified, timeout=20000) as blocker:
        w.model_panels.show_generate()  # opening a model panel starts the load
    note = blocker.args[0]
    assert note.level == "error" and "no_model_here" in note.text and "latentroll train vae" in note.text
    assert host.status("vae") == MISSING
    panel = _panel(w)
    assert not panel.controls.isEnabled()
    assert panel.banner.retry.isVisibleTo(panel) and "no_model_here" in panel.banner.label.text()
    assert "missing weights" in w.model_panels.status_label.text()
    # using it anyway says why instead of failing silently
    with qtbot.waitSignal(w.notifier.notified, timeout=5000) as blocker:
        assert panel.generate() is None
    assert "no_model_here" in blocker.args[0].text


def test_gui_modules_do_not_import_torch_or_pyqtgraph():
    """Cold start: the window and the model panels import neither torch nor pyqtgraph."""
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication; app = QApplication([])\n"
        "import tempfile\n"
        "from latentroll.app.gui.main_window import MainWindow\n"
        "from latentroll.app.gui.paths import AppPaths\n"
        "w = MainWindow(paths=AppPaths.under(tempfile.mkdtemp()), dialogs=False, probe_audio=False,"
        " check_recovery=False)\n"
        "w.show(); app.processEvents()\n"
        "print(sorted(m for m in ('torch', 'pyqtgraph') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
