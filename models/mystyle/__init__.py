""""My style": a small model fitted on the melody VAE's latents of a user's own melodies (no Qt)."""
