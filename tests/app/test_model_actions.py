"""The Model Tools (Continue, Repair, Harmonize, Infill) and the GAN entry of the Generate panel,
against tiny models run in the model process: each produces candidates, accepting one changes
the song as described and ONE undo restores it exactly; a candidate whose notes were edited
since is refused; a model without weights greys its menu entry out and says why."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton, QToolButton
from roll_helpers import BAR, chorale_song, frozen, make_song, notes_set
from test_model_tools_tabs import click_tool

from latentroll.app.calls.generate import GenerateRequest
from latentroll.app.gui.model_tools.proposals import note_difference
from latentroll.app.gui.models_host import MISSING
from latentroll.core.song import Song, Track
from latentroll.models.registry import WEIGHTS_FILE, entry, shipped_model_dir

pytestmark = pytest.mark.timeout(180)
ENV = {"lstm": "LATENTROLL_LSTM_DIR", "ae": "LATENTROLL_AE_DIR", "repair": "LATENTROLL_REPAIR_DIR",
       "cnn": "LATENTROLL_CNN_DIR", "gan": "LATENTROLL_GAN_DIR"}


@pytest.fixture
def tools_window(make_window, tiny_tool_dirs, monkeypatch, qtbot):
    """``tools_window(song=None, tool="continue")`` → a window whose Model Tools dock is open on
    ``tool`` with its (tiny) model loaded."""
    for key, var in ENV.items():
        monkeypatch.setenv(var, str(tiny_tool_dirs[key]))

    def factory(song: Song | None = None, tool: str = "continue"):
        w = make_window(song if song is not None else make_song())
        panels = w.model_panels
        panels.show_tool(tool)
        qtbot.waitUntil(lambda: panels.host.ready(panels.tools.models[tool]), timeout=60000)
        return w

    return factory


def _wait_done(qtbot, w, worker) -> None:
    """Until the window's jobs have handled ``worker``'s end (its results come first). Waiting
    on the worker's own ``finished`` could miss it: a tiny model may finish before we listen."""
    qtbot.waitUntil(lambda: all(j.worker is not worker for j in w.jobs.running()), timeout=60000)


def _run(qtbot, w, seed: int = 3):
    tools = w.model_panels.tools
    before = len(tools.cards)
    worker = tools.run(seed=seed)
    assert worker is not None
    _wait_done(qtbot, w, worker)
    return tools.cards[: len(tools.cards) - before]


def _accept_once(w, card):
    """Accept ``card``; returns the song before. Exactly one undo step is added."""
    before, steps = frozen(w.doc.song), w.doc.undo_stack.count()
    assert w.model_panels.tools.accept(card.clip) is not None
    assert w.doc.undo_stack.count() == steps + 1
    return before


def _undo_restores(w, before) -> None:
    w.doc.undo_stack.undo()
    assert frozen(w.doc.song) == before


def test_continue_adds_notes_after_the_selection(tools_window, qtbot):
    w = tools_window(tool="continue")
    page = w.model_panels.tools.pages["continue"]
    page.bars.setValue(2)
    page.variations.setValue(3)
    page.styles.set_style("irish")
    w.state.set_current_track(0)
    w.state.set_selection(range(4, 8))  # bar 2 of the melody
    assert "4 selected notes" in w.model_panels.tools.source.text()
    cards = _run(qtbot, w)
    assert 1 <= len(cards) <= 3
    card = cards[0]
    assert card.options.context is not None and len(card.options.context) == 4  # the lead-in shows
    old = w.doc.song.tracks[0].notes.copy()
    view = w.editor.view
    view.set_zoom(sx=0.6 * view.viewport().width() / (2 * BAR))  # the continuation ends off screen
    view.horizontalScrollBar().setValue(0)
    before = _accept_once(w, card)
    notes = w.doc.song.tracks[0].notes
    assert np.array_equal(notes[: len(old)], old)
    added = notes[len(old):]
    m = view.mapping()  # scrolled so the new notes are on screen
    assert 0 <= m.x(added["start"].min()) and m.x((added["start"] + added["duration"]).max()) <= view.viewport().width()
    assert len(added) == len(card.clip.track.notes) > 0
    assert added["start"].min() >= 2 * BAR and (added["start"] + added["duration"]).max() <= 4 * BAR
    assert w.state.current_track == 0 and list(w.state.selection) == list(range(len(old), len(notes)))
    _undo_restores(w, before)


