"""The drum tools in the app against tiny drum models trained here (run in the model process):
Generate with the Drum VAE (clicked), Accept into a drum track and undo; Groove replaces the
selected hits; a melody into Groove gets the model's one-line refusal; the explorer's Drums tab
blends four corners; bars above 4 chain 4-bar samples."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from roll_helpers import BAR, frozen, make_song

from latentroll.app.calls.drums import CLIP_BARS, DrumGenerateRequest, chain, generate_drums
from latentroll.core.drum_kit import piece_of
from latentroll.core.song import PPQ, Note, Track

pytestmark = pytest.mark.timeout(240)


def synthetic_drum_corpus():
    """Two dozen 8-bar rock and funk beats (kick, backbeat, hats, a little noise), split three ways."""
    from latentroll.models.drums.data import SPLITS, DrumCorpus, DrumFile

    rng = np.random.default_rng(0)
    files = []
    for i in range(24):
        style = ("rock", "funk")[i % 2]
        hits = np.zeros((8 * 16, 9), np.uint8)
        hits[::4, 0] = 1
        hits[4::8, 1] = 1
        hits[:: 1 if style == "funk" else 2, 2] = 1
        hits |= (rng.random(hits.shape) < 0.03).astype(np.uint8)
        vel = (hits * rng.integers(40, 120, hits.shape)).astype(np.uint8)
        off = (hits * rng.integers(-20, 20, hits.shape)).astype(np.int8)
        files.append(DrumFile(f"f{i}", "d", style, 110.0, "beat", "train" if i < 6 else SPLITS[i % 3], hits, vel, off))
    return DrumCorpus(files)


@pytest.fixture(scope="session")
def tiny_drum_dirs(tmp_path_factory):
    """Tiny Drum VAE, Groove, Drumify and drum LM folders: a few training steps each on a
    synthetic corpus, published like the shipped ones. Keyed by the registry's model key."""
    import torch

    from latentroll.models.common.export import load_run_weights, publish_model
    from latentroll.models.drums.config import DrumToolConfig, DrumVAEConfig
    from latentroll.models.drums.tools_net import DrumToolNet
    from latentroll.models.drums.tools_train import train_drum_lm, train_drumify, train_groove
    from latentroll.models.drums.train import train_drum_vae
    from latentroll.models.drums.vae import DrumVAE

    root = tmp_path_factory.mktemp("tiny_drums")
    corpus = synthetic_drum_corpus()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    out = {}
    try:
        for key, train, cfg_cls, net in (("drums_vae", train_drum_vae, DrumVAEConfig, DrumVAE),
                                         ("groove", train_groove, DrumToolConfig, DrumToolNet),
                                         ("drumify", train_drumify, DrumToolConfig, DrumToolNet),
                                         ("drums_lm", train_drum_lm, DrumToolConfig, DrumToolNet)):
            run = root / f"{key}_run"
            train("tiny", run, corpus=corpus, max_steps=5)
            cfg = cfg_cls.from_dict(__import__("json").loads((run / "config.json").read_text()))
            out[key] = publish_model(load_run_weights(net(cfg), run / "last"), cfg, run / "last", root / key)
    finally:
        torch.set_num_threads(threads)
    return out


