"""The checkout runs from any folder: no tracked file names an absolute path of one machine
(a developer's checkout, venv or home), which would pass only where that folder exists."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MACHINE_PATH = re.compile(
    r"(?<![\w.~-])/(?:work|root)/"  # container and root checkouts
    r"|/home/[\w.-]+/|/Users/[\w.-]+/"  # Linux and macOS home folders
    r"|\b[A-Za-z]:\\+Users\\+"  # Windows home folders
)


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in out.decode().split("\0") if name]


def machine_paths(text: str) -> list[str]:
    return [m.group(0) for m in MACHINE_PATH.finditer(text)]


def test_the_pattern_finds_machine_paths_and_nothing_else():
    # the examples are joined from pieces so that this file names no machine path itself
    work, home = "/" + "work/", "/" + "home/ada/"
    assert machine_paths(f'CLI = "{work}main/.venv/bin/latentroll"') == [work]
    assert machine_paths(f"see {home}src and C:\\Users\\ada\\x and /Users/ada/y") == [
        home, "C:\\Users\\", "/Users/ada/"]
    assert machine_paths("~/.cache/latentroll, /usr/share/sounds/sf2, runs/" + "work/x, a/" + "root/b") == []


def test_no_tracked_file_names_a_path_of_this_or_any_machine():
    me = Path(__file__).resolve()
    found = []
    for path in tracked_files():
        if path.resolve() == me or not path.is_file():
            continue  # this file spells the patterns out
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary: fixtures, models, images
        for lineno, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if machine_paths(line):
                found.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()[:100]}")
    assert not found, "absolute machine paths in tracked files:\n" + "\n".join(found)
