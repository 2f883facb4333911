"""The ``latentroll`` command line: same services as the GUI, Qt only for ``latentroll gui``."""
