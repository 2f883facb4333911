"""The faces users touch: the Qt GUI (``gui``) and the ``latentroll`` CLI (``cli``)."""
