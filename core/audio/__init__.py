"""Sound: SoundFont discovery, offline FluidSynth rendering (mix and stems) and live playback.

Everything here runs without an audio device except ``Player.play``; rendering needs only
libfluidsynth and a SoundFont. The C libraries load on first use, so importing is cheap.
"""
from ..cancel import Cancelled
from .errors import AudioUnavailable
from .playback import BlockGenerator, Player, output_device_available
from .render import (
    RenderedFiles,
    RenderOptions,
    RenderResult,
    render_files,
    render_length,
    render_song,
    render_stems,
    render_to_wav,
    write_wav,
)
from .soundfont import SoundFontNotFound, find_soundfont

__all__ = [
    "AudioUnavailable", "BlockGenerator", "Cancelled", "Player", "RenderOptions", "RenderedFiles",
    "RenderResult", "SoundFontNotFound", "find_soundfont", "output_device_available", "render_files",
    "render_length", "render_song", "render_stems", "render_to_wav", "write_wav",
]
