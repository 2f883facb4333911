"""Plug the model panels into the main window: ``ModelPanels(window, actions, doc, ...)``.

Adds the Generate / Style dock, the Model Tools dock (Continue, Repair, Harmonize, Infill), the
Latent Explorer dock (built on first open: pyqtgraph is imported in a worker first), a Models
menu, tool-bar toggles and the models' status in the status bar. A model loads when a panel
that uses it is first shown or used — never at start. A tool whose model has no weights is
greyed out in the menu, with the reason as its tooltip.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QMenu, QToolBar, QVBoxLayout, QWidget

from .clips import ClipAudition, ClipShelf
from .dock_toggle import bring_forward_toggle
from .document import Document
from .editor_state import EditorState
from .model_context import MODEL_KEY, ModelContext
from .models_host import FAILED, MISSING, ModelHost, ModelStatusLabel
from .notify import Notifier
from .playback import PlaybackController
from .window_layout import RightDockSizer
from .workers import Jobs


class LazyDockContent(QWidget):
    """Shows "Preparing…" until ``build`` has made the real panel (first time the dock opens)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.panel: QWidget | None = None
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel("Preparing the explorer…", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setObjectName("dim")
        self._lay.addWidget(self.placeholder)

    def set_panel(self, panel: QWidget) -> None:
        self.placeholder.hide()
        self._lay.addWidget(panel)
        self.panel = panel


def _import_explorer() -> None:
    """Runs in a worker: pyqtgraph and the explorer's modules, so opening it does not stall (nor
    the first map sample the ~10 ms of ``numpy.random`` it imports on first use)."""
    import numpy.random  # noqa: F401
    import pyqtgraph  # noqa: F401

    from .explorer import panel  # noqa: F401


class ModelPanels(QObject):
    """The docks, the shared context and the actions; one per main window."""

    mapSimilarRequested = Signal(float, float)  # the explorer map's "Library Clips Like This Point"

    def __init__(self, window: QMainWindow, actions: dict[str, QAction], doc: Document, state: EditorState,
                 jobs: Jobs, notifier: Notifier, playback: PlaybackController, drag_dir: Path,
                 folder: Callable[[], str], library_dir: Path | None = None):
        """``window`` takes the docks, menu and tool bar; ``actions`` the named actions;
        ``folder`` says where file dialogs open; ``library_dir`` is the user's music library."""
        super().__init__(window)
        self.window = window
        self.actions = actions
        host = ModelHost(jobs, notifier, parent=self)
        shelf = ClipShelf(self)
        audition = ClipAudition(playback, doc, state, self)
        audition.message.connect(notifier.info)
        self.ctx = ModelContext(doc, state, jobs, notifier, host, shelf, audition, drag_dir, folder=folder,
                                library_dir=library_dir)
        self.host = host
        self.status_label = ModelStatusLabel(host, parent=window.statusBar())
        window.statusBar().addPermanentWidget(self.status_label)

        from .generate.panel import GeneratePanel
        from .model_tools.panel import ModelToolsPanel

        # Every panel keeps the full height on the right, as tabs: under the roll, the explorer
        # left the roll one octave and its map and grid a strip (window_layout.py).
        self.sizer = RightDockSizer(window)
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        self.generate = GeneratePanel(self.ctx)
        self.generate_dock = self._dock("generateDock", "Generate / Style", self.generate,
                                        Qt.DockWidgetArea.RightDockWidgetArea,
                                        lambda: self.host.ensure_loaded(self.generate.model_key))
        self.tools = ModelToolsPanel(self.ctx)  # loads its tool's model when shown
        self.tools_dock = self._dock("toolsDock", "Model Tools", self.tools, Qt.DockWidgetArea.RightDockWidgetArea)
        window.tabifyDockWidget(self.generate_dock, self.tools_dock)
        self.explorer_content = LazyDockContent()
        self.explorer = None
        self.explorer_dock = self._dock("explorerDock", "Latent Explorer", self.explorer_content,
                                        Qt.DockWidgetArea.RightDockWidgetArea,
                                        lambda: self.host.ensure_loaded(MODEL_KEY))
        window.tabifyDockWidget(self.tools_dock, self.explorer_dock)
        self.explorer_dock.visibilityChanged.connect(self._on_explorer_visible)
        self._explorer_loading = False
        self._install_actions()

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea,
              load: Callable[[], None] | None = None) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.window.addDockWidget(area, dock)
        dock.hide()
        self.sizer.watch(dock)
        if load is not None:
            dock.visibilityChanged.connect(lambda visible: visible and load())
        return dock

    # ---- the explorer is built on first open -------------------------------------------
    def _on_explorer_visible(self, visible: bool) -> None:
        if not visible or self.explorer is not None or self._explorer_loading:
            return
        self._explorer_loading = True
        self.ctx.jobs.start("explorer-import", _import_explorer, label="Preparing the explorer",
                               on_result=lambda _r: self._build_explorer())

    def _build_explorer(self) -> None:
        from .explorer.panel import ExplorerPanel

        panel = ExplorerPanel(self.ctx)
        self.explorer_content.set_panel(panel)
        panel.built.connect(lambda: self._explorer_built(panel))

    def _explorer_built(self, panel) -> None:
        self.explorer = panel
        self._explorer_loading = False
        panel.map.similarRequested.connect(self.mapSimilarRequested)

    def show_explorer(self, tab: str | None = None) -> None:
        self.explorer_dock.show()
        self.explorer_dock.raise_()
        if tab is not None and self.explorer is not None:
            self.explorer.show_tab(tab)

    def show_generate(self) -> None:
        self.generate_dock.show()
        self.generate_dock.raise_()

    def show_tool(self, tool: str) -> None:
        """Open the Model Tools dock on ``tool``'s page."""
        self.tools.show_tool(tool)  # first: showing the dock loads the shown tool's model
        self.tools_dock.show()
        self.tools_dock.raise_()

    # ---- menus and tool bar ------------------------------------------------------------
    def _install_actions(self) -> None:
        win = self.window
        gen = bring_forward_toggle(self.generate_dock)
        gen.setText("&Generate / Style Panel")
        gen.setIconText("Generate")  # the tool bar's short label; the tooltip has the full name
        gen.setToolTip("Generate / Style panel (Ctrl+G)")
        gen.setShortcut(QKeySequence("Ctrl+G"))
        gen.setStatusTip("Generate melodies in a style and key, or transfer the selection to a style")
        tools = bring_forward_toggle(self.tools_dock)
        tools.setText("Model &Tools Panel")
        tools.setIconText("Tools")
        tools.setToolTip("Model Tools panel (Ctrl+Shift+T)")
        tools.setShortcut(QKeySequence("Ctrl+Shift+T"))
        tools.setStatusTip("Continue, repair, harmonize or infill what is selected in the piano roll")
        exp = bring_forward_toggle(self.explorer_dock)
        exp.setText("Latent &Explorer")
        exp.setIconText("Explorer")
        exp.setToolTip("Latent Explorer (Ctrl+Shift+G)")
        exp.setShortcut(QKeySequence("Ctrl+Shift+G"))
        exp.setStatusTip("Interpolate between clips, blend four corners, browse the 2-D map of melodies")
        transfer = QAction("&Transfer Selection to Style…", win)
        transfer.setStatusTip("Re-write the selected notes in the style chosen in the Generate panel")
        transfer.triggered.connect(lambda _c=False: (self.show_generate(), self.generate.transfer()))
        named = [("generate_panel", gen), ("tools_panel", tools), ("explorer_panel", exp),
                 ("transfer_style", transfer)]
        self.tool_actions: dict[str, tuple[QAction, str]] = {}
        for tool, text, tip, run_now in TOOL_ACTIONS:
            act = QAction(text, win)
            act.triggered.connect(lambda _c=False, t=tool, now=run_now: self.use_tool(t, now))
            self.tool_actions[tool] = (act, tip)
            named.append((f"{tool}_selection" if tool != "infill" else "infill_region", act))
        folders = QMenu("Model &Folders", win)
        for key, spec in self.host.specs.items():
            act = folders.addAction(f"{spec.label}…")
            act.setStatusTip(f"Load the {spec.label} weights from another folder")
            act.triggered.connect(lambda _c=False, k=key: self.choose_model_folder(k))
            named.append((f"model_folder_{key}", act))
        reload_ = QAction("&Reload Models", win)
        reload_.setStatusTip("Look again for the weights of models that failed to load")
        reload_.triggered.connect(lambda _c=False: self.reload_models())
        named.append(("reload_model", reload_))
        for name, act in named:
            win.addAction(act)
            self.actions[name] = act
        bar = win.menuBar()
        help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        menu = bar.addMenu("&Models")
        if help_action is not None:
            bar.insertMenu(help_action, menu)
        menu.setToolTipsVisible(True)  # a greyed-out tool says why on hover
        for act in (gen, tools, exp, None, transfer, *(a for a, _tip in self.tool_actions.values()), None):
            menu.addSeparator() if act is None else menu.addAction(act)
        menu.addMenu(folders)
        menu.addAction(reload_)
        menu.aboutToShow.connect(self.refresh_tool_actions)
        self.host.statusChanged.connect(lambda _k: self.refresh_tool_actions())
        self.refresh_tool_actions()
        bar_ = QToolBar("Models", win)
        bar_.setObjectName("modelsToolBar")
        for act in (gen, tools, exp):
            bar_.addAction(act)
        win.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar_)

    def refresh_tool_actions(self) -> None:
        """Grey out a tool whose model has no weights, saying why (one stat per model)."""
        for tool, (act, tip) in self.tool_actions.items():
            reason = self.host.missing_reason(self.tools.models[tool])
            act.setEnabled(not reason)
            act.setToolTip(reason or tip)
            act.setStatusTip(reason or tip)

    def use_tool(self, tool: str, run_now: bool) -> None:
        """A Models-menu tool: open its page; a tool without options ("Repair") also runs."""
        self.refresh_tool_actions()
        reason = self.host.missing_reason(self.tools.models[tool])
        self.show_tool(tool)
        if reason:
            self.ctx.notifier.info(reason)
        elif run_now:
            self.tools.run_when_ready(tool)
        else:
            self.tools.page(tool).run_button.setFocus()

    def reload_models(self) -> None:
        for key in self.host.specs:
            if self.host.status(key) in (MISSING, FAILED):
                self.host.ensure_loaded(key, retry=True)
        self.refresh_tool_actions()

    def choose_model_folder(self, key: str = MODEL_KEY) -> None:
        spec = self.host.specs[key]
        chosen = QFileDialog.getExistingDirectory(self.window, f"{spec.label} folder", str(self.host.model_dir(key)))
        if chosen:
            self.host.set_model_dir(key, Path(chosen))
            self.host.ensure_loaded(key)


TOOL_ACTIONS = (  # tool, menu text, what it does, runs at once (no options to set first)
    ("continue", "&Continue Selection…", "Write what comes after the selected notes (melody LSTM)", False),
    ("repair", "&Repair Selection", "Fix the wrong notes in the selected melody (repair network)",
     True),
    ("harmonize", "&Harmonize Selection…", "Add alto, tenor and bass under the selected melody (chorale CNN)",
     False),
    ("infill", "&Infill Region…", "Rewrite the chosen voices in the loop region or the selection's span "
                                  "(chorale CNN)", False),
    ("chords", "Suggest C&hords…", "Chord progressions for the selected melody, into the chord lane", False),
    ("bass_line", "&Bass Line…", "Bass lines that follow the chord lane's chords", False),
    ("groove", "&Groove Drums…", "Performed velocity and timing for the selected (quantized) drum hits", False),
    ("drumify", "&Drumify Selection…", "A drum part that follows the rhythm of the selected notes", False),
    ("drums_continue", "Continue &Drums…", "Write what comes after the selected drum hits", False),
)