def test_continue_over_occupied_bars_warns_and_offers_a_new_track(tools_window, qtbot):
    """Continuing bar 1 of a two-bar melody writes into bar 2, where the melody has notes: the
    card says so, "+ Track" (clicked) puts the continuation on a new track under the melody on a
    free channel, and Accept (clicked) on another card warns what it wrote over (issue 14)."""
    w = tools_window(tool="continue")
    page = w.model_panels.tools.pages["continue"]
    page.bars.setValue(1)
    page.variations.setValue(2)
    w.state.set_current_track(0)
    w.state.set_selection(range(0, 4))  # bar 1; bar 2 holds four more notes
    cards = _run(qtbot, w)
    assert len(cards) >= 1
    card = cards[0]
    qtbot.waitUntil(card.isVisible)  # cards show once their list's layout has run
    assert card.warning.isVisible() and "writes over" in card.warning.text() and "Melody" in card.warning.text()
    plus = next(b for b in card.findChildren(QToolButton) if b.text() == "+ Track")
    assert plus.isVisible()
    melody = w.doc.song.tracks[0].notes.copy()
    before, steps = frozen(w.doc.song), w.doc.undo_stack.count()
    qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)
    song = w.doc.song
    assert w.doc.undo_stack.count() == steps + 1 and len(song.tracks) == 3
    assert np.array_equal(song.tracks[0].notes, melody)
    new = song.tracks[1]
    expected = card.clip.track.notes.copy()
    expected["start"] += BAR  # at its place: after the continued bar
    assert np.array_equal(new.notes, expected)
    assert new.channel not in (0, 1) and new.program == song.tracks[0].program
    _undo_restores(w, before)
    if len(cards) > 1:
        qtbot.waitUntil(cards[1].isVisible)
        accept = next(b for b in cards[1].findChildren(QPushButton) if b.text() == "Accept")
        with qtbot.waitSignal(w.notifier.notified, timeout=5000) as blocker:
            qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
        assert "over" in blocker.args[0].text and "Melody" in blocker.args[0].text


def _click_run(qtbot, w, tool: str) -> list:
    """Press the shown ``tool``'s run button; wait for its results; the new cards shown."""
    tools = w.model_panels.tools
    assert tools.tool == tool
    button = tools.pages[tool].run_button
    before = len(tools.cards)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    worker = button.worker
    assert worker is not None
    _wait_done(qtbot, w, worker)
    return tools.cards[: len(tools.cards) - before]


def _click_tab(qtbot, w, tool: str) -> None:
    click_tool(qtbot, w.model_panels.tools, tool)  # its family's tab, then its own


def test_each_tool_keeps_its_own_candidates(tools_window, qtbot):
    """Switching tabs shows that tool's candidates only (the Repair tab showed continuations,
    issue 14); a run of one tool never clears another's."""
    w = tools_window(tool="continue")
    tools = w.model_panels.tools
    tools.pages["continue"].variations.setValue(2)
    tools.pages["continue"].bars.setValue(1)
    tools.pages["harmonize"].candidates.setValue(1)
    w.state.set_current_track(0)
    continued = _click_run(qtbot, w, "continue")
    assert continued and tools.cards == continued
    qtbot.waitUntil(lambda: all(c.isVisible() for c in continued))

    for tool in ("repair", "harmonize"):
        _click_tab(qtbot, w, tool)
        assert tools.cards == []
        assert tools.candidates.empty_hint.isVisible()
        assert not any(c.isVisible() for c in continued), f"the {tool} tab shows continuations"
    qtbot.waitUntil(lambda: tools.host.ready(tools.models["harmonize"]), timeout=60000)
    harmonies = _click_run(qtbot, w, "harmonize")
    assert len(harmonies) == 1 and tools.cards == harmonies
    qtbot.waitUntil(harmonies[0].isVisible)

    _click_tab(qtbot, w, "continue")
    assert tools.cards == continued  # still there, and only they
    qtbot.waitUntil(lambda: all(c.isVisible() for c in continued))
    assert not harmonies[0].isVisible()
    more = _click_run(qtbot, w, "continue")
    assert more and tools.cards == more + continued
    _click_tab(qtbot, w, "harmonize")
    assert tools.cards == harmonies  # a new continuation run left the harmonies alone
    _accept_once(w, harmonies[0])  # and they still accept
    assert len(w.doc.song.tracks) == 5


def test_continue_follows_the_melody_unless_asked_to_keep_a_key(make_window):
    """A file without a key signature reads as C major; continuing its (say G major) melody
    must not drop every F#, so Continue leaves the key to the model until "In key" is ticked."""
    song = make_song()
    song.tracks[0].notes["pitch"][3] = 66  # F#: a G major melody in a song marked C major
    window = make_window(song)
    page = window.model_panels.tools.pages["continue"]
    assert page.key.scale is None
    page.key.in_key.setChecked(True)
    assert page.key.scale == window.state.scale  # the song's key, once asked for


