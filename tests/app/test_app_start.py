"""Starting the app: the ``latentroll gui`` command, the Qt binding self-check, and no torch."""
import subprocess
import sys

import pytest

from latentroll.app.cli.errors import UsageError
from latentroll.app.cli.main import build_parser
from latentroll.app.gui.qt_check import binding_is_sound


def test_qt_binding_keeps_reference_counts():
    assert binding_is_sound(), "this PySide6 build corrupts None's reference count: pin PySide6-Essentials<6.12"


def test_gui_command_passes_the_file_to_the_app(monkeypatch, tmp_path):
    import latentroll.app.gui.app as gui_app

    song = tmp_path / "x.mid"
    song.write_bytes(b"")
    seen = []
    monkeypatch.setattr(gui_app, "run", lambda file: seen.append(file) or 0)
    args = build_parser().parse_args(["gui", str(song)])
    assert args.func(args) == 0
    assert seen == [song]


def test_gui_command_rejects_a_missing_file(tmp_path):
    args = build_parser().parse_args(["gui", str(tmp_path / "nope.mid")])
    with pytest.raises(UsageError, match="no such file"):
        args.func(args)


def test_cli_and_gui_start_path_never_import_qt_or_torch_too_early():
    code = ("import sys; from latentroll.app.cli.main import build_parser; build_parser(); "
            "assert 'PySide6' not in sys.modules, 'the CLI imported Qt'; "
            "from latentroll.app.gui import main_window; "
            "assert 'torch' not in sys.modules, 'the GUI start path imported torch'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
