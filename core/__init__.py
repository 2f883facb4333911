"""The music core: data model, edit commands, file I/O, audio. No Qt, no torch."""
from .song import PPQ, KeySignature, Note, Song, TempoChange, TimeSignature, Track

__all__ = ["PPQ", "KeySignature", "Note", "Song", "TempoChange", "TimeSignature", "Track"]
