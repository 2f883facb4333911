"""The one way a background job says it was stopped on purpose.

Renders, file jobs in the helper process and model calls all raise ``Cancelled`` when their cancel
event is set; workers treat it as a quiet end (no error dialog, no result). It lives in core
because core's render loop raises it, and everything above may catch it.
"""
from __future__ import annotations


class Cancelled(Exception):
    """A job was cancelled through its cancel event; nothing was written and no result comes."""
