"""The chord tools in the app: Suggest chords (candidates heard voiced under the melody, Accept into
the chord lane as one undo step), Bass line (Accept adds a track), a song with no chords asks for
them, Detect chords fills the lane, and Track ▸ Chords → Track voices the chord track.

The model calls are served by a stand-in service in the test's process (the real ones are H7's
and tested there); what is tested is the panel: clicks, cards, accepts, undo."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QToolButton
from roll_helpers import BAR, make_song

from latentroll.app.gui.chord_voicing import PAD_PROGRAM, voicing
from latentroll.core.chords import ChordEvent, parse_chord
from latentroll.core.song import NOTE_DTYPE, Track
from latentroll.models.common.protocol import ServiceInfo


class FakeProgression:
    def __init__(self, text):
        self.chords = [ChordEvent(i * BAR // 2, parse_chord(s)) for i, s in enumerate(text.split())]


class FakeChordService:
    """Stands in for the chord and bass services: fixed answers, the calls recorded."""

    def __init__(self):
        self.calls = []

    def suggest(self, song, n=3, rhythm="bar", vocab="simple", style="songbook"):
        self.calls.append(("suggest", n, rhythm, vocab, style, len(song.tracks)))
        return [FakeProgression("C F G C"), FakeProgression("Am Dm G7 C")][:n]

    def bass(self, song, style, seed=0):
        self.calls.append(("bass", style))
        notes = np.array([(c.tick, BAR // 2, 36 + c.symbol.root, 90) for c in song.chords], dtype=NOTE_DTYPE)
        return Track(name="Bass", program=32, notes=notes)


@pytest.fixture
def tools(make_window, monkeypatch):
    w = make_window(make_song())
    panel = w.model_panels.tools
    svc = FakeChordService()
    host = panel.host

    def start(key, what, job, *args, label="", on_result=None, **_kw):
        assert key in ("chords", "bass"), key
        on_result(job(svc, *args, progress=None))
        return None

    monkeypatch.setattr(host, "start", start)
    monkeypatch.setattr(host, "ready", lambda key: True)
    monkeypatch.setattr(host, "ensure_loaded", lambda *a, **k: None)
    panel._refresh_enabled()
    w.model_panels.show_tool("chords")
    panel.svc = svc
    return w, panel


def card_button(card, text):
    buttons = card.findChildren(QPushButton) + card.findChildren(QToolButton)
    return next(b for b in buttons if b.text() == text)


def test_suggest_accept_into_the_lane_one_undo_step(tools, qtbot):
    w, panel = tools
    page = panel.pages["chords"]
    page.count.setValue(2)
    page.rhythm.setCurrentIndex(1)  # two chords a bar
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert panel.svc.calls == [("suggest", 2, "half", "simple", "songbook", 2)]
    cards = panel.lists["chords"].cards
    assert [c.clip.name for c in cards] == ["1. C F G C", "2. Am Dm G7 C"]
    # the card is the progression voiced: C's close voicing at tick 0
    first = cards[0].clip.track.notes
    assert sorted(first["pitch"][first["start"] == 0].tolist()) == voicing(parse_chord("C"))
    played = []
    panel.ctx.audition.play_song = lambda uid, name, song: played.append((name, [t.name for t in song.tracks]))
    qtbot.mouseClick(card_button(cards[1], "▶"), Qt.MouseButton.LeftButton)
    assert played and played[0][0] == "2. Am Dm G7 C" and len(played[0][1]) == 2  # melody + voiced chords
    steps = w.doc.undo_stack.count()
    qtbot.mouseClick(card_button(cards[1], "Accept"), Qt.MouseButton.LeftButton)
    assert [(c.tick, c.symbol.text) for c in w.doc.song.chords] == [
        (0, "Am"), (BAR // 2, "Dm"), (BAR, "G7"), (3 * BAR // 2, "C")]
    assert w.doc.undo_stack.count() == steps + 1
    w.doc.undo_stack.undo()
    assert w.doc.song.chords == []


def test_accept_replaces_only_the_selected_bars(tools, qtbot):
    w, panel = tools
    w.doc.song.chords = [ChordEvent(0, parse_chord("E")), ChordEvent(BAR, parse_chord("B7"))]
    w.state.set_current_track(0)
    melody = w.doc.song.tracks[0].notes
    w.state.set_selection(np.flatnonzero(melody["start"] >= BAR))  # bar 2 only
    qtbot.mouseClick(panel.pages["chords"].run_button, Qt.MouseButton.LeftButton)
    card = panel.lists["chords"].cards[0]
    qtbot.mouseClick(card_button(card, "Accept"), Qt.MouseButton.LeftButton)
    assert [(c.tick, c.symbol.text) for c in w.doc.song.chords] == [
        (0, "E"), (BAR, "G"), (BAR + BAR // 2, "C")]
    w.doc.undo_stack.undo()
    assert [(c.tick, c.symbol.text) for c in w.doc.song.chords] == [(0, "E"), (BAR, "B7")]


def test_bass_needs_chords_then_accept_adds_a_track(tools, qtbot):
    w, panel = tools
    w.model_panels.show_tool("bass_line")
    page = panel.pages["bass_line"]
    told = []
    panel.ctx.notifier.info = told.append
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert told and "no chords" in told[-1] and panel.svc.calls == []
    w.doc.song.chords = [ChordEvent(0, parse_chord("C")), ChordEvent(BAR, parse_chord("G"))]
    for style in ("walking", "pop_eighths", "chorale"):
        page.styles[style].setChecked(False)
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert panel.svc.calls == [("bass", "root"), ("bass", "root_fifth")]
    cards = panel.lists["bass_line"].cards
    assert [c.clip.name for c in cards] == ["Bass (root)", "Bass (root–fifth)"]
    tracks = len(w.doc.song.tracks)
    qtbot.mouseClick(card_button(cards[0], "Accept"), Qt.MouseButton.LeftButton)
    assert len(w.doc.song.tracks) == tracks + 1
    added = w.doc.song.tracks[-1]
    assert added.name == "Bass (root)" and added.notes["pitch"].tolist() == [36, 43]
    assert added.channel not in {t.channel for t in w.doc.song.tracks[:-1]}
    w.doc.undo_stack.undo()
    assert len(w.doc.song.tracks) == tracks


def test_detect_chords_button_fills_the_lane_one_undo_step(tools, qtbot):
    w, panel = tools
    block = [(0, BAR, p, 80) for p in (48, 60, 64, 67)] + [(BAR, BAR, p, 80) for p in (45, 57, 60, 64)]
    w.doc.song.tracks.append(Track("Block chords", 0, channel=2, notes=np.array(block, dtype=NOTE_DTYPE)))
    w.doc.song.tracks[:2] = []
    qtbot.mouseClick(panel.pages["chords"].detect, Qt.MouseButton.LeftButton)
    assert [(c.tick, c.symbol.text) for c in w.doc.song.chords] == [(0, "C"), (BAR, "Am")]
    w.doc.undo_stack.undo()
    assert w.doc.song.chords == []


def test_chords_to_track_voices_the_chord_track_one_undo_step(make_window):
    song = make_song()
    song.chords = [ChordEvent(0, parse_chord("C")), ChordEvent(BAR, parse_chord("Am7"))]
    w = make_window(song)
    w.actions["chords_to_track"].trigger()
    track = w.doc.song.tracks[-1]
    assert track.name == "Chords" and track.program == PAD_PROGRAM and len(w.doc.song.tracks) == 3
    rows = sorted((int(r["start"]), int(r["duration"]), int(r["pitch"])) for r in track.notes)
    assert rows == sorted([(0, BAR, p) for p in (60, 64, 67)] + [(BAR, BAR, p) for p in (57, 60, 64, 67)])
    w.doc.undo_stack.undo()
    assert len(w.doc.song.tracks) == 2


def test_follow_chords_passes_the_chord_track_to_continue_and_generate(make_window, monkeypatch, qtbot):
    w = make_window(make_song())
    panels = w.model_panels
    host = panels.tools.host
    asked = []

    class Melody:
        def continue_melody(self, *args, **kw):
            asked.append(("continue", kw.get("chords")))
            return []

        def generate(self, *args, **kw):
            asked.append(("generate", kw.get("chords")))
            return [Track("g")]

    def start(key, what, job, *args, label="", on_result=None, **_kw):
        job(Melody(), *args, progress=None)
        return None

    monkeypatch.setattr(host, "start", start)
    monkeypatch.setattr(host, "ready", lambda key: True)
    monkeypatch.setattr(host, "ensure_loaded", lambda *a, **k: None)
    told = []
    panels.ctx.notifier.info = told.append
    page = panels.tools.pages["continue"]
    page.key.follow_chords.setChecked(True)
    w.state.set_current_track(0)
    panels.tools.run("continue")
    assert asked == [] and "no chords" in told[-1]  # asks for chords first
    chords = [ChordEvent(0, parse_chord("C")), ChordEvent(BAR, parse_chord("G7"))]
    w.doc.song.chords = list(chords)
    panels.tools.run("continue")
    assert asked[-1] == ("continue", chords)  # the song's ticks: the melody is at its place
    page.key.follow_chords.setChecked(False)
    panels.tools.run("continue")
    assert asked[-1] == ("continue", None)
    gen = panels.generate
    gen.key.follow_chords.setChecked(True)
    w.state.set_playhead(BAR + 100)  # clips go in at bar 2: G7 is their tick 0
    monkeypatch.setattr(gen, "_on_candidates", lambda *a, **k: None)
    gen.generate(gen.request())
    assert asked[-1] == ("generate", [ChordEvent(0, parse_chord("G7"))])


def test_follow_chords_reaches_harmonize_and_infill_by_clicks(make_window, monkeypatch, qtbot):
    """Ticking "Follow chords" on the Harmonize page and pressing its run button (real clicks)
    sends the song's chord track; unticked, none."""
    w = make_window(make_song())
    panels = w.model_panels
    tools = panels.tools
    host = tools.host
    asked = []

    class Chorale:
        def harmonize(self, *args, **kw):
            asked.append(kw.get("chords"))
            return []

    def start(key, what, job, *args, label="", on_result=None, **_kw):
        job(Chorale(), *args, progress=None)
        return None

    monkeypatch.setattr(host, "start", start)
    monkeypatch.setattr(host, "ready", lambda key: True)
    monkeypatch.setattr(host, "ensure_loaded", lambda *a, **k: None)
    chords = [ChordEvent(0, parse_chord("Am")), ChordEvent(BAR, parse_chord("E7"))]
    w.doc.song.chords = list(chords)
    w.state.set_current_track(0)
    tools.show_tool("harmonize")
    page = tools.pages["harmonize"]
    page.show()
    qtbot.waitExposed(page)
    box = page.key.follow_chords
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert box.isChecked()
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert asked == [chords]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    assert asked[-1] is None


