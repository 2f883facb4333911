"""The melody GAN (MidiNet-style): bar-by-bar piano-roll generation conditioned on style and the previous bar."""
