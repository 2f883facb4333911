"""Every model in the registry is reachable from the CLI (train, eval, ship) and from the GUI (the
Models ▸ Model Folders menu loads it through the model process; its tools are in the menus)."""
import pytest
from PySide6.QtWidgets import QFileDialog

from latentroll.app.cli.main import build_parser
from latentroll.app.gui.models_host import LOADING, NOT_LOADED, READY
from latentroll.models.registry import MODELS

pytestmark = pytest.mark.timeout(240)


@pytest.mark.parametrize("key", list(MODELS))
def test_the_cli_takes_every_model(key):
    parser = build_parser()
    model = MODELS[key]
    assert parser.parse_args(["train", key]).model == key
    if model.evaluate:
        assert parser.parse_args(["eval", key]).model == key
    if model.ship:
        assert parser.parse_args(["ship", key, "--run-dir", "r"]).model == key


def test_the_gui_loads_every_model_from_the_model_folders_menu(make_window, qtbot, monkeypatch):
    w = make_window()
    panels = w.model_panels
    host = panels.host
    assert set(host.specs) == set(MODELS)
    for key, model in MODELS.items():
        for tool in model.tools:
            offered = tool in panels.tool_actions or any(
                panels.generate.model.itemData(i) == key for i in range(panels.generate.model.count()))
            assert offered or tool in {"transfer", "interpolate", "grid", "map"}, (key, tool)
        shipped = host.model_dir(key)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, d=shipped: str(d)))
        panels.actions[f"model_folder_{key}"].trigger()
        qtbot.waitUntil(lambda k=key: host.status(k) not in (NOT_LOADED, LOADING), timeout=120000)
        assert host.status(key) == READY, host.errors.get(key)
        assert host.info(key).name, key
        assert f"{model.short}: ready" in panels.status_label.text()
