"""The track's instrument box: a combo whose list is grouped by General MIDI family (Piano,
Organ, Guitar, …, then the drum kit) with a filter on top, so typing "viol" leaves Violin and
Viola instead of scrolling a flat list of 128.

The combo's own model is unchanged (index = GM program, the drum kit last), so ``activated``,
``currentIndex`` and ``currentText`` mean what they did; only the list it opens differs. Its
face shows the name cut with "…" and the whole name as its tooltip.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .instruments import DRUM_KIT, DRUMS_FAMILY, GM_FAMILIES, GM_PROGRAMS

INDEX_ROLE = Qt.ItemDataRole.UserRole
POPUP_SIZE = (300, 420)


class InstrumentPopup(QFrame):
    """The grouped, filtered list; ``picked(index)`` with the combo index of the chosen entry."""

    picked = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("instrumentPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Type to filter: viol, brass, 41…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.installEventFilter(self)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.tree.itemClicked.connect(lambda item, _col: self._pick(item))
        self.tree.itemActivated.connect(lambda item, _col: self._pick(item))
        self.families: list[QTreeWidgetItem] = []
        for f, family in enumerate((*GM_FAMILIES, DRUMS_FAMILY)):
            head = QTreeWidgetItem([family])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: not selectable
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            entries = [(len(GM_PROGRAMS), DRUM_KIT)] if family == DRUMS_FAMILY else \
                [(p, f"{p + 1:3d} {GM_PROGRAMS[p]}") for p in range(f * 8, f * 8 + 8)]
            for index, text in entries:
                item = QTreeWidgetItem([text.strip()])
                item.setData(0, INDEX_ROLE, index)
                head.addChild(item)
            self.tree.addTopLevelItem(head)
            self.families.append(head)
        self.tree.expandAll()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addWidget(self.filter)
        lay.addWidget(self.tree, 1)
        self.resize(*POPUP_SIZE)

    def entries(self) -> list[QTreeWidgetItem]:
        return [head.child(i) for head in self.families for i in range(head.childCount())]

    def visible_entries(self) -> list[QTreeWidgetItem]:
        return [item for item in self.entries() if not item.isHidden() and not item.parent().isHidden()]

    def apply_filter(self, text: str) -> None:
        """Keep the entries whose name, number or family holds every word typed."""
        words = text.lower().split()
        for head in self.families:
            family = head.text(0).lower()
            shown = 0
            for i in range(head.childCount()):
                item = head.child(i)
                hay = f"{item.text(0).lower()} {family}"
                item.setHidden(not all(w in hay for w in words))
                shown += not item.isHidden()
            head.setHidden(shown == 0)
        first = next(iter(self.visible_entries()), None)
        if first is not None:
            self.tree.setCurrentItem(first)

    def open_at(self, pos: QPoint, current: int) -> None:
        self.filter.clear()
        self.apply_filter("")
        item = next((it for it in self.entries() if it.data(0, INDEX_ROLE) == current), None)
        if item is not None:
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item, QTreeWidget.ScrollHint.PositionAtCenter)
        self.move(pos)
        self.show()
        self.filter.setFocus()

    def eventFilter(self, obj, event) -> bool:
        """In the filter: ↑/↓ move through the list, Enter picks."""
        if obj is self.filter and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                current = self.tree.currentItem()
                if current is not None and not current.isHidden():
                    self._pick(current)
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                shown = self.visible_entries()
                if shown:
                    at = shown.index(self.tree.currentItem()) if self.tree.currentItem() in shown else -1
                    step = 1 if key == Qt.Key.Key_Down else -1
                    self.tree.setCurrentItem(shown[max(0, min(len(shown) - 1, at + step))])
                return True
        return super().eventFilter(obj, event)

    def _pick(self, item: QTreeWidgetItem) -> None:
        index = item.data(0, INDEX_ROLE)
        if index is None:
            return
        self.hide()
        self.picked.emit(int(index))


class InstrumentCombo(QComboBox):
    """A combo over the GM list that opens the grouped, filtered ``InstrumentPopup``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.popup: InstrumentPopup | None = None  # built on first open
        self.currentTextChanged.connect(lambda text: self.setToolTip(f"Instrument: {text.strip()}"))

    def showPopup(self) -> None:  # noqa: N802 (Qt's name)
        if self.popup is None:
            self.popup = InstrumentPopup(self)
            self.popup.picked.connect(self._picked)
        self.popup.open_at(self.mapToGlobal(QPoint(0, self.height())), self.currentIndex())

    def hidePopup(self) -> None:  # noqa: N802
        if self.popup is not None:
            self.popup.hide()
        super().hidePopup()

    def _picked(self, index: int) -> None:
        self.setCurrentIndex(index)
        self.activated.emit(index)

    def paintEvent(self, _event) -> None:  # noqa: N802
        """The current name cut with "…" to the box (Qt clips it mid-letter)."""
        p = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        p.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        opt.currentText = self.fontMetrics().elidedText(opt.currentText.strip(), Qt.TextElideMode.ElideRight,
                                                        field.width())
        p.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)
