"""Audio errors users can see: their messages are shown verbatim (CLI line, app dialog)."""
from __future__ import annotations

from latentroll.core.io.errors import MusicFileError


class AudioUnavailable(MusicFileError):
    """Sound cannot be produced here: no output device, or no FluidSynth library."""
