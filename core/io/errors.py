"""The one error type for files users hand us: its message is shown as is (CLI line, app dialog)."""


class MusicFileError(Exception):
    """A file could not be read or written; the message says which and why, in user words."""


def one_line(exc: BaseException, limit: int = 100) -> str:
    """A third-party exception as a short single line, to quote inside a MusicFileError message."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"
