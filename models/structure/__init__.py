"""Phrase structure over the 2-bar melody VAE: 16-bar phrases as 8 latents, each new or a copy of
an earlier one (repeats, AABA, call and response), decoded by the VAE."""
