"""Generate at 8-16 bars with the melody VAE goes through the phrase-structure model (issue 18):
the candidates say so in their model label; 4-bar clips come from the 4-bar VAE."""
import pytest
from PySide6.QtCore import Qt

from latentroll.models.registry import MODELS, WEIGHTS_FILE

pytestmark = [pytest.mark.timeout(240),
              pytest.mark.skipif(not all((MODELS[k].model_dir() / WEIGHTS_FILE).exists() for k in ("vae", "vae_4bar", "structure")),
                                 reason="no shipped VAE and structure weights")]


def _type_bars(qtbot, spin, bars: int) -> None:
    edit = spin.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, str(bars))
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _generate_panel(make_window, qtbot, model: str = "vae"):
    """A window with the Generate panel open on ``model``, once that model is ready."""
    w = make_window()
    w.model_panels.show_generate()
    gen = w.model_panels.generate
    gen.set_model(model)
    qtbot.waitUntil(lambda: w.model_panels.host.ready(model) and gen.bars.isEnabled(), timeout=120000)
    return w, gen


def test_a_16_bar_generation_says_it_has_phrase_structure(make_window, qtbot, monkeypatch):
    for key in ("vae", "vae_4bar", "structure"):
        monkeypatch.delenv(MODELS[key].env_var, raising=False)
    w, gen = _generate_panel(make_window, qtbot)
    _type_bars(qtbot, gen.variations, 2)
    _type_bars(qtbot, gen.bars, 16)
    assert (gen.variations.value(), gen.bars.value()) == (2, 16)
    qtbot.waitUntil(lambda: w.model_panels.host.ready("structure"), timeout=120000)  # the length loads it
    qtbot.mouseClick(gen.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(gen.cards) == 2 and not w.jobs.busy, timeout=180000)
    assert [c.clip.name for c in gen.cards] == [f"any style {i} (VAE with phrase structure)" for i in (1, 2)]
    assert all(8 * 1920 < c.clip.span <= 16 * 1920 for c in gen.cards)

    _type_bars(qtbot, gen.bars, 4)
    qtbot.mouseClick(gen.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(gen.cards) == 4 and not w.jobs.busy, timeout=120000)
    assert [c.clip.name for c in gen.cards[:2]] == [f"any style {i} (VAE 4-bar)" for i in (1, 2)]


def test_without_the_structure_model_16_bars_chain_the_vae_and_say_so(make_window, qtbot, monkeypatch, tmp_path):
    for key in ("vae", "vae_4bar"):
        monkeypatch.delenv(MODELS[key].env_var, raising=False)
    monkeypatch.setenv(MODELS["structure"].env_var, str(tmp_path / "no_structure_here"))
    w, gen = _generate_panel(make_window, qtbot)
    _type_bars(qtbot, gen.variations, 1)
    _type_bars(qtbot, gen.bars, 12)
    qtbot.waitUntil(lambda: w.model_panels.host.ready("vae_4bar"), timeout=120000)  # 4 bars, the default, loaded it
    with qtbot.waitSignal(w.notifier.notified, timeout=20000,
                          check_params_cb=lambda note: "without phrase structure" in note.text):
        qtbot.mouseClick(gen.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(gen.cards) == 1 and not w.jobs.busy, timeout=120000)
    assert gen.cards[0].clip.name == "any style 1 (VAE 4-bar)" and 8 * 1920 < gen.cards[0].clip.span <= 12 * 1920


def test_sixteen_bars_chosen_on_another_model_load_the_structure_model_on_switching_to_the_vae(make_window, qtbot,
                                                                                              monkeypatch):
    """The length is set while the GAN is chosen; picking the VAE then loads the structure model
    before any Generate click, so that click finds it ready."""
    for key in ("vae", "vae_4bar", "structure"):
        monkeypatch.delenv(MODELS[key].env_var, raising=False)
    w, gen = _generate_panel(make_window, qtbot, "gan")
    _type_bars(qtbot, gen.bars, 16)
    assert gen.bars.value() == 16 and not w.model_panels.host.ready("structure")
    gen.set_model("vae")
    qtbot.waitUntil(lambda: w.model_panels.host.ready("structure"), timeout=120000)
