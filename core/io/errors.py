"""The one error type for files users hand us: its message is shown as is (CLI line, app dialog)."""


class MusicFileError(Exception):
    """A file could not be read or written; the message says which and why, in user words."""
