"""The Corpus tab builds the corpus itself (issue 14: it only said to run `latentroll data build`):
"Build corpus" (clicked) parses in helper processes with progress, then the tab lists the tunes;
Cancel (clicked) stops it within a second and writes no cache. The app's process imports
neither torch nor music21 for it."""
import multiprocessing
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt

from latentroll.models.data.corpus import CACHE_VERSION

pytestmark = pytest.mark.timeout(120)

BOOK = """X:{n}
T:Reel number {n}
M:4/4
L:1/8
K:D
DFAd fdAF|GBdg bgdB|AFDF A2 AB|defd e2 de|]

X:{m}
T:Jig number {m}
M:6/8
L:1/8
K:G
GAB cBA|BAG E3|GAB dBG|A3 A3|]
"""


def _sources(tmp_path, files: int) -> list[tuple[str, str]]:
    folder = tmp_path / "abc"
    folder.mkdir()
    out = []
    for k in range(files):
        path = folder / f"book{k}.abc"
        path.write_text(BOOK.format(n=2 * k + 1, m=2 * k + 2))
        out.append((str(path), "irish"))
    return out


def _corpus_tab(make_window, qtbot, tmp_path, monkeypatch, files: int):
    cache = tmp_path / "cache"
    monkeypatch.setenv("LATENTROLL_CACHE", str(cache))
    w = make_window()
    dock = w.library_dock
    w.actions["library_panel"].trigger()
    qtbot.waitUntil(lambda: dock.dock.isVisible())
    dock.controller.corpus_sources = _sources(tmp_path, files)
    panel = dock.panel
    panel.tabs.setCurrentWidget(panel.corpus)
    qtbot.waitUntil(lambda: panel.build_button.isVisible(), timeout=10000)  # no cache: the tab offers the build
    assert "latentroll data build" in panel.corpus.note.text() and panel.corpus.table.rowCount() == 0
    return w, dock, cache / f"{CACHE_VERSION}.npz"


def test_build_corpus_button_builds_and_lists_the_tunes(make_window, qtbot, tmp_path, monkeypatch):
    w, dock, cache = _corpus_tab(make_window, qtbot, tmp_path, monkeypatch, files=3)
    panel = dock.panel
    assert not cache.exists()
    qtbot.mouseClick(panel.build_button, Qt.MouseButton.LeftButton)
    assert panel.build_button.text() == "Cancel" and not panel.reload_button.isEnabled()
    qtbot.waitUntil(lambda: " of 3 files parsed" in panel.corpus.note.text(), timeout=30000)
    qtbot.waitUntil(lambda: panel.corpus.table.rowCount() == 6, timeout=60000)
    assert cache.is_file()
    assert not panel.build_button.isVisible() and panel.reload_button.isEnabled()
    assert not panel.corpus.note.isVisible()
    titles = {panel.corpus.table.rows[i].title for i in range(6)}
    assert titles == {f"Reel number {n}" for n in (1, 3, 5)} | {f"Jig number {n}" for n in (2, 4, 6)}
    assert any("Built the corpus: 6 tunes" in n.text for n in w.notifier.history)


def test_cancel_stops_the_build_within_a_second_and_writes_nothing(make_window, qtbot, tmp_path, monkeypatch):
    w, dock, cache = _corpus_tab(make_window, qtbot, tmp_path, monkeypatch, files=200)
    panel = dock.panel
    children = set(multiprocessing.active_children())
    qtbot.mouseClick(panel.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: " of 200 files parsed" in panel.corpus.note.text(), timeout=30000)
    assert dock.controller.building is not None, "still parsing"
    qtbot.mouseClick(panel.build_button, Qt.MouseButton.LeftButton)  # it reads Cancel
    t0 = time.monotonic()
    qtbot.waitUntil(lambda: dock.controller.building is None, timeout=5000)
    assert time.monotonic() - t0 < 1.0
    assert not cache.parent.exists() or not any(cache.parent.iterdir()), "no cache, no half-written temp file"
    assert set(multiprocessing.active_children()) <= children, "the parser processes are gone"
    qtbot.waitUntil(lambda: "cancelled" in panel.corpus.note.text(), timeout=10000)
    assert panel.build_button.text() == "Build corpus" and panel.build_button.isVisible()
    assert panel.corpus.table.rowCount() == 0


def test_the_build_imports_neither_torch_nor_music21_in_the_app(tmp_path):
    """The worker's function in a fresh interpreter: what it imports is what the app's process would."""
    sources = _sources(tmp_path, 2)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from latentroll.app.gui.library_panel.corpus_rows import build_corpus_listing\n"
        f"listing = build_corpus_listing(Path({str(tmp_path / 'c.npz')!r}), {sources!r}, 1)\n"
        "assert len(listing.rows) == 4, listing.rows\n"
        "print(sorted(m for m in ('torch', 'music21') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