def test_follow_chords_reaches_transfer_by_clicks(make_window, monkeypatch, qtbot):
    """Generate panel: tick "Follow chords", press Transfer selection (real clicks): the song's
    chord track (song ticks, as the notes) reaches the VAE's transfer."""
    w = make_window(make_song())
    panels = w.model_panels
    gen = panels.generate
    asked = []

    class Vae:
        def transfer(self, track, style, **kw):
            asked.append(kw.get("chords"))
            return track.copy()

    def start(key, what, job, *args, label="", on_result=None, **_kw):
        job(Vae(), *args, progress=None)
        return None

    monkeypatch.setattr(panels.host, "start", start)
    monkeypatch.setattr(panels.host, "ready", lambda key: True)
    monkeypatch.setattr(panels.host, "ensure_loaded", lambda *a, **k: None)
    monkeypatch.setattr(panels.host, "info", lambda key: ServiceInfo("vae", (("irish", "Irish reels"),)))
    chords = [ChordEvent(0, parse_chord("Dm")), ChordEvent(BAR, parse_chord("G7"))]
    w.doc.song.chords = list(chords)
    w.state.set_current_track(0)
    panels.show_generate()
    gen.set_model("vae")
    gen._on_ready(True)  # the model process says the VAE is ready (a stand-in answers below)
    gen.set_style("irish")
    qtbot.waitExposed(gen)
    box = gen.key.follow_chords
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    qtbot.mouseClick(gen.transfer_button, Qt.MouseButton.LeftButton)
    assert asked == [chords]
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    qtbot.mouseClick(gen.transfer_button, Qt.MouseButton.LeftButton)
    assert asked[-1] is None
