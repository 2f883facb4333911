"""Drum models on the Groove MIDI Dataset: the Drum VAE, Groove, Drumify and Continue (drums)."""
