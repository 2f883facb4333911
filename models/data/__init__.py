"""Data pipeline: the music21 corpus, melody encoding, splits and batches."""
