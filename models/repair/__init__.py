"""The note-level repair network and the "Repair" service: wrong notes of a rough melody fixed, with the melody LSTM's opinion."""
