"""``latentroll eval vae --model NAME``: a named melody VAE (the 4-bar one) or a folder, with the
2-bar card's keys; an unshipped name is one clear line and exit code 2."""
import json
from pathlib import Path

import pytest
from cli_run import run_cli

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "resources" / "fixtures" / "corpus_small.npz"
CARD_KEYS = ("tf_accuracy", "recon_accuracy", "oa_min", "decode64_ms", "interp16_ms")


@pytest.fixture(scope="module")
def tiny_4bar(tmp_path_factory):
    """The tiny conductor config trained through the CLI and exported like a shipped model."""
    base = tmp_path_factory.mktemp("cli_vae_4bar")
    r = run_cli("train", "vae", "--config", "tiny_4bar_h", "--epochs", "1", "--corpus", str(FIXTURE),
                "--run-dir", str(base / "run"), "--threads", "1", timeout=300)
    assert r.returncode == 0, r.stderr[-1500:]
    from latentroll.models.data.corpus import Corpus
    from latentroll.models.vae.config import get_config
    from latentroll.models.vae.export import export_model
    from latentroll.models.vae.train import melody_data

    cfg = get_config("tiny_4bar_h")
    return export_model(base / "run" / "last", cfg, melody_data(Corpus.load(FIXTURE), cfg), base / "model")


def test_eval_model_names_a_folder_and_prints_the_card_keys(tiny_4bar):
    r = run_cli("eval", "vae", "--model", str(tiny_4bar), "--quick", "--json", "--corpus", str(FIXTURE),
                "--threads", "1", timeout=300)
    assert r.returncode == 0, r.stderr[-1500:]
    res = json.loads(r.stdout)
    assert res["model"] == "tiny_4bar_h" and all(k in res for k in CARD_KEYS)
    assert 0 <= res["tf_accuracy"] <= 1 and 0 <= res["recon_accuracy"] <= 1


def test_eval_model_unshipped_name_is_one_line_and_exit_2():
    r = run_cli("eval", "vae", "--model", "mel_99bar", "--json")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "vae_mel_99bar" in r.stderr and "ship" in r.stderr
