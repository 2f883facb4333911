"""CLI-level user errors (bad flags that argparse cannot see)."""


class UsageError(Exception):
    """Shown as one line; exit code 2."""