SHIPPED_REPAIR = all((shipped_model_dir(f.folder) / WEIGHTS_FILE).exists() for f in entry("repair").folders.values())


@pytest.mark.skipif(not SHIPPED_REPAIR, reason="no shipped repair network, code autoencoder and LSTM")
def test_repair_replaces_the_selected_notes(tools_window, qtbot, monkeypatch):
    """The shipped repair network (a tiny one hardly ever moves a note) puts a wrong note of a
    C major run back, at the default strength; accepting is one undo step."""
    for folder in entry("repair").folders.values():
        monkeypatch.delenv(folder.env_var, raising=False)
    w = tools_window(tool="repair")
    assert w.model_panels.host.model_dir("repair") == shipped_model_dir(entry("repair").folder.folder)
    tools = w.model_panels.tools
    w.state.set_current_track(0)
    w.state.set_selection([2])
    w.edit_ops.transpose(-1)  # E → Eb in the C major run
    w.state.select_all()
    original = w.doc.song.tracks[0].notes.copy()
    assert 63 in original["pitch"]
    cards = _run(qtbot, w)
    assert len(cards) == 1
    card = cards[0]
    assert 63 not in card.clip.track.notes["pitch"] and 64 in card.clip.track.notes["pitch"], "Eb back to E"
    assert card.options.before is not None and np.array_equal(
        np.sort(card.options.before.track.notes, order="start")["pitch"], np.sort(original, order="start")["pitch"])
    before = _accept_once(w, card)
    repaired = card.clip.track.notes.copy()
    repaired["start"] += card.clip.anchor
    assert notes_set(w.doc.song.tracks[0]) == notes_set(Track(notes=repaired))
    assert frozen(w.doc.song)[1] == before[1]  # the bass is another track: untouched
    _undo_restores(w, before)
    # the notes a repair replaces were edited since: accepting is refused, nothing changes
    w.state.select_all()
    w.edit_ops.transpose(1)
    edited = frozen(w.doc.song)
    with qtbot.waitSignal(w.notifier.notified, timeout=5000) as blocker:
        assert tools.accept(card.clip) is None
    assert "edited since" in blocker.args[0].text
    assert frozen(w.doc.song) == edited


def test_repair_at_strength_zero_changes_nothing_and_says_so(tools_window, qtbot):
    w = tools_window(tool="repair")
    tools = w.model_panels.tools
    tools.pages["repair"].strength.setValue(0.0)
    w.state.set_current_track(0)
    with qtbot.waitSignal(w.notifier.notified, timeout=60000,
                          check_params_cb=lambda note: "Nothing to repair" in note.text):
        assert tools.run() is not None
    assert tools.cards == []


def test_harmonize_adds_three_voice_tracks(tools_window, qtbot):
    w = tools_window(tool="harmonize")
    tools = w.model_panels.tools
    tools.pages["harmonize"].candidates.setValue(2)
    w.state.set_current_track(0)
    cards = _run(qtbot, w)
    assert len(cards) == 2
    before_song = w.doc.song.copy()
    before = _accept_once(w, cards[0])
    song = w.doc.song
    assert [t.name for t in song.tracks] == ["Melody", "Alto", "Tenor", "Bass", "Bass"]
    assert song.tracks[0] == before_song.tracks[0] and song.tracks[4] == before_song.tracks[1]
    channels = [t.channel for t in song.tracks]
    assert len(set(channels)) == len(channels) and 9 not in channels
    melody_end = before_song.tracks[0].end_tick()
    for voice in song.tracks[1:4]:
        assert len(voice.notes) and voice.notes["start"].min() >= 0 and voice.end_tick() <= melody_end
    assert w.state.current_track == 1
    _undo_restores(w, before)


