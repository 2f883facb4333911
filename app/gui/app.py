"""Start the desktop app: ``run(file)`` creates the QApplication, theme and main window."""
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
    from .main_window import MainWindow
    from .theme import apply_theme

    apply_theme(app)
    window = MainWindow(initial_file=file)
    window.show()
    return app.exec()
