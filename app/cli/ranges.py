"""One range check for the numbers every command takes, so ``--temperature -1`` or ``--bpm 1e9``
is refused the same way everywhere, before any file is read or model loaded.

``main`` checks each parsed option named here; commands keep only the bounds that depend on
something else (a model's bar lengths, a file's bar count).
"""
from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

from .errors import UsageError


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    what: str = ""  # a unit or hint for the message

    def check(self, flag: str, value: float) -> None:
        if isinstance(value, float) and not math.isfinite(value) or not self.low <= value <= self.high:
            unit = f" {self.what}" if self.what else ""
            raise UsageError(f"{flag} must be between {_num(self.low)} and {_num(self.high)}{unit}, not {_num(value)}")


def _num(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


# option dest -> its range; the flag shown is the option as typed
RANGES: dict[str, Range] = {
    "temperature": Range(0.0, 2.0),
    "bpm": Range(10.0, 400.0, "BPM"),  # the app's tempo range (core.commands.set_tempo)
    "seed": Range(0, 2**32 - 1),
    "threads": Range(1, 256),
    "workers": Range(1, 64),
    "epochs": Range(1, 100_000),
    "max_steps": Range(1, 10**9),
    "variations": Range(1, 16),
    "candidates": Range(1, 8),
    "steps": Range(2, 16),
    "pull": Range(0.0, 1.0),
    "amount": Range(0.0, 1.0),
    "strength": Range(0.0, 1.0),
    "gain": Range(0.001, 10.0),
    "tail": Range(0.0, 60.0, "seconds"),
    "tune": Range(1, 100_000),
    "tune_a": Range(1, 100_000),
    "tune_b": Range(1, 100_000),
    "from_bar": Range(1, 100_000),
    "track": Range(0, 1023),
    "track_a": Range(0, 1023),
    "track_b": Range(0, 1023),
}


def check_ranges(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """UsageError for the first option outside its range (options left at None are skipped)."""
    flags = _flags(parser, args)
    for dest, rng in RANGES.items():
        value = getattr(args, dest, None)
        if value is not None and not isinstance(value, bool) and isinstance(value, (int, float)):
            rng.check(flags.get(dest, "--" + dest.replace("_", "-")), value)


def _flags(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, str]:
    """dest -> its long option string, for the sub-command that ran."""
    out: dict[str, str] = {}
    for action in parser._actions:  # argparse has no public walk over sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            sub = action.choices.get(getattr(args, "command", None))
            if sub is not None:
                out.update(_flags(sub, argparse.Namespace()))
        elif action.option_strings:
            out[action.dest] = max(action.option_strings, key=len)
    return out
