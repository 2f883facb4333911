"""Status bar pieces: running jobs with progress and a cancel button, song info, audio state."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from .notify import ERROR, Notification, Notifier
from .workers import Jobs

BACKGROUND = ("autosave", "audio-probe", "warm-up")  # not shown: the user did not ask for them
MESSAGE_MS = {"info": 4000, "warning": 8000, "error": 12000}


class JobStatus(QWidget):
    """Shows the newest running job: its label, a progress bar (busy when the job reports no
    progress) and a cancel button."""

    def __init__(self, jobs: Jobs, parent=None):
        super().__init__(parent)
        self.jobs = jobs
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setFixedWidth(140)
        self.bar.setTextVisible(False)
        self.cancel = QToolButton(self)
        self.cancel.setText("✕")
        self.cancel.setToolTip("Cancel")
        self.cancel.clicked.connect(self._cancel)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel)
        jobs.jobsChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        running = [j for j in self.jobs.running() if j.kind not in BACKGROUND]
        self.setVisible(bool(running))
        if not running:
            return
        job = running[-1]
        more = f" (+{len(running) - 1})" if len(running) > 1 else ""
        self.label.setText(job.label + more)
        if job.total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * job.done / job.total))
        else:
            self.bar.setRange(0, 0)  # busy indicator

    def _cancel(self) -> None:
        running = [j for j in self.jobs.running() if j.kind not in BACKGROUND + ("save",)]
        if running:
            running[-1].worker.cancel()
            self.refresh()


def install_status_bar(bar: QStatusBar, jobs: Jobs, notifier: Notifier) -> dict[str, QWidget]:
    """Adds the permanent widgets; returns them by name."""
    jobs_widget = JobStatus(jobs, bar)
    info = QLabel(bar)
    audio = QLabel(bar)
    audio.setToolTip("Audio output")
    bar.addPermanentWidget(jobs_widget)
    bar.addPermanentWidget(info)
    bar.addPermanentWidget(audio)

    def show(note: Notification) -> None:
        text = note.text if note.level != ERROR else f"⚠ {note.text}"
        bar.showMessage(text, MESSAGE_MS.get(note.level, 5000))

    notifier.notified.connect(show)
    bar.setSizeGripEnabled(False)
    audio.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return {"jobs": jobs_widget, "info": info, "audio": audio}
