"""The small windows of the library: the form it asks with (a piece's name, style, tags and
favourite flag, when saving to the library and when editing an entry), and the report after a
folder import (what came in, and each skipped file with why)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from latentroll.core.library import ImportReport, normalize_tags

from ..model_controls import style_title


@dataclass(frozen=True)
class PieceDetails:
    title: str
    style: str = ""
    tags: tuple[str, ...] = ()
    favourite: bool = False


class DetailsDialog(QDialog):
    def __init__(self, heading: str, details: PieceDetails, styles: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(heading)
        self.setObjectName("libraryDetailsDialog")
        self.title = QLineEdit(details.title, self)
        self.title.setObjectName("libraryTitle")
        self.title.selectAll()
        self.style = QComboBox(self)
        self.style.setEditable(True)
        for style in ("", *styles):  # shown as "Scottish air", kept as the corpus's "scottish_air"
            self.style.addItem(style_title(style), style)
        known = self.style.findData(details.style)
        if known >= 0:
            self.style.setCurrentIndex(known)
        else:
            self.style.setCurrentText(details.style)
        self.style.setToolTip("A style of your own or one of the corpus's")
        self.tags = QLineEdit(", ".join(details.tags), self)
        self.tags.setPlaceholderText("comma-separated, e.g. bass line, idea, 6/8")
        self.favourite = QCheckBox("Favourite", self)
        self.favourite.setChecked(details.favourite)
        self.error = QLabel("", self)
        self.error.setObjectName("dim")
        form = QFormLayout()
        form.addRow("Name", self.title)
        form.addRow("Style", self.style)
        form.addRow("Tags", self.tags)
        form.addRow("", self.favourite)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        parent=self)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.title.textChanged.connect(lambda t: self.buttons.button(QDialogButtonBox.StandardButton.Save)
                                       .setEnabled(bool(t.strip())))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.resize(380, self.sizeHint().height())

    def details(self) -> PieceDetails:
        return PieceDetails(self.title.text().strip(), self.style_id(),
                            normalize_tags(self.tags.text()), self.favourite.isChecked())

    def style_id(self) -> str:
        """The corpus's id of a listed style (typed or picked), else the text as typed."""
        text = self.style.currentText().strip()
        listed = self.style.findText(text, Qt.MatchFlag.MatchFixedString)  # case-insensitive
        return self.style.itemData(listed) if listed >= 0 else text

    def _accept(self) -> None:
        if not self.title.text().strip():
            self.error.setText("Give it a name")
            return
        self.accept()


def ask_details(parent: QWidget | None, heading: str, details: PieceDetails, styles: list[str]) -> PieceDetails | None:
    """Modal form; None when cancelled."""
    dialog = DetailsDialog(heading, details, styles, parent)
    try:
        return dialog.details() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


class ImportReportDialog(QDialog):
    """After a folder import: the summary, and a table of the skipped files and why (non-modal
    to the app: ``open()`` it; it deletes itself when closed)."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Folder Import")
        self.setObjectName("libraryImportReport")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.summary = QLabel(report.summary(), self)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(len(report.skipped), 2, self)
        self.table.setHorizontalHeaderLabels(["Skipped file", "Why"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, skipped in enumerate(report.skipped):
            self.table.setItem(row, 0, QTableWidgetItem(skipped.path))
            self.table.setItem(row, 1, QTableWidgetItem(skipped.reason))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        self.resize(560, 320)

    def rows(self) -> list[tuple[str, str]]:
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text()) for r in range(self.table.rowCount())]
