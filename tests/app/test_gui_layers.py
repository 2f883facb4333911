"""app/gui has no import cycle, and its import-linter layers contract (pyproject.toml) places
every one of its modules, so the contract (``scripts/lint_imports.sh``) covers all of app/gui.

The graph is grimp's, as import-linter sees it (imports inside functions and under
TYPE_CHECKING count), built in a child process over a mirror package: grimp cannot walk the
editable install's mapped namespace (see scripts/lint_imports.sh)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUI = "latentroll.app.gui"

_GRAPH_SCRIPT = f"""
import json, grimp
graph = grimp.build_graph("latentroll", cache_dir=None)
gui = sorted(m for m in graph.modules if m.startswith("{GUI}."))
print(json.dumps({{m: sorted(i for i in graph.find_modules_directly_imported_by(m) if i.startswith("{GUI}."))
                  for m in gui}}))
"""


@pytest.fixture(scope="module")
def gui_imports(tmp_path_factory) -> dict[str, list[str]]:
    """``{module: [gui modules it imports]}`` for every module under app/gui."""
    mirror = tmp_path_factory.mktemp("mirror")
    (mirror / "latentroll").mkdir()
    (mirror / "latentroll" / "__init__.py").touch()
    for name in ("core", "models", "app", "resources"):
        (mirror / "latentroll" / name).symlink_to(ROOT / name, target_is_directory=True)
    out = subprocess.run([sys.executable, "-c", _GRAPH_SCRIPT], capture_output=True, text=True, check=True,
                         cwd=mirror, env={**os.environ, "PYTHONPATH": str(mirror)}, timeout=120)
    return json.loads(out.stdout)


def _gui_layers() -> list[list[str]]:
    """The gui contract's layers, top first, each as its full module names."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c.get("containers") == [GUI])
    return [[f"{GUI}.{tail.strip()}" for tail in layer.replace("|", ":").split(":")] for layer in contract["layers"]]


def import_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": ["b"], "b": []}) == []


def test_app_gui_has_no_import_cycle(gui_imports):
    assert f"{GUI}.main_window" in gui_imports  # the graph is the real one
    assert import_cycles(gui_imports) == []


def test_every_gui_module_sits_in_one_layer(gui_imports):
    layers = _gui_layers()
    placed = [m for layer in layers for m in layer]
    assert len(placed) == len(set(placed)), "a module is named in two layers"
    unplaced = [m for m in gui_imports
                if not any(m == p or m.startswith(p + ".") for p in placed)]
    assert unplaced == [], f"add these app/gui modules to a layer of the gui contract in pyproject.toml: {unplaced}"
    missing = [p for p in placed if p not in gui_imports and not any(m.startswith(p + ".") for m in gui_imports)]
    assert missing == [], f"the gui contract names modules that do not exist: {missing}"


def test_installers_and_panels_never_import_the_main_window(gui_imports):
    """The assembly takes explicit parts or narrow Protocols; only ``app`` builds the window."""
    importers = sorted(m for m, imported in gui_imports.items() if f"{GUI}.main_window" in imported)
    assert importers == [f"{GUI}.app"]