def test_infill_rewrites_only_the_region_of_the_chosen_voices(tools_window, qtbot):
    w = tools_window(chorale_song(), tool="infill")
    tools = w.model_panels.tools
    page = tools.pages["infill"]
    assert page.voices.count() == 4
    page.set_checked({1, 2})  # alto and tenor
    page.candidates.setValue(2)
    w.state.set_loop(BAR, 3 * BAR, enabled=True)
    assert "bars 2–3 (the loop)" in tools.source.text()
    cards = _run(qtbot, w)
    assert len(cards) == 2
    old = [t.notes.copy() for t in w.doc.song.tracks]
    changing = [c for c in cards if tools.proposals[c.clip.uid].edit(w.doc.song).commands]
    assert changing, "no candidate rewrote anything"
    card = changing[0]
    before = _accept_once(w, card)
    song = w.doc.song
    for i in (0, 3):  # soprano and bass were not chosen
        assert np.array_equal(song.tracks[i].notes, old[i])
    for i in (1, 2):
        for notes in (note_difference(old[i], song.tracks[i].notes), note_difference(song.tracks[i].notes, old[i])):
            # whatever changed lies in the region (a note held into it may be cut at its edge)
            assert np.all(notes["start"] + notes["duration"] > BAR) and np.all(notes["start"] < 3 * BAR)
    _undo_restores(w, before)


@pytest.mark.parametrize("tool", ["harmonize", "infill"])
def test_voice_leading_box_travels_to_the_service(tool, tools_window, qtbot, monkeypatch):
    """The page's "Avoid parallel 5ths/8ves" box (on by default) becomes the request's
    ``voice_leading`` and the service call's, in the worker."""
    w = tools_window(chorale_song() if tool == "infill" else None, tool=tool)
    tools, host = w.model_panels.tools, w.model_panels.tools.host
    page = tools.pages[tool]
    assert page.voice_leading.isChecked()
    if tool == "infill":
        w.state.set_loop(BAR, 3 * BAR, enabled=True)
    else:
        w.state.set_current_track(0)
    page.candidates.setValue(1)
    requests, calls = [], []
    start = host.start

    class Recording:
        def __init__(self, svc):
            self.svc = svc

        def __getattr__(self, method):
            def call(*args, **kwargs):
                calls.append((method, kwargs.get("voice_leading")))
                return getattr(self.svc, method)(*args, **kwargs)
            return call

    def spy(key, what, job, req, **kwargs):
        requests.append(req)
        return start(key, what, lambda svc, *a, **k: job(Recording(svc), *a, **k), req, **kwargs)

    monkeypatch.setattr(host, "start", spy)
    for on in (True, False):
        page.voice_leading.setChecked(on)
        assert len(_run(qtbot, w)) == 1
    assert [r.voice_leading for r in requests] == [True, False]
    assert calls == [(tool, True), (tool, False)]


def _tick(qtbot, box) -> None:
    """Click a check box on its indicator, as a user does."""
    qtbot.waitUntil(box.isVisible)
    assert box.isEnabled()
    on = box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))
    assert box.isChecked() != on


def test_infill_takes_the_four_voices_ticked_in_its_list(tools_window, qtbot):
    """A fifth pitched track (a piano above the chorale): untick it in the Voices list, tick the
    bass, and Infill runs on the four chorale voices and leaves the piano alone (issue 14)."""
    song = chorale_song()
    song.tracks.insert(0, Track("Piano", 0, channel=5, notes=song.tracks[0].notes.copy()))
    w = tools_window(song, tool="infill")
    tools = w.model_panels.tools
    voices = tools.pages["infill"].voices
    assert voices.count() == 5 and [b.isChecked() for b in voices.use] == [True, True, True, True, False]
    w.state.set_loop(BAR, 3 * BAR, enabled=True)
    _tick(qtbot, voices.use[0])  # not a voice: the piano
    assert "tick four" in tools.source.text()
    with qtbot.waitSignal(w.notifier.notified, timeout=5000) as blocker:
        assert tools.run() is None
    assert "tick four" in blocker.args[0].text
    _tick(qtbot, voices.use[4])  # the bass is
    for i in (1, 4):  # keep soprano and bass as they are
        _tick(qtbot, voices.redo[i])
    assert "tick four" not in tools.source.text() and tools.pages["infill"].rewrite == (1, 2)
    tools.pages["infill"].candidates.setValue(2)
    cards = _run(qtbot, w)
    assert len(cards) == 2
    old = [t.notes.copy() for t in w.doc.song.tracks]
    changing = [c for c in cards if tools.proposals[c.clip.uid].edit(w.doc.song).commands]
    assert changing, "no candidate rewrote anything"
    before = _accept_once(w, changing[0])
    after = w.doc.song.tracks
    for i in (0, 1, 4):  # the piano, soprano and bass stay
        assert np.array_equal(after[i].notes, old[i])
    assert any(not np.array_equal(after[i].notes, old[i]) for i in (2, 3))
    _undo_restores(w, before)


def test_infill_needs_four_voices(tools_window, qtbot):
    w = tools_window(tool="infill")  # the default song has two tracks
    assert "this song has 2" in w.model_panels.tools.source.text()
    with qtbot.waitSignal(w.notifier.notified, timeout=5000) as blocker:
        assert w.model_panels.tools.run() is None
    assert "four voice tracks" in blocker.args[0].text


