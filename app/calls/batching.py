"""What the job functions share: one model call per candidate. Runs in a worker; no Qt."""
from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")


def one_call(make: Callable[[], T], progress=None) -> T:
    """``make()``: one model call that answers for every candidate at once, so progress goes
    from 0 straight to done around it."""
    if progress is not None:
        progress(0, 1)
    out = make()
    if progress is not None:
        progress(1, 1)
    return out


def chord_kwargs(chords) -> dict:
    """``chords=`` for a service only when there are chords ("Follow chords"), so a service
    without the keyword is still called as before."""
    return {"chords": list(chords)} if chords else {}


def one_by_one(n: int, make: Callable[[int], T], progress=None) -> list[T]:
    """``[make(0), …, make(n - 1)]``, one model call each, so the user sees progress and can
    cancel between candidates (the progress callback raises once the job is cancelled)."""
    out: list[T] = []
    for i in range(n):
        if progress is not None:
            progress(i, n)
        out.append(make(i))
    if progress is not None:
        progress(n, n)
    return out
