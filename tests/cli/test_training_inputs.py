"""``train``, ``eval`` and ``ship`` given a bad corpus cache or run folder: one line, exit 2."""
from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import run_cli

from latentroll.models.data.corpus import Corpus


def one_error(res, *words: str) -> str:
    assert res.returncode == 2, (res.returncode, res.stdout, res.stderr[-800:])
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("latentroll: error: "), res.stderr[-800:]
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def bad_caches(tmp_path) -> Path:
    (tmp_path / "empty.npz").write_bytes(b"")
    (tmp_path / "folder.npz").mkdir()
    (tmp_path / "text.npz").write_text("not an archive")
    Corpus([]).save(tmp_path / "no_tunes.npz")
    return tmp_path


@pytest.mark.parametrize("command", ["eval", "train"])
@pytest.mark.parametrize("cache, words", [
    ("empty.npz", ["empty.npz is not a corpus cache", "the file is empty"]),
    ("folder.npz", ["folder.npz", "it is a folder, not an .npz file"]),
    ("text.npz", ["text.npz is not a corpus cache", "latentroll data build"]),
    ("no_tunes.npz", ["no_tunes.npz holds no tunes"]),
])
def test_a_bad_corpus_cache_is_one_line(bad_caches, command, cache, words):
    run_dir = ["--run-dir", str(bad_caches / "run")] if command == "train" else []
    one_error(run_cli(command, "lstm", "--corpus", str(bad_caches / cache), *run_dir, timeout=120), *words)
    assert not (bad_caches / "run").exists() or not any((bad_caches / "run").iterdir())


@pytest.mark.parametrize("run_dir", [
    "{tmp}/a_file/run",
    pytest.param("/proc/run", marks=pytest.mark.skipif(not Path("/proc").is_dir(), reason="no /proc")),
])
def test_train_into_a_run_folder_that_cannot_be_made(tmp_path, run_dir):
    (tmp_path / "a_file").write_text("x")
    where = run_dir.format(tmp=tmp_path)
    one_error(run_cli("train", "lstm", "--run-dir", where, "--max-steps", "1", timeout=60),
              f"cannot create the run folder {where}")


@pytest.mark.parametrize("make, words", [
    (lambda p: None, ["no run folder at"]),
    (lambda p: p.mkdir(), ["holds no training run (no config.json)", "latentroll train MODEL --run-dir"]),
    (lambda p: p.write_text("x"), ["is a file, not a run folder"]),
    (lambda p: (p.mkdir(), (p / "config.json").write_text("{}")), ["has no 'best' checkpoint yet"]),
])
def test_ship_needs_a_finished_run(tmp_path, make, words):
    run = tmp_path / "run"
    make(run)
    one_error(run_cli("ship", "lstm", "--run-dir", str(run), "--out", str(tmp_path / "out"), timeout=60), *words)
    assert not (tmp_path / "out").exists()


def test_ship_takes_card_commands(tmp_path):
    """``--command`` used to overwrite the sub-command's name and crash the range check."""
    one_error(run_cli("ship", "lstm", "--run-dir", str(tmp_path / "run"), "--command", "latentroll train lstm",
                      timeout=60), "no run folder at")
