"""README's "Where things live" says where ``AppPaths`` really puts each file, and its environment
table lists every ``LATENTROLL_*`` variable the sources read."""
import re
import sys
from pathlib import Path

import pytest

from latentroll.core.app_paths import AppPaths
from latentroll.models.data.corpus import default_cache_path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

# Each documented path, and a word its README line must contain (so a path is not filed under the
# wrong heading, as when the settings were said to be in Qt's own store).
DOCUMENTED = {
    "settings_file": "Settings",
    "recovery_dir": "recovery",
    "library_dir": "library",
    "native_dir": "compiled",
    "drag_dir": "Dragged",
}


def section(title: str) -> str:
    text = README.read_text()
    start = text.index(f"\n{title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def documented_paths(text: str, home: Path) -> dict[Path, str]:
    """``~/…`` paths in backticks → the line that names them."""
    found = {}
    for line in re.split(r"\n(?=- |\S)", text):
        for raw in re.findall(r"`(~/[^`]*)`", line):
            found[home / raw[2:].rstrip("/")] = line
    return found


@pytest.fixture
def linux_defaults(monkeypatch, tmp_path):
    """``AppPaths.default()`` as on a fresh Linux account whose home is ``tmp_path``."""
    if not sys.platform.startswith("linux"):
        pytest.skip("README gives the Linux folders")
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "LATENTROLL_HOME", "LATENTROLL_CACHE"):
        monkeypatch.delenv(var, raising=False)
    return AppPaths.default()


def test_where_things_live_matches_app_paths(linux_defaults, tmp_path):
    paths = linux_defaults
    doc = documented_paths(section("## Where things live"), tmp_path)
    real = {name: getattr(paths, name) for name in DOCUMENTED}
    for name, word in DOCUMENTED.items():
        assert real[name] in doc, f"README does not give {name} = {real[name]}"
        assert word in doc[real[name]], f"README files {real[name]} under the wrong heading"
    corpus = default_cache_path()
    assert corpus in doc and "corpus" in doc[corpus]
    known = {*real.values(), corpus, paths.data_dir, paths.cache_dir}
    assert not set(doc) - known, f"README names folders AppPaths does not use: {set(doc) - known}"


def test_every_app_path_is_documented(linux_defaults, tmp_path):
    """A path ``AppPaths`` adds must be added to the README too."""
    props = {n for n, v in vars(AppPaths).items() if isinstance(v, property)}
    assert props - {"corpus_dir"} == set(DOCUMENTED), "document the new AppPaths folder in README and here"


def test_home_and_cache_variables_move_the_roots(monkeypatch, tmp_path):
    monkeypatch.setenv("LATENTROLL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LATENTROLL_CACHE", raising=False)
    assert AppPaths.default() == AppPaths.under(tmp_path / "home")
    monkeypatch.setenv("LATENTROLL_CACHE", str(tmp_path / "cache"))
    paths = AppPaths.default()
    assert paths.data_dir == tmp_path / "home" / "data" and paths.cache_dir == tmp_path / "cache"
    assert default_cache_path().parent == tmp_path / "cache"


def test_every_environment_variable_is_documented():
    table = section("### Environment variables")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(LATENTROLL_[A-Z<>_]+)` \|(.*)$", table, re.M)}
    used = set()
    for package in ("core", "models", "app"):
        for source in (ROOT / package).rglob("*.py"):
            used |= set(re.findall(r"LATENTROLL_[A-Z0-9_]*[A-Z0-9]", source.read_text()))
    assert used, "no LATENTROLL_ variables found: is ROOT right?"
    for var in sorted(used):
        model = re.fullmatch(r"LATENTROLL_(\w+)_DIR", var)
        if var in rows:
            continue
        assert model and f"`{model.group(1)}`" in rows.get("LATENTROLL_<MODEL>_DIR", ""), \
            f"{var} is read by the sources but not listed in README's environment variables"
