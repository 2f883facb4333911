"""The user's music library: ``.mid`` files in one folder and their SQLite catalogue.

- ``entries``: what a piece is (``LibraryEntry``), searches (``Query``), names and tags;
- ``store``: the database (schema version and migrations, WAL, transactions, a connection per thread);
- ``migrate``: the one-time import of the old ``library.json``;
- ``rebuild``: the rows kept true to the files; a damaged database rebuilt from them;
- ``similar``: "More like this", cosine nearest neighbours over stored latents;
- ``folder_import``: a whole folder of MIDI in, with a report of what was skipped and why;
- ``library``: ``MusicLibrary``, the one object callers use.
"""
from .entries import (
    LibraryEntry,
    LibraryError,
    Listing,
    Query,
    describe_song,
    key_name,
    normalize_tags,
    sanitize_title,
    search,
)
from .folder_import import ImportReport, Skipped
from .library import MusicLibrary
from .migrate import INDEX_NAME
from .store import DB_NAME

__all__ = [
    "DB_NAME", "INDEX_NAME", "ImportReport", "LibraryEntry", "LibraryError", "Listing", "MusicLibrary", "Query",
    "Skipped", "describe_song", "key_name", "normalize_tags", "sanitize_title", "search",
]
