"""The chorale CNN (Coconet-style): 4-voice piano rolls, masked training, annealed Gibbs sampling."""
