"""Find a General MIDI SoundFont: explicit setting, then ``$LATENTROLL_SOUNDFONT``, then the places
package managers and users put them. Rendering and playback both start here."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

from latentroll.core.io.errors import MusicFileError

ENV_VAR = "LATENTROLL_SOUNDFONT"

INSTALL_HINT = (
    "install one (Debian/Ubuntu: sudo apt install fluid-soundfont-gm) "
    f"or pass --soundfont FILE.sf2 (or set {ENV_VAR})"
)

# Best first: the full FluidR3 bank sounds better than the 6 MB TimGM6mb one.
SYSTEM_FILES = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/sounds/sf2/TimGM6mb.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",
    "/usr/share/soundfonts/default.sf2",
    "/usr/share/sounds/sf3/default-GM.sf3",
)
SYSTEM_FOLDERS = (
    "/usr/share/soundfonts",
    "/usr/share/sounds/sf2",
    "/usr/local/share/soundfonts",
    "/opt/homebrew/share/soundfonts",
    "/opt/homebrew/share/fluidsynth",
    "/usr/local/share/fluidsynth",
    "/Library/Audio/Sounds/Banks",
    "~/Library/Audio/Sounds/Banks",
    "~/.local/share/soundfonts",
    "~/.fluidsynth",
    "~/soundfonts",
    "C:/soundfonts",
    "C:/tools/fluidsynth/share/soundfonts",
    "~/AppData/Local/LatentRoll/soundfonts",
)
SUFFIXES = (".sf2", ".sf3")


class SoundFontNotFound(MusicFileError):
    """No usable SoundFont; the message says how to get one."""


def is_soundfont(path: Path) -> bool:
    """A RIFF file of form ``sfbk`` (SF2, and SF3 which keeps the same header)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return len(head) == 12 and head[:4] == b"RIFF" and head[8:12] == b"sfbk"


def find_soundfont(explicit: str | os.PathLike | None = None) -> Path:
    """The SoundFont to use. An explicit path or the env var must be valid: no silent fallback."""
    if explicit is not None and str(explicit) != "":
        return _checked(Path(explicit).expanduser(), "SoundFont")
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return _checked(Path(env).expanduser(), f"SoundFont from ${ENV_VAR}")
    for candidate in _system_candidates():
        if is_soundfont(candidate):
            return candidate.resolve()
    raise SoundFontNotFound(f"no SoundFont found: {INSTALL_HINT}")


def _checked(path: Path, what: str) -> Path:
    if not path.is_file():
        raise SoundFontNotFound(f"{what} not found: {path}; {INSTALL_HINT}")
    if not is_soundfont(path):
        raise SoundFontNotFound(f"{path} is not a SoundFont (.sf2/.sf3) file; {INSTALL_HINT}")
    return path.resolve()


def _system_candidates() -> Iterator[Path]:
    for name in SYSTEM_FILES:
        yield Path(name)
    folders = list(SYSTEM_FOLDERS)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        folders.append(os.path.join(os.environ["LOCALAPPDATA"], "LatentRoll", "soundfonts"))
    for folder in folders:
        root = Path(folder).expanduser()
        try:
            entries = sorted(p for p in root.iterdir() if p.suffix.lower() in SUFFIXES)
        except OSError:
            continue
        yield from entries
