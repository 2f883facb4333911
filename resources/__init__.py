"""Shipped data: model weights (safetensors + JSON), icons, small fixtures."""
