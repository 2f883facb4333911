"""The deterministic denoising melody code autoencoder: a melody in 64 bits a bar, and its own repair."""
