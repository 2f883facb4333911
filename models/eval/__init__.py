"""Evaluation tools every model reports with: set comparison metrics, timers, the report table."""
