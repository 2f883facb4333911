"""The Generate / Style panel: new melodies in a style and key, and style transfer of a selection."""
