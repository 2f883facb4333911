"""User notifications: every error a user must see goes through ``Notifier``.

Known user-facing errors (bad file, no SoundFont, impossible edit) show their message verbatim;
anything else is an unexpected error and carries its traceback in the dialog's details.
Dialogs are window-modal but opened with ``open()`` so nothing blocks the event loop.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from latentroll.core.commands import CommandError
from latentroll.core.io.errors import MusicFileError
from latentroll.core.theory import ScaleError

INFO, WARNING, ERROR = "info", "warning", "error"


def user_error_types() -> tuple[type[BaseException], ...]:
    """Exceptions whose message is written for users."""
    types: list[type[BaseException]] = [MusicFileError, CommandError, ScaleError]
    try:
        from latentroll.core.audio.soundfont import SoundFontNotFound
        types.append(SoundFontNotFound)
    except ImportError:
        pass
    try:
        from latentroll.core.audio.playback import AudioUnavailable
        types.append(AudioUnavailable)
    except ImportError:
        pass
    try:
        from latentroll.models.common.errors import MelodyError  # model panels: written for users
        types.append(MelodyError)
    except ImportError:
        pass
    return tuple(types)


@dataclass(frozen=True)
class Notification:
    level: str
    text: str
    details: str = ""


def describe_error(what: str, exc: BaseException) -> Notification:
    if isinstance(exc, user_error_types()):
        return Notification(ERROR, str(exc) or f"{what} failed")
    details = getattr(exc, "__latentroll_traceback__", "") or repr(exc)
    return Notification(ERROR, f"{what} failed: {type(exc).__name__}: {exc}", details)


class Notifier(QObject):
    notified = Signal(object)  # Notification

    def __init__(self, parent_widget: QWidget | None = None, dialogs: bool = True):
        super().__init__(parent_widget)
        self._parent = parent_widget
        self.dialogs = dialogs
        self.history: list[Notification] = []
        self._open_boxes: list[QMessageBox] = []

    def info(self, text: str) -> None:
        self._emit(Notification(INFO, text))

    def warning(self, text: str) -> None:
        self._emit(Notification(WARNING, text))

    def error(self, what: str, exc: BaseException) -> None:
        note = describe_error(what, exc)
        self._emit(note)
        if self.dialogs:
            self._show_box(note)

    def _emit(self, note: Notification) -> None:
        self.history.append(note)
        del self.history[:-50]
        self.notified.emit(note)

    def _show_box(self, note: Notification) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "LatentRoll", note.text,
                          QMessageBox.StandardButton.Ok, self._parent)
        if note.details:
            box.setDetailedText(note.details)
        box.setObjectName("errorBox")
        self._open_boxes.append(box)
        box.finished.connect(lambda _r, b=box: self._closed(b))
        box.open()

    def _closed(self, box: QMessageBox) -> None:
        if box in self._open_boxes:
            self._open_boxes.remove(box)
        box.deleteLater()

    def open_dialogs(self) -> list[QMessageBox]:
        return list(self._open_boxes)
