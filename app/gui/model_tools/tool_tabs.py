"""The Model Tools panel's two rows of tabs: the tool families (Melody, Chorale, Drums, Chords:
the registry's ``family`` of each tool's model) and, under them, the shown family's tools.

One row of all nine tools scrolled at the default dock width (Harmonize half hidden); a row of
four families over a row of at most three tools fits. Each family's row keeps its own tool, so
going back to a family finds the tool the user left, and both rows come back with the saved
layout (``remember_tab``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSizePolicy, QStackedWidget, QTabBar, QVBoxLayout, QWidget

from ..window_layout import remember_tab


@dataclass(frozen=True)
class ToolTab:
    """One tool's tab: its key, its title, the family it is shown under, its tooltip."""

    tool: str
    title: str
    family: str
    tip: str = ""


def _bar(parent: QWidget, name: str) -> QTabBar:
    bar = QTabBar(parent)
    bar.setObjectName(name)
    bar.setDocumentMode(True)
    bar.setExpanding(True)
    bar.setElideMode(Qt.TextElideMode.ElideNone)  # a label is whole or the bar scrolls (tests check it never does)
    bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # never widens the dock
    remember_tab(bar)
    return bar


class ToolTabs(QWidget):
    """The family row over the shown family's tool row; ``toolChanged`` says which tool is shown."""

    toolChanged = Signal(str)

    def __init__(self, tabs: Sequence[ToolTab], parent=None):
        super().__init__(parent)
        self.families: tuple[str, ...] = tuple(dict.fromkeys(t.family for t in tabs))  # in the tools' order
        self._tools = {f: [t for t in tabs if t.family == f] for f in self.families}
        self.family_bar = _bar(self, "modelToolFamilies")
        font = self.family_bar.font()
        font.setBold(True)  # the upper row reads as the heading of the one under it
        self.family_bar.setFont(font)
        self.stack = QStackedWidget(self)
        self.stack.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._bars: dict[str, QTabBar] = {}
        for family in self.families:
            i = self.family_bar.addTab(family)
            self.family_bar.setTabData(i, family)
            self.family_bar.setTabToolTip(i, ", ".join(t.title for t in self._tools[family]))
            bar = _bar(self.stack, f"modelTools{family.replace(' ', '')}")
            for t in self._tools[family]:
                j = bar.addTab(t.title)
                bar.setTabData(j, t.tool)
                bar.setTabToolTip(j, t.tip)
            bar.currentChanged.connect(lambda _i, b=bar: b is self.tool_bar() and self.toolChanged.emit(self.tool))
            self._bars[family] = bar
            self.stack.addWidget(bar)
        self.stack.setFixedHeight(max(b.sizeHint().height() for b in self._bars.values()))
        self.family_bar.currentChanged.connect(self._on_family)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.family_bar)
        lay.addWidget(self.stack)

    @property
    def family(self) -> str:
        return self.families[self.family_bar.currentIndex()]

    def tool_bar(self, family: str | None = None) -> QTabBar:
        """``family``'s row of tools (default: the shown family's)."""
        return self._bars[family or self.family]

    @property
    def tool(self) -> str:
        bar = self.tool_bar()
        return bar.tabData(bar.currentIndex())

    def family_of(self, tool: str) -> str:
        return next(f for f, tabs in self._tools.items() if any(t.tool == tool for t in tabs))

    def set_tool(self, tool: str) -> None:
        """Show ``tool`` under its family: one ``toolChanged``, never one for a tool on the way."""
        family = self.family_of(tool)
        bar = self._bars[family]
        bar.setCurrentIndex(next(i for i in range(bar.count()) if bar.tabData(i) == tool))  # silent unless shown
        self.family_bar.setCurrentIndex(self.families.index(family))

    def _on_family(self, _index: int) -> None:
        self.stack.setCurrentWidget(self.tool_bar())
        self.toolChanged.emit(self.tool)
