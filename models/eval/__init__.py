"""Evaluation tools every model reports with: set comparison metrics, the style classifier, timers."""
