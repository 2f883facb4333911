"""The Model Tools panel's two rows of tabs: families (from the registry) over the family's tools.
Clicked tabs show the tool's page and candidates; the Models menu opens the right family and
tool; at the default dock width of a 1440×900 window every label is whole (the one flat row of
nine tools scrolled, Harmonize half hidden); the last tool comes back with the saved layout."""
import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QToolButton
from roll_helpers import make_song
from test_toolbar_fit import themed  # noqa: F401 (the app's fonts and style set the widths)

from latentroll.app.gui.model_tools.panel import TOOLS
from latentroll.app.gui.models_host import ModelHost
from latentroll.models.registry import MODELS

pytestmark = pytest.mark.timeout(180)


def click_tab(qtbot, bar, text: str) -> None:
    """A real click on the tab of ``bar`` labelled ``text``."""
    index = next(i for i in range(bar.count()) if bar.tabText(i) == text)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    QCoreApplication.processEvents()


def click_tool(qtbot, tools, tool: str) -> None:
    """Click ``tool``'s family tab, then its own tab, the way a user gets to it."""
    tabs = tools.tabs
    family = tabs.family_of(tool)
    click_tab(qtbot, tabs.family_bar, family)
    bar = tabs.tool_bar(family)
    click_tab(qtbot, bar, next(bar.tabText(i) for i in range(bar.count()) if bar.tabData(i) == tool))
    assert tools.tool == tool


@pytest.fixture
def loads(monkeypatch):
    """The models the window asks to load, in order (none is loaded: these are layout tests)."""
    asked: list[str] = []
    monkeypatch.setattr(ModelHost, "ensure_loaded", lambda self, key, retry=False: asked.append(key))
    return asked


def _shown(tools, tool: str) -> bool:
    return tools.stack.currentWidget() is tools.pages[tool] and tools.results.currentWidget() is tools.lists[tool] \
        and tools.pages[tool].isVisible()


def test_families_come_from_the_registry():
    tools = {t: next(e for e in MODELS.values() if t in e.tools) for t in TOOLS}
    assert all(e.family for e in tools.values())
    assert [tools[t].family for t in ("continue", "repair", "harmonize", "groove", "bass_line")] == \
        ["Melody", "Melody", "Chorale", "Drums", "Chords"]


def test_clicking_drums_then_groove_shows_the_groove_page(make_window, loads, qtbot):
    w = make_window(make_song())
    panels = w.model_panels
    panels.actions["tools_panel"].trigger()
    qtbot.waitUntil(panels.tools_dock.isVisible)
    tools = panels.tools
    tabs = tools.tabs
    assert [tabs.family_bar.tabText(i) for i in range(tabs.family_bar.count())] == \
        ["Melody", "Chorale", "Drums", "Chords"]
    assert tools.tool == "continue" and _shown(tools, "continue")
    click_tab(qtbot, tabs.family_bar, "Drums")
    bar = tabs.tool_bar()
    assert [bar.tabText(i) for i in range(bar.count())] == ["Groove", "Drumify", "Continue drums"]
    assert bar.isVisible() and not tabs.tool_bar("Melody").isVisible()
    click_tab(qtbot, bar, "Drumify")
    assert tools.tool == "drumify" and _shown(tools, "drumify")
    click_tab(qtbot, bar, "Groove")
    assert tools.tool == "groove" and _shown(tools, "groove") and not tools.pages["drumify"].isVisible()
    assert tools.banner.key == "groove" and loads[-1] == "groove"
    click_tab(qtbot, tabs.family_bar, "Melody")  # a family keeps the tool it was left on
    assert tools.tool == "continue" and _shown(tools, "continue")
    click_tab(qtbot, tabs.family_bar, "Drums")
    assert tools.tool == "groove"


def test_models_menu_harmonize_opens_chorale_harmonize(make_window, loads, qtbot):
    w = make_window(make_song())
    panels = w.model_panels
    tools = panels.tools
    tools.show_tool("drumify")  # somewhere else first
    action = panels.tool_actions["harmonize"][0]
    menu = next(a.menu() for a in w.menuBar().actions() if a.text().replace("&", "") == "Models")
    assert action in menu.actions()
    panels.refresh_tool_actions()
    assert action.isEnabled(), action.toolTip()
    loads.clear()
    action.trigger()
    qtbot.waitUntil(panels.tools_dock.isVisible)
    assert tools.tabs.family == "Chorale" and tools.tabs.tool_bar().tabText(tools.tabs.tool_bar().currentIndex()) \
        == "Harmonize"
    assert tools.tool == "harmonize" and _shown(tools, "harmonize")
    assert set(loads) == {"cnn"}  # the chorale model only
    loads.clear()
    groove = panels.tool_actions["groove"][0]
    assert groove in menu.actions() and groove.isEnabled(), groove.toolTip()
    groove.trigger()  # Drums was left on Drumify: its model is not loaded on the way to Groove
    assert tools.tabs.family == "Drums" and tools.tool == "groove" and _shown(tools, "groove")
    assert loads == ["groove"]


def _whole(bar) -> list[str]:
    """The labels of ``bar`` that are cut or pushed off it (none, when it fits)."""
    bad = [bar.tabText(i) for i in range(bar.count())
           if not bar.rect().contains(bar.tabRect(i))
           or bar.tabRect(i).width() < bar.fontMetrics().horizontalAdvance(bar.tabText(i))]
    if any(b.isVisible() for b in bar.findChildren(QToolButton)):
        bad.append("(scroll buttons)")
    return bad


def test_every_tab_fits_the_default_dock_at_1440x900(themed, make_window, loads, qtbot):  # noqa: F811
    w = make_window(make_song())
    w.resize(1440, 900)
    panels = w.model_panels
    panels.actions["tools_panel"].trigger()
    qtbot.waitUntil(panels.tools_dock.isVisible)
    qtbot.wait(100)
    tabs = panels.tools.tabs
    assert tabs.family_bar.width() > 0 and panels.tools_dock.width() <= 0.4 * w.width()
    for family in tabs.families:
        click_tab(qtbot, tabs.family_bar, family)
        assert tabs.family == family
        assert _whole(tabs.family_bar) == [] and _whole(tabs.tool_bar()) == [], family


def test_the_last_tool_comes_back_with_the_layout(make_window, loads, tmp_path, qtbot):
    from latentroll.app.gui.paths import AppPaths

    paths = AppPaths.under(tmp_path / "home")
    w = make_window(make_song(), paths=paths)
    panels = w.model_panels
    panels.actions["tools_panel"].trigger()
    qtbot.waitUntil(panels.tools_dock.isVisible)
    click_tool(qtbot, panels.tools, "repair")
    click_tool(qtbot, panels.tools, "drumify")
    w.doc.undo_stack.setClean()
    w.close()
    qtbot.wait(50)

    again = make_window(make_song(), paths=paths)
    tools = again.model_panels.tools
    assert tools.tool == "drumify" and tools.tabs.family == "Drums"
    assert tools.tabs.tool_bar("Melody").tabData(tools.tabs.tool_bar("Melody").currentIndex()) == "repair"
    assert tools.stack.currentWidget() is tools.pages["drumify"]
    assert make_window(make_song()).model_panels.tools.tool == "continue"  # another home: the first tool
