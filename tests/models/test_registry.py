"""One registry lists every model: where its weights are, how it trains, evaluates and ships, and
which service the app, the CLI and the model process load for it."""
from pathlib import Path

import pytest

from latentroll.models.common.protocol import ModelService, ServiceInfo, model_folders
from latentroll.models.registry import MAIN, MODELS, resolve, shipped_model_dir

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def test_the_shipped_folder_unless_the_variable_names_another(monkeypatch, tmp_path):
    monkeypatch.delenv("LATENTROLL_TEST_DIR", raising=False)
    assert shipped_model_dir("x_model", "LATENTROLL_TEST_DIR").resolve() == RESOURCES / "models" / "x_model"
    monkeypatch.setenv("LATENTROLL_TEST_DIR", "")
    assert shipped_model_dir("x_model", "LATENTROLL_TEST_DIR").name == "x_model", "empty means unset"
    monkeypatch.setenv("LATENTROLL_TEST_DIR", str(tmp_path))
    assert shipped_model_dir("x_model", "LATENTROLL_TEST_DIR") == tmp_path
    assert shipped_model_dir("x_model").name == "x_model", "no variable: always the shipped folder"


@pytest.mark.parametrize("key", list(MODELS))
def test_every_folder_of_every_model_honours_its_variable(key, monkeypatch, tmp_path):
    model = MODELS[key]
    assert MAIN in model.folders and model.folders[MAIN].required
    for role, folder in model.folders.items():
        assert folder.env_var and folder.env_var.startswith("LATENTROLL_") and folder.env_var.endswith("_DIR")
        monkeypatch.delenv(folder.env_var, raising=False)
        assert model_folders(key)[role].resolve() == RESOURCES / "models" / folder.folder
        monkeypatch.setenv(folder.env_var, str(tmp_path / role))
        assert model_folders(key)[role] == tmp_path / role
    assert model_folders(key, tmp_path / "given")[MAIN] == tmp_path / "given", "a path names the model's own folder"


def test_one_variable_names_one_folder():
    """Two models that load the same folder (Repair's LSTM opinion) read it from the same variable."""
    by_var: dict[str, str] = {}
    for model in MODELS.values():
        for folder in model.folders.values():
            assert by_var.setdefault(folder.env_var, folder.folder) == folder.folder, folder.env_var


@pytest.mark.parametrize("key", list(MODELS))
def test_every_entry_names_code_that_exists(key):
    model = MODELS[key]
    configs = resolve(model.configs)
    assert model.default_config in configs
    for ref in (model.train, model.service, model.evaluate, model.ship):
        if ref is not None:
            assert callable(resolve(ref)), ref


@pytest.mark.slow
@pytest.mark.parametrize("key", list(MODELS))
def test_every_model_trains_ships_loads_and_evaluates_through_its_entry(key, small_corpus, tmp_path, monkeypatch):
    """What the CLI's train, ship and eval do, through the registry alone: a tiny config trains on
    the fixture corpus, its weights are published, the service loads them by the protocol, and the
    entry's evaluation measures them on the fixture."""
    model = MODELS[key]
    out = tmp_path / "model"
    others = {role: p for role, p in model_folders(key).items() if role != MAIN}  # e.g. Repair's code AE
    if key == "repair":  # the repair network builds on a code autoencoder: a tiny one too
        monkeypatch.setenv(MODELS["lstm"].env_var, str(tmp_path / "no_lstm"))  # no LSTM opinion: a quicker ship
        others["lstm"] = tmp_path / "no_lstm"
        resolve(MODELS["ae"].train)("tiny", tmp_path / "ae_run", corpus=small_corpus, max_steps=2)
        resolve(MODELS["ae"].ship)(tmp_path / "ae_run", "last", tmp_path / "ae", small_corpus, [])
        others["ae"] = tmp_path / "ae"
    if model.ship:
        resolve(model.train)("tiny", tmp_path / "run", corpus=small_corpus, max_steps=3)
        resolve(model.ship)(tmp_path / "run", "last", out, small_corpus, [])
    else:  # the style classifier saves itself where it is told
        resolve(model.train)("tiny", tmp_path / "run", corpus=small_corpus, max_steps=3, out_dir=out)
    assert (out / "model.safetensors").exists() and (out / "config.json").exists()
    service = resolve(model.service).load({**others, MAIN: out})
    assert isinstance(service, ModelService)
    info = service.info()
    assert isinstance(info, ServiceInfo) and info.name
    if model.evaluate:
        figures = resolve(model.evaluate)(out, small_corpus, True)
        assert figures and all(isinstance(k, str) for k in figures)
