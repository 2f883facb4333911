"""Pieces every model shares: weights I/O, checkpoints, the training loop, devices."""
