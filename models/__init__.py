"""Models: data pipeline, networks, training, evaluation and one service per model. No Qt."""
