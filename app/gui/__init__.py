"""The LatentRoll desktop app (PySide6). Only this package and its children import Qt.

Start it with ``latentroll gui [FILE]`` or ``latentroll.app.gui.app.run()``.
"""
