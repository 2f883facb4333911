"""A user's melody as the VAE's training windows: every bar-aligned 2-bar window with notes,
cut the way the corpus is cut (``windows_from_events``), so the user's latents are comparable
with the corpus styles' Gaussians."""
from __future__ import annotations

import numpy as np

from latentroll.core.song import Track
from latentroll.models.data.melody import WindowSpec, windows_from_events
from latentroll.models.data.tracks import track_events

STEPS_PER_BAR = 16  # tracks are read in 4/4 from the bar holding their first note


def melody_windows(track: Track, steps: int = 32) -> np.ndarray:
    """(n, steps) windows of ``track`` (a drum or empty track is refused with a ``MelodyError``);
    a melody shorter than a window is padded with silence to one window."""
    ev, _ = track_events(track)
    if len(ev) < steps:
        ev = np.concatenate([ev, np.zeros(steps - len(ev), ev.dtype)])
    return windows_from_events(ev, STEPS_PER_BAR, WindowSpec(length=steps))
