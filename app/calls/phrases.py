"""Which melody model a phrase of 1-16 bars goes through, at what length, and what the user is told.

The one routing rule for the explorer (interpolate, corner grid), Generate and Transfer: every
clip of a request is read at one length (the shortest clip's, at most ``MAX_PHRASE_BARS``), and
that length goes through the melody model that covers it with the least padding, then in the
fewest segments (2 bars: the 2-bar VAE; 4 or 8 bars: the 4-bar one, in 1 or 2 segments; 6 bars:
three 2-bar segments). What is left out is said in ``PhraseRoute.note``, never dropped silently.
No Qt, no torch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from latentroll.core.song import PPQ, Track
from latentroll.models.data.corpus import STYLES
from latentroll.models.vae.phrases import DEFAULT_PHRASE_BARS, MAX_PHRASE_BARS

__all__ = ["DEFAULT_PHRASE_BARS", "MAX_PHRASE_BARS", "MY_STYLE_MODEL", "PHRASE_KEYS", "PHRASE_MODELS", "PhraseRoute",
           "bars_of", "is_my_style", "model_for", "route_phrase", "track_bars"]

# (registry key, bars per model clip) of the melody VAEs, longest first (issue 18). Generate's
# 8-16 bars add phrase structure on top (``calls/generate.py``).
PHRASE_MODELS: tuple[tuple[str, int], ...] = (("vae_4bar", 4), ("vae", 2))
PHRASE_KEYS = frozenset(k for k, _ in PHRASE_MODELS)
# A user's own style ("My style") is fitted in this model's latent space, so any request in one
# goes here, at any length (it chains its clips).
MY_STYLE_MODEL = "vae"
BAR_TICKS = 4 * PPQ  # the models' bars are 4/4


@dataclass(frozen=True)
class PhraseRoute:
    model: str        # the registry key to run on
    model_bars: int   # bars per clip of that model
    bars: int         # every clip is read at this length, and every result is this long
    note: str = ""    # what was cut, for the panel ("" when nothing is left out)

    @property
    def segments(self) -> int:
        return -(-self.bars // self.model_bars)

    @property
    def ticks(self) -> int:
        return self.bars * BAR_TICKS


def bars_of(span_ticks: int) -> int:
    """Whole 4/4 bars in a clip span (a clip's span starts at the bar line of its first note)."""
    return max(1, -(-int(span_ticks) // BAR_TICKS))


def track_bars(track: Track) -> int:
    """Whole 4/4 bars of a melody read from a file, from the bar line of its first note (where the
    models start reading it) to its end."""
    if not len(track.notes):
        return 1
    first = int(track.notes["start"].min()) // BAR_TICKS * BAR_TICKS
    return bars_of(track.end_tick() - first)


def is_my_style(style: str | None) -> bool:
    """Whether ``style`` names one of the user's styles rather than a corpus style or 'any'."""
    return style not in (None, "", "any") and style not in STYLES


def model_for(key: str, bars: int, style: str | None = None,
              models: Sequence[tuple[str, int]] = PHRASE_MODELS) -> str:
    """The model to run a panel's melody request of ``bars`` bars in ``style`` on: a melody VAE's
    request goes to the phrase model the route picks among ``models`` (Generate and Transfer
    chain any length segment by segment, so nothing is cut there), one in a user's style to
    ``MY_STYLE_MODEL``; any other model runs as asked."""
    if key not in PHRASE_KEYS:
        return key
    if is_my_style(style):
        return MY_STYLE_MODEL
    return route_phrase({"clip": min(max(1, bars), MAX_PHRASE_BARS)}, models).model


def _bars_text(n: int) -> str:
    return f"{n} bar{'s' if n != 1 else ''}"


def route_phrase(lengths: Mapping[str, int], models: Sequence[tuple[str, int]] = PHRASE_MODELS,
                 max_bars: int = MAX_PHRASE_BARS) -> PhraseRoute:
    """The route for clips named in ``lengths`` (name → bars; a single length for Generate).

    A clip longer than ``max_bars`` is cut to it; clips of different lengths are all read at the
    shortest one's (an interpolant between an 8-bar A and a 4-bar B is 4 bars). Both are said in
    the note. Among ``models``, the one needing the least padding, then the fewest segments."""
    if not lengths:
        raise ValueError("route_phrase needs at least one clip length")
    if not models:
        raise ValueError("no melody model to route phrases through")
    capped = {name: min(max(1, int(n)), max_bars) for name, n in lengths.items()}
    bars = min(capped.values())
    notes = [f"{name} is {_bars_text(n)}: only its first {max_bars} are used (phrases are at most "
             f"{max_bars} bars)" for name, n in lengths.items() if n > max_bars]
    longer = [name for name, n in capped.items() if n > bars]
    if longer:
        who = ", ".join(f"{name} ({_bars_text(capped[name])})" for name in longer)
        last = max(capped[n] for n in longer)
        cut = f"bar {last} is" if last == bars + 1 else f"bars {bars + 1}–{last} are"
        notes.append(f"{who} {'is' if len(longer) == 1 else 'are'} read as {_bars_text(bars)}, the shortest "
                     f"clip's length: {cut} left out")
    key, model_bars = min(models, key=lambda m: (-(-bars // m[1]) * m[1] - bars, -(-bars // m[1])))
    return PhraseRoute(key, model_bars, bars, "; ".join(notes))
