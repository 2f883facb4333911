"""The style classifier over 2-bar melody windows: the judge of the VAE's ``style_fidelity``."""