def drum_song():
    song = make_song()
    hits = [Note(i * PPQ // 2, (36, 42, 38, 42)[i % 4], PPQ // 4, 100) for i in range(16)]  # two bars of 8ths
    song.tracks.append(Track("Drums", 0, channel=9, is_drum=True, notes=hits))
    return song


@pytest.fixture
def drum_window(make_window, tiny_drum_dirs, monkeypatch):
    from latentroll.models.registry import MODELS

    for key, folder in tiny_drum_dirs.items():
        monkeypatch.setenv(MODELS[key].folders["model"].env_var, str(folder))
    return make_window(drum_song())


def _button(parent, text):
    return next(b for b in parent.findChildren(QPushButton) if b.text() == text and b.isVisible())


def test_generate_drums_with_clicks_accept_into_the_drum_track_and_undo(drum_window, qtbot):
    w = drum_window
    panels = w.model_panels
    panels.show_generate()
    panel = panels.generate
    panel.set_model("drums_vae")
    assert panel.drums.isVisible() and not panel.controls.isVisible()
    qtbot.waitUntil(lambda: panels.host.ready("drums_vae"), timeout=60000)
    assert panel.drums.isEnabled()
    styles = [panel.drums.styles.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.drums.styles.count())]
    assert {"rock", "funk"} <= set(styles)  # the drum styles, after "Any style"
    panel.drums.bars.setValue(6)
    panel.drums.variations.setValue(2)
    qtbot.mouseClick(panel.drums.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(panel.cards) == 2, timeout=60000)
    clip = panel.cards[0].clip
    notes = clip.track.notes
    assert clip.track.is_drum and len(notes)
    assert notes["start"].max() < 6 * BAR  # six bars: a 4-bar sample and half the next
    assert all(piece_of(p) is not None for p in notes["pitch"])

    before = frozen(w.doc.song)
    w.state.set_current_track(2)  # the drum track
    w.state.set_playhead(4 * BAR)
    accept = next(b for b in panel.cards[0].findChildren(QPushButton) if b.text() == "Accept")
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    drums = w.doc.song.tracks[2]
    assert len(w.doc.song.tracks) == 3 and len(drums.notes) == 16 + len(notes)
    assert drums.notes["start"].max() >= 4 * BAR
    assert w.doc.undo_stack.count() == 1
    w.doc.undo_stack.undo()
    assert frozen(w.doc.song) == before
    # from a melody track, a drum clip goes onto a new drum track on channel 10
    w.state.set_current_track(0)
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    assert len(w.doc.song.tracks) == 4 and w.doc.song.tracks[3].is_drum and w.doc.song.tracks[3].channel == 9
    w.doc.undo_stack.undo()
    assert frozen(w.doc.song) == before


def test_groove_replaces_the_hits_and_a_melody_is_refused_in_one_line(drum_window, qtbot):
    w = drum_window
    panels = w.model_panels
    panels.show_tool("groove")
    tools = panels.tools
    qtbot.waitUntil(lambda: panels.host.ready("groove"), timeout=60000)
    w.state.set_current_track(2)
    before = frozen(w.doc.song)
    old = w.doc.song.tracks[2].notes.copy()
    qtbot.mouseClick(tools.pages["groove"].run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(tools.cards) == 1, timeout=60000)
    accept = next(b for b in tools.cards[0].findChildren(QPushButton) if b.text() == "Accept")
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    new = w.doc.song.tracks[2].notes
    assert len(new) == len(old) and sorted(new["pitch"].tolist()) == sorted(old["pitch"].tolist())
    assert not np.array_equal(np.sort(new, order=["start", "pitch"]), np.sort(old, order=["start", "pitch"]))
    assert w.doc.undo_stack.count() == 1
    w.doc.undo_stack.undo()
    assert frozen(w.doc.song) == before

    w.state.set_current_track(0)  # the melody
    run = tools.pages["groove"].run_button
    qtbot.waitUntil(lambda: run.worker is None, timeout=30000)  # the button reads Groove again, not Cancel
    seen = len(w.notifier.history)
    qtbot.mouseClick(tools.pages["groove"].run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(w.notifier.history) > seen, timeout=60000)
    note = w.notifier.history[-1]
    assert "drum track" in note.text and "\n" not in note.text and "Error" not in note.text
    assert len(tools.cards) == 1 and frozen(w.doc.song) == before


def test_drum_grid_in_the_explorer(drum_window, qtbot):
    w = drum_window
    panels = w.model_panels
    panels.show_explorer()
    qtbot.waitUntil(lambda: panels.explorer is not None and panels.explorer.complete, timeout=30000)
    ex = panels.explorer
    ex.show_tab("drums")
    tab = ex.drums
    qtbot.waitUntil(lambda: panels.host.ready("drums_vae"), timeout=60000)
    assert tab.stack.isEnabled()
    qtbot.mouseClick(tab.mode_buttons[1], Qt.MouseButton.LeftButton)
    grid = tab.grid
    assert tab.stack.currentWidget() is grid
    grid.random_corners()
    qtbot.waitUntil(lambda: all(p.clip is not None for p in grid.corners), timeout=60000)
    grid.size.setValue(3)
    qtbot.mouseClick(grid.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: grid.n == 3, timeout=60000)
    cells = [grid.canvas.clip(i) for i in range(9)]
    assert all(c is not None and c.track.is_drum for c in cells)


def test_generate_chains_four_bar_samples_for_longer_parts():
    class Fake:
        def __init__(self):
            self.calls = []

        def sample(self, n, style=None, temperature=1.0, bars=4, seed=None, tempo=120.0):
            self.calls.append((n, bars))
            return [Track("x", is_drum=True, channel=9,
                          notes=[Note(b * BAR + k * PPQ, 36 + k, PPQ // 4, 100) for b in range(bars) for k in range(4)])
                    for _ in range(n)]

    svc = Fake()
    out = generate_drums(svc, DrumGenerateRequest(bars=10, variations=2))
    assert svc.calls == [(3, CLIP_BARS)] * 2 and len(out) == 2
    starts = out[0].notes["start"]
    assert len(starts) == 40 and starts.max() < 10 * BAR and out[0].channel == 9
    assert len(chain([out[0]], 1, BAR).notes) == 4


def test_drumify_a_melody_and_continue_the_drums(drum_window, qtbot):
    w = drum_window
    panels = w.model_panels
    tools = panels.tools
    before = frozen(w.doc.song)
    # Drumify takes the melody's onsets: Accept adds a drum track under it
    panels.show_tool("drumify")
    qtbot.waitUntil(lambda: panels.host.ready("drumify"), timeout=60000)
    w.state.set_current_track(0)
    tools.pages["drumify"].variations.setValue(2)
    tools.pages["drumify"].temperature.setValue(0.0)
    qtbot.mouseClick(tools.pages["drumify"].run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(tools.cards) >= 1, timeout=60000)
    accept = next(b for b in tools.cards[0].findChildren(QPushButton) if b.text() == "Accept")
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    added = w.doc.song.tracks[1]
    assert len(w.doc.song.tracks) == 4 and added.is_drum and added.channel == 9
    w.doc.undo_stack.undo()
    assert frozen(w.doc.song) == before
    # Continue (drums): the new bars join the drum track after its last bar
    panels.show_tool("drums_continue")
    qtbot.waitUntil(lambda: panels.host.ready("drums_lm"), timeout=60000)
    w.state.set_current_track(2)
    page = tools.pages["drums_continue"]
    page.bars.setValue(2)
    page.variations.setValue(1)
    qtbot.waitUntil(lambda: page.run_button.isEnabled(), timeout=30000)
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(tools.cards) == 1, timeout=60000)
    accept = next(b for b in tools.cards[0].findChildren(QPushButton) if b.text() == "Accept")
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    drums = w.doc.song.tracks[2].notes
    assert len(drums) > 16 and drums["start"].min() == 0 and drums["start"].max() >= 2 * BAR  # after bar 2
    w.doc.undo_stack.undo()
    assert frozen(w.doc.song) == before
