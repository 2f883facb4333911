"""The Model Tools panel: Continue (LSTM), Repair (autoencoder), Harmonize and Infill (chorale CNN)."""
