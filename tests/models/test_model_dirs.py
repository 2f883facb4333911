"""Where each model's weights are looked for: the shipped folder unless its environment variable
names another, the same answer for every service."""
from pathlib import Path

import pytest

from latentroll.models.autoencoder.service import default_model_dir as ae_dir
from latentroll.models.autoencoder.service import default_repair_dir as repair_dir
from latentroll.models.coconet.service import default_model_dir as cnn_dir
from latentroll.models.common.model_dirs import shipped_model_dir
from latentroll.models.gan.service import default_model_dir as gan_dir
from latentroll.models.lstm.service import default_model_dir as lstm_dir
from latentroll.models.vae.service import default_model_dir as vae_dir

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
SERVICES = [(vae_dir, "vae_mel_2bar", "LATENTROLL_VAE_DIR"), (gan_dir, "gan_mel_bar", "LATENTROLL_GAN_DIR"),
            (lstm_dir, "lstm_mel_lm", "LATENTROLL_LSTM_DIR"), (ae_dir, "ae_mel_ae", "LATENTROLL_AE_DIR"),
            (repair_dir, "ae_mel_fix", "LATENTROLL_REPAIR_DIR"), (cnn_dir, "cnn_chorale", "LATENTROLL_CNN_DIR")]


def test_the_shipped_folder_unless_the_variable_names_another(monkeypatch, tmp_path):
    monkeypatch.delenv("LATENTROLL_TEST_DIR", raising=False)
    assert shipped_model_dir("x_model", "LATENTROLL_TEST_DIR").resolve() == RESOURCES / "models" / "x_model"
    monkeypatch.setenv("LATENTROLL_TEST_DIR", "")
    assert shipped_model_dir("x_model", "LATENTROLL_TEST_DIR").name == "x_model", "empty means unset"
    monkeypatch.setenv("LATENTROLL_TEST_DIR", str(tmp_path))
    assert shipped_model_dir("x_model", "LATENTROLL_TEST_DIR") == tmp_path
    assert shipped_model_dir("x_model").name == "x_model", "no variable: always the shipped folder"


@pytest.mark.parametrize("default_dir, folder, env_var", SERVICES, ids=[s[1] for s in SERVICES])
def test_every_service_honours_its_variable(default_dir, folder, env_var, monkeypatch, tmp_path):
    monkeypatch.delenv(env_var, raising=False)
    assert default_dir().resolve() == RESOURCES / "models" / folder
    monkeypatch.setenv(env_var, str(tmp_path))
    assert default_dir() == tmp_path
