"""Style-conditioned LSTM melody language model: "Continue"."""
