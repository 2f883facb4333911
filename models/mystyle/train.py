"""Fitting a My style: the user's melodies → the VAE's latents of their windows → a small model.

``train_my_style`` is the one entry the CLI, the app's worker and the REST API call. The VAE
``vae_service`` may be the service itself or the app's stand-in for it in the model process
(``RemoteService``): it is asked for ``melody_latents``, ``fit_my_style`` and ``project_2d``, and
only NumPy arrays and the fitted ``MyStyleModel`` come back (the app's window process never
imports torch).
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from typing import Callable, Sequence

import numpy as np

from latentroll.core.cancel import Cancelled
from latentroll.core.song import Track
from latentroll.models.common.errors import MelodyError

from .model import DEFAULT_METHOD
from .store import MAX_MELODIES, MIN_MELODIES, MyStyleError, MyStyleInfo, MyStyleStore, check_name

Progress = Callable[[int, int], None]


def check_melodies(melodies: Sequence[Track]) -> None:
    if not MIN_MELODIES <= len(melodies) <= MAX_MELODIES:
        raise MyStyleError(f"a style is fitted on {MIN_MELODIES} to {MAX_MELODIES} melodies "
                           f"(got {len(melodies)})")
    drums = [t.name or "untitled" for t in melodies if t.is_drum]
    if drums:
        raise MyStyleError(f"{drums[0]!r} is a drum track; My style learns from melodies")
    empty = [t.name or "untitled" for t in melodies if len(t.notes) == 0]
    if empty:
        raise MyStyleError(f"{empty[0]!r} has no notes")


def train_my_style(name: str, melodies: Sequence[Track], vae_service, store: MyStyleStore,
                   progress: Progress | None = None, cancel: threading.Event | None = None,
                   method: str = DEFAULT_METHOD) -> MyStyleInfo:
    """Fit and save the style ``name`` on 3-50 ``melodies``. ``progress(done, total)`` may raise
    ``Cancelled`` (as the app's workers do); so does a set ``cancel`` event. Nothing is saved
    unless the whole fit succeeds."""
    name = check_name(name)
    if name in store:
        raise MyStyleError(f"a style named {name!r} exists; choose another name or delete it first")
    check_melodies(melodies)
    t0 = time.perf_counter()
    total = len(melodies) + 2

    def step(done: int) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if progress is not None:
            progress(done, total)

    step(0)
    windows, latents = [], []
    for i in range(0, len(melodies), 8):  # a few melodies per call: progress without a call each
        for w, z in vae_service.melody_latents(list(melodies[i: i + 8])):
            windows.append(w)
            latents.append(z)
        step(min(i + 8, len(melodies)))
    if not sum(len(w) for w in windows):
        raise MyStyleError("the melodies have no 2-bar phrase with at least two notes")
    latents = np.concatenate(latents)
    model = vae_service.fit_my_style(latents, np.concatenate(windows), method)
    try:
        map_point = tuple(float(v) for v in np.ravel(vae_service.project_2d(model.mean[None]))[:2])
    except MelodyError:  # a model shipped without a 2-D map
        map_point = None
    step(len(melodies) + 1)
    info = MyStyleInfo(name=name, base_style=model.base_style, method=method, melodies=len(melodies),
                       windows=int(len(latents)), map_point=map_point, vae=model.vae, z_dim=int(latents.shape[1]),
                       fit_seconds=round(time.perf_counter() - t0, 3),
                       created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    step(total)  # the last chance to cancel: from here the style is saved
    return store.save(name, model, info)
