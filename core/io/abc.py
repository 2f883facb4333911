"""ABC notation: books split into tunes, a guard against blow-ups, and a parse under limits.

music21 parses a whole book as one Opus and lets one tune's ``L:`` (unit note length) leak into
the next tune that lacks one, so every reader here (``read_song`` and the training corpus) parses
one tune at a time, each with the book's header in front.

music21 also turns a note like ``A999999`` into hundreds of thousands of tied bars (minutes, GBs).
``check_abc_tune`` refuses such lengths and oversized tunes before parsing, and ``abc_tune_to_song``
parses in a forked child under a time and memory limit, so a hostile file costs seconds at most
and ends as one MusicFileError line.
"""
from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import re
import resource
import warnings
from dataclasses import dataclass
from typing import Iterator

from ..song import Song
from .errors import MusicFileError, one_line

_TUNE_START = re.compile(r"^X:", re.MULTILINE)
_FIELD_LINE = re.compile(r"^[A-Za-z+]:")
_UNIT_OR_METER = re.compile(r"(?:^|\[)([LM]):\s*(\d+)\s*/\s*(\d+)", re.MULTILINE)
# a note, rest or chord followed by a length multiplier: A999, z64, [CEG]12
_NOTE_LENGTH = re.compile(r"(?:[A-Ga-gzxZX][,']*|\[[^\[\]]*\])(\d+)")
_NOT_NOTES = re.compile(r'"[^"]*"|![^!\n]*!|\+[^+\n]*\+|%.*$|\[[A-Za-z]:[^\]]*\]', re.MULTILINE)


@dataclass(frozen=True)
class AbcLimits:
    """What one tune may ask of the parser. Real tunes stay far below every bound."""

    max_tune_chars: int = 100_000  # the longest tune of O'Neill's or Ryan's is under 10,000
    max_note_wholes: float = 32.0  # one note or rest: A256 at L:1/8, c1024 at L:1/32
    max_unit_wholes: float = 4.0  # the unit note length L: itself
    max_unit_denominator: int = 512
    max_meter_numerator: int = 64
    seconds: float = 30.0  # wall time of one parse
    memory_bytes: int = 1536 << 20  # address space the parse may add to its process


LIMITS = AbcLimits()


def decode_abc(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # old ABC collections are Latin-1; every byte decodes


def split_abc_tunes(text: str) -> list[str]:
    """Each tune (from its ``X:`` line) with the file header (fields before the first tune) in front."""
    starts = [m.start() for m in _TUNE_START.finditer(text)]
    if not starts:
        return [text] if text.strip() else []
    header = text[:starts[0]]
    bounds = starts + [len(text)]
    return [header + text[a:b] for a, b in zip(bounds, bounds[1:])]


def abc_problem(tune: str, limits: AbcLimits = LIMITS) -> str | None:
    """Why parsing ``tune`` would blow up (in user words), or None."""
    if len(tune) > limits.max_tune_chars:
        return f"the tune is {len(tune):,} characters long; at most {limits.max_tune_chars:,} are read"
    units = []
    for field, num, den in _UNIT_OR_METER.findall(tune):
        num, den = int(num), int(den)
        if field == "L":
            if not (1 <= num and 1 <= den <= limits.max_unit_denominator and num / den <= limits.max_unit_wholes):
                return f"the unit note length L:{num}/{den} is out of range"
            units.append(num / den)
        elif not (1 <= num <= limits.max_meter_numerator and 1 <= den <= limits.max_unit_denominator):
            return f"the meter M:{num}/{den} is out of range"
    longest = int(limits.max_note_wholes / max(units, default=1 / 8))  # 1/8: ABC's longest default unit
    for lineno, line in enumerate(tune.splitlines(), 1):
        if _FIELD_LINE.match(line):
            continue  # header and lyric lines hold words and numbers, not notes
        for m in _NOTE_LENGTH.finditer(_NOT_NOTES.sub("", line)):
            if int(m.group(1)) > longest:
                return (f"line {lineno} has a note {m.group(0)[:12]} longer than "
                        f"{limits.max_note_wholes:g} whole notes")
    return None


@contextlib.contextmanager
def quiet_music21() -> Iterator[None]:
    """music21 prints warnings to stderr; a reader reports problems as one error line instead."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def abc_tune_score(tune: str):
    """music21's Score for one tune (unguarded: callers check ``abc_problem`` first)."""
    from music21 import converter

    with quiet_music21():
        parsed = converter.parseData(tune, format="abc")
    if hasattr(parsed, "scores"):  # an Opus: take its first score
        scores = list(parsed.scores)
        if not scores:
            raise MusicFileError("no tune found")
        parsed = scores[0]
    return parsed


def _tune_song(tune: str, fallback_title: str) -> Song:
    from .music21_convert import score_to_song

    score = abc_tune_score(tune)
    md = getattr(score, "metadata", None)
    title = (md.bestTitle if md is not None else None) or fallback_title
    with quiet_music21():
        return score_to_song(score, title=str(title))


def abc_tune_to_song(tune: str, source: str, fallback_title: str, limits: AbcLimits = LIMITS) -> Song:
    """One tune as a Song; any failure, blow-up or overrun is a MusicFileError naming ``source``."""
    problem = abc_problem(tune, limits)
    if problem:
        raise MusicFileError(f"could not read {source} as ABC: {problem}")
    import music21.converter  # noqa: F401 - imported once here, inherited by every forked parse

    kind, value = run_limited(_tune_or_error, tune, fallback_title, limits=limits)
    if kind == "song":
        return value
    if kind == "memory":
        value = f"parsing needs more than {limits.memory_bytes >> 20} MB; the tune is too large"
    raise MusicFileError(f"could not read {source} as ABC: {value}")


def _tune_or_error(tune: str, fallback_title: str) -> tuple[str, object]:
    try:
        return "song", _tune_song(tune, fallback_title)
    except MusicFileError as exc:
        return "error", str(exc)
    except MemoryError:
        return "memory", ""
    except Exception as exc:  # music21's ABC parser raises ZeroDivisionError and others on bad input
        return "error", one_line(exc)


# ---- running under a time and memory limit ---------------------------------------------------
def _fork_context():
    if os.name != "posix" or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _child(conn, fn, args, memory_bytes: int) -> None:
    try:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (_address_space() + memory_bytes, resource.RLIM_INFINITY))
        result = fn(*args)
    except MemoryError:
        result = ("memory", "")
    except BaseException as exc:  # noqa: BLE001 - the parent turns it into a user message
        result = ("error", one_line(exc))
    try:
        conn.send(result)
    except Exception as exc:
        conn.send(("error", f"the result could not be returned ({one_line(exc)})"))
    finally:
        conn.close()
        os._exit(0)  # skip the parent's atexit handlers and buffers


def run_limited(fn, *args, limits: AbcLimits):
    """``fn(*args)`` in a forked child, killed past ``limits.seconds``; inline where fork is missing.

    ``fn`` returns ``(kind, value)``; the child's own failures come back as ``("error", text)``,
    running out of memory as ``("memory", "")``.
    """
    ctx = _fork_context()
    if ctx is None:
        return fn(*args)
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args, limits.memory_bytes), daemon=True)
    proc.start()
    send.close()
    try:
        if not receive.poll(limits.seconds):
            return "error", f"parsing took longer than {limits.seconds:g} s; the tune is too complex"
        try:
            return receive.recv()
        except EOFError:  # the child died: over its address space in C code
            return "memory", ""
    finally:
        receive.close()
        if proc.is_alive():
            proc.kill()
        proc.join()