def test_cancel_drops_the_results(tools_window, qtbot):
    w = tools_window(tool="continue")
    tools = w.model_panels.tools
    page = tools.pages["continue"]
    page.variations.setValue(8)
    page.bars.setValue(8)
    w.state.set_current_track(0)
    worker = tools.run(seed=1)
    assert worker is not None and page.run_button.text() == "Cancel"
    page.run_button.click()  # Cancel
    _wait_done(qtbot, w, worker)
    assert worker.cancelled and tools.cards == []
    assert page.run_button.text() == "Continue"


def test_gan_generates_candidates_in_the_generate_panel(tools_window, qtbot):
    w = tools_window(tool="continue")
    panels = w.model_panels
    gen = panels.generate
    labels = [gen.model.itemText(i) for i in range(gen.model.count())]
    assert any("VAE" in t for t in labels) and any("GAN" in t for t in labels)
    gen.set_model("gan")
    panels.show_generate()
    qtbot.waitUntil(lambda: panels.host.ready("gan"), timeout=60000)
    assert gen.controls.isEnabled() and not gen.transfer_button.isEnabled()
    assert gen.styles.count() == 1 + len(panels.host.info("gan").styles)
    worker = gen.generate(GenerateRequest(style="german", temperature=1.0, variations=3, bars=2, seed=4))
    assert worker is not None
    qtbot.waitUntil(lambda: len(gen.cards) == 3 or not w.jobs.busy, timeout=60000)
    assert len(gen.cards) == 3
    assert [c.clip.name for c in gen.cards] == [f"german {i} (GAN)" for i in (1, 2, 3)]  # not the VAE's names
    before = frozen(w.doc.song)
    w.state.set_current_track(0)
    gen.cards[0].acceptRequested.emit(gen.cards[0].clip, False)
    assert w.doc.undo_stack.count() == 1 and frozen(w.doc.song) != before
    _undo_restores(w, before)


def test_missing_weights_grey_out_the_tools(make_window, tmp_path, monkeypatch, qtbot):
    from latentroll.models.registry import MODELS

    for var in {f.env_var for m in MODELS.values() for f in m.folders.values()}:
        monkeypatch.setenv(var, str(tmp_path / "no_model_here"))
    w = make_window()
    panels = w.model_panels
    for tool, (action, _tip) in panels.tool_actions.items():
        assert not action.isEnabled(), tool
        assert "no_model_here" in action.toolTip() and f"latentroll train {panels.tools.models[tool]}" in action.toolTip()
    # opening the tools page tries the model; the user is told why it cannot load
    with qtbot.waitSignal(w.notifier.notified, timeout=20000,
                          check_params_cb=lambda note: "no_model_here" in note.text) as blocker:
        panels.show_tool("harmonize")
    assert blocker.args[0].level == "error"
    qtbot.waitUntil(lambda: panels.host.status("cnn") == MISSING, timeout=5000)
    tools = panels.tools
    assert not tools.pages["harmonize"].isEnabled()
    assert "no_model_here" in tools.banner.label.text() and tools.banner.retry.isVisibleTo(tools)
    assert "CNN: missing weights" in panels.status_label.text()
    # a tool used anyway (a shortcut, a script) says why instead of failing silently
    with qtbot.waitSignal(w.notifier.notified, timeout=5000) as blocker:
        panels.use_tool("repair", run_now=True)
    assert "latentroll train repair" in blocker.args[0].text and "LATENTROLL_REPAIR_DIR" in blocker.args[0].text


def test_the_app_looks_for_weights_where_the_services_do(monkeypatch, tmp_path):
    """The UI process (no torch) and the model process resolve every folder of a model the same
    way, from the one registry, which is also the app's list of models."""
    from latentroll.app.gui.models_host import ModelHost
    from latentroll.models.common.protocol import model_folders
    from latentroll.models.registry import MODELS

    host = ModelHost(jobs=None, notifier=None)
    assert set(host.specs) == set(MODELS)
    for key, model in host.specs.items():
        for folder in model.folders.values():
            monkeypatch.delenv(folder.env_var, raising=False)
        assert host.folders(key) == model_folders(key), key
        monkeypatch.setenv(model.env_var, str(tmp_path / key))
        assert host.model_dir(key) == model_folders(key)["model"] == tmp_path / key
        host.set_model_dir(key, tmp_path / "chosen")
        assert host.model_dir(key) == tmp_path / "chosen"
