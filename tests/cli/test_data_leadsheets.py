"""``latentroll data build --only chords`` builds the lead-sheet cache the chord models train on
(here from one committed score), ``data info --only chords`` describes it, and the choice parses."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from latentroll.app.cli.main import main

pytestmark = pytest.mark.timeout(120)
SCORE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "drunken_sailor_leadsheet.mxl"


def test_only_chords_builds_and_describes_the_lead_sheet_cache(tmp_path, monkeypatch, capsys):
    from latentroll.models.chords import data
    from latentroll.models.chords.data import LeadSheets

    scores = tmp_path / "openewld"
    scores.mkdir()
    shutil.copy(SCORE, scores / "sailor.mxl")
    monkeypatch.setattr(data, "openewld_dir", lambda: scores)
    out = tmp_path / "cache" / "sheets.npz"
    assert main(["data", "build", "--only", "chords", "--out", str(out)]) == 0
    built = json.loads(capsys.readouterr().out)
    assert built["path"] == str(out) and built["files"] == 1 and built["songs"] == 1
    sheets = LeadSheets.load(out)
    assert len(sheets.songs) == 1 and sheets.songs[0].chords
    assert main(["data", "info", "--only", "chords", "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["songs"] == 1


def test_info_without_a_cache_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["data", "info", "--only", "chords", "--out", str(tmp_path / "none.npz")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "data build --only chords" in err
