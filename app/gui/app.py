"""Start the desktop app: ``run(file)`` sets the process up (``UiInterpreter``), then creates the
QApplication, theme and main window. Process-wide settings belong here, not to any window."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from .paths import APP_NAME


def run(file: str | Path | None = None, argv: list[str] | None = None) -> int:
    from .qt_check import binding_is_sound, broken_binding_message

    if not binding_is_sound():
        raise RuntimeError(broken_binding_message())
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    from .gc_control import UiInterpreter
    from .main_window import MainWindow
    from .theme import apply_theme

    apply_theme(app)
    interpreter = UiInterpreter(app)
    try:
        window = MainWindow(initial_file=file)
        window.show()
        return app.exec()
    finally:
        interpreter.restore()
