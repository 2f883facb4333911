"""The melody VAE (MusicVAE-style): converter, config, network, training, evaluation, service."""
