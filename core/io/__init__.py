"""Reading and writing music files: MIDI, MusicXML, ABC, and LatentRoll projects."""
