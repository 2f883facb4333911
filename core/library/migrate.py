"""The one-time move from the old ``library.json`` index to the database.

Every record of the old index whose file is still in the folder becomes a row, with all its
fields (the titles, styles, tags, favourites and sources that MIDI cannot hold). The JSON is
then renamed ``library.json.imported`` (kept, never read again). An unreadable index is set
aside as ``library.json.broken``; its files are then catalogued from their contents, as the
old code did. If the app dies between the commit and the rename, the next start imports the
same records again and keeps the rows it already has (``INSERT OR IGNORE``): nothing doubles.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..io.errors import one_line
from .entries import LibraryEntry
from .rebuild import content_digest
from .store import INSERT_OR_IGNORE, Store, entry_row

INDEX_NAME = "library.json"
INDEX_VERSION = 1
IMPORTED_SUFFIX = ".imported"
BROKEN_SUFFIX = ".broken"


def read_index(path: Path) -> list:
    """The records of an old index; raises ``ValueError``/``OSError`` when it is unreadable."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError("not a library index")
    if int(data.get("version", 0)) > INDEX_VERSION:
        raise ValueError(f"index version {data.get('version')} is newer than this app's")
    return data["entries"]


def import_json_index(store: Store, folder: Path) -> str | None:
    """Move ``folder/library.json`` into ``store`` once; what the user should hear, or None."""
    path = folder / INDEX_NAME
    if not path.exists():
        return None
    try:
        records = read_index(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        kept = path.with_name(path.name + BROKEN_SUFFIX)
        try:
            os.replace(path, kept)
            where = f"; the old one is kept as {kept.name}"
        except OSError:
            where = ""
        return f"the library index was unreadable ({one_line(exc, 60)}) and was rebuilt from the files{where}"
    bad = 0
    with store.write() as conn:
        for rec in records:
            try:
                entry = LibraryEntry.from_json(rec)
            except (ValueError, TypeError):
                bad += 1
                continue
            if Path(entry.file).name != entry.file or not (folder / entry.file).is_file():
                continue  # the old reader dropped these too
            try:
                digest = content_digest((folder / entry.file).read_bytes())
            except OSError:
                digest = ""
            conn.execute(INSERT_OR_IGNORE, entry_row(entry, digest))
    os.replace(path, path.with_name(path.name + IMPORTED_SUFFIX))
    return f"{bad} damaged index record(s) were rebuilt from their files" if bad else None

