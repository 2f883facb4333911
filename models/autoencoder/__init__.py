"""Deterministic denoising melody autoencoder: "Repair" and compression."""
