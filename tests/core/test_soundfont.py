"""SoundFont discovery: explicit > $LATENTROLL_SOUNDFONT > system places; clear errors."""
from pathlib import Path

import pytest

from latentroll.core.audio import soundfont as sfmod
from latentroll.core.audio.soundfont import ENV_VAR, SoundFontNotFound, find_soundfont, is_soundfont
from latentroll.core.io.errors import MusicFileError

TIMGM = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
needs_timgm = pytest.mark.skipif(not TIMGM.exists(), reason="apt install timgm6mb-soundfont")


def fake_sf2(path: Path) -> Path:
    path.write_bytes(b"RIFF" + (100).to_bytes(4, "little") + b"sfbk" + b"\0" * 100)
    return path


@pytest.fixture
def no_system_fonts(monkeypatch, tmp_path):
    monkeypatch.setattr(sfmod, "SYSTEM_FILES", ())
    monkeypatch.setattr(sfmod, "SYSTEM_FOLDERS", (str(tmp_path / "fonts"),))
    monkeypatch.delenv(ENV_VAR, raising=False)
    return tmp_path / "fonts"


@needs_timgm
def test_explicit_path_wins_over_env(monkeypatch, tmp_path):
    other = fake_sf2(tmp_path / "other.sf2")
    monkeypatch.setenv(ENV_VAR, str(other))
    assert find_soundfont(TIMGM) == TIMGM.resolve()
    assert find_soundfont(str(TIMGM)) == TIMGM.resolve()


def test_env_var_used_without_explicit(monkeypatch, tmp_path, no_system_fonts):
    font = fake_sf2(tmp_path / "env.sf2")
    monkeypatch.setenv(ENV_VAR, str(font))
    assert find_soundfont() == font.resolve()


def test_system_folder_scanned(no_system_fonts):
    no_system_fonts.mkdir()
    (no_system_fonts / "readme.txt").write_text("not a font")
    font = fake_sf2(no_system_fonts / "GeneralUser.SF2")
    assert find_soundfont() == font.resolve()


def test_nothing_found_says_how_to_install(no_system_fonts):
    with pytest.raises(SoundFontNotFound) as err:
        find_soundfont()
    msg = str(err.value)
    assert "sudo apt install fluid-soundfont-gm" in msg and "--soundfont" in msg
    assert isinstance(err.value, MusicFileError)
    assert "\n" not in msg


def test_missing_explicit_path_is_an_error_not_a_fallback(tmp_path):
    with pytest.raises(SoundFontNotFound, match="not found.*nope.sf2.*apt install"):
        find_soundfont(tmp_path / "nope.sf2")


def test_file_that_is_not_a_soundfont(tmp_path, monkeypatch, no_system_fonts):
    bogus = tmp_path / "song.sf2"
    bogus.write_bytes(b"MThd" + b"\0" * 20)
    with pytest.raises(SoundFontNotFound, match="is not a SoundFont"):
        find_soundfont(bogus)
    monkeypatch.setenv(ENV_VAR, str(bogus))
    with pytest.raises(SoundFontNotFound, match="is not a SoundFont"):
        find_soundfont()


@needs_timgm
def test_is_soundfont_reads_the_header(tmp_path):
    assert is_soundfont(TIMGM)
    assert not is_soundfont(tmp_path / "missing.sf2")
    (tmp_path / "short.sf2").write_bytes(b"RIFF")
    assert not is_soundfont(tmp_path / "short.sf2")
