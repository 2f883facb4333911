"""Chord symbols: parse what a songwriter types (``Am7``, ``F/C``, ``G7sus4``, ``Bb13``, ``N.C.``),
spell it back, and give its pitch classes.

Our own small parser rather than music21's ``harmony.ChordSymbol``: music21 reads ``Bb7`` as a
B chord and ``C#m7b5`` as a minor seventh with the wrong notes (music21 spells flats ``-``), and
lead sheets are typed in the jazz spelling. music21 still writes and reads MusicXML's
``<harmony>`` for us: ``ChordSymbol.musicxml_kind`` is the MusicXML ``kind`` value.

A symbol is a root (pitch class, spelled as typed), a *quality* (the chord's triad and seventh,
one of ``QUALITIES``), *extensions* (``9``, ``b9``, ``#11``, ``add9`` …) and an optional slash
bass. ``N.C.`` ("no chord") has no root.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTALS = {"": 0, "#": 1, "b": -1, "♯": 1, "♭": -1}
NO_CHORD_TEXT = "N.C."


class ChordSymbolError(ValueError):
    """A chord symbol we cannot read; the message names it."""


@dataclass(frozen=True)
class Quality:
    suffix: str                    # how we spell it after the root
    intervals: tuple[int, ...]     # semitones above the root
    musicxml_kind: str             # MusicXML <kind> (music21's chordKind)


# The chord's triad + seventh. Extensions stack on top of these.
QUALITIES: dict[str, Quality] = {q.suffix: q for q in (
    Quality("", (0, 4, 7), "major"),
    Quality("m", (0, 3, 7), "minor"),
    Quality("dim", (0, 3, 6), "diminished"),
    Quality("aug", (0, 4, 8), "augmented"),
    Quality("sus2", (0, 2, 7), "suspended-second"),
    Quality("sus4", (0, 5, 7), "suspended-fourth"),
    Quality("6", (0, 4, 7, 9), "major-sixth"),
    Quality("m6", (0, 3, 7, 9), "minor-sixth"),
    Quality("7", (0, 4, 7, 10), "dominant"),
    Quality("maj7", (0, 4, 7, 11), "major-seventh"),
    Quality("m7", (0, 3, 7, 10), "minor-seventh"),
    Quality("m7b5", (0, 3, 6, 10), "half-diminished"),
    Quality("dim7", (0, 3, 6, 9), "diminished-seventh"),
    Quality("mMaj7", (0, 3, 7, 11), "major-minor"),
    Quality("7sus4", (0, 5, 7, 10), "suspended-fourth"),
    Quality("aug7", (0, 4, 8, 10), "augmented-seventh"),
)}

# Other ways people write a quality → our suffix. Longest spellings are tried first.
_QUALITY_ALIASES: dict[str, str] = {
    "": "", "maj": "", "M": "", "major": "",
    "m": "m", "min": "m", "-": "m", "minor": "m",
    "dim": "dim", "o": "dim", "°": "dim",
    "aug": "aug", "+": "aug",
    "sus2": "sus2", "sus4": "sus4", "sus": "sus4",
    "6": "6", "m6": "m6", "min6": "m6", "-6": "m6",
    "7": "7", "dom7": "7",
    "maj7": "maj7", "M7": "maj7", "Maj7": "maj7", "ma7": "maj7", "Δ": "maj7", "Δ7": "maj7",
    "m7": "m7", "min7": "m7", "-7": "m7",
    "m7b5": "m7b5", "m7-5": "m7b5", "ø": "m7b5", "ø7": "m7b5", "min7b5": "m7b5",
    "dim7": "dim7", "o7": "dim7", "°7": "dim7",
    "mMaj7": "mMaj7", "mM7": "mMaj7", "m(maj7)": "mMaj7", "minMaj7": "mMaj7", "-maj7": "mMaj7",
    "7sus4": "7sus4", "7sus": "7sus4",
    "aug7": "aug7", "+7": "aug7", "7#5": "aug7", "7+5": "aug7",
}
# Extensions above the seventh: name → semitones above the root. A bare 9/11/13 implies the
# dominant seventh (C9 = C7 + 9) unless the quality already has a seventh or sixth.
EXTENSIONS: dict[str, int] = {
    "9": 14, "b9": 13, "#9": 15, "11": 17, "#11": 18, "13": 21, "b13": 20,
    "add9": 14, "add2": 14, "add11": 17, "add4": 17, "6": 9, "b5": 6, "#5": 8,
}
_IMPLIES_SEVENTH = {"9", "11", "13"}
_ALIASES_LONGEST = sorted(_QUALITY_ALIASES, key=len, reverse=True)
_EXT_LONGEST = sorted(EXTENSIONS, key=len, reverse=True)
_ROOT = re.compile(r"([A-G])([#b♯♭]?)")
_SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")


def pitch_class_name(pc: int, flats: bool = False) -> str:
    return (_FLAT_NAMES if flats else _SHARP_NAMES)[pc % 12]


@dataclass(frozen=True)
class ChordSymbol:
    root: int | None                       # pitch class; None for N.C.
    quality: str = ""                      # a key of QUALITIES
    extensions: tuple[str, ...] = ()       # keys of EXTENSIONS, in the order typed
    bass: int | None = None                # slash bass pitch class
    root_name: str = ""                    # the root as spelled ("Bb", not "A#")
    bass_name: str = field(default="", compare=True)

    @property
    def is_no_chord(self) -> bool:
        return self.root is None

    @property
    def text(self) -> str:
        """The symbol as LatentRoll writes it (``Bbmaj7``, ``F/C``, ``G7(b9)``, ``N.C.``)."""
        if self.root is None:
            return NO_CHORD_TEXT
        ext = self.extensions
        body = self.quality
        # C9 reads better than C7(9): fold one plain upper extension into a dominant/maj7/m7.
        if len(ext) == 1 and ext[0] in _IMPLIES_SEVENTH and self.quality in ("7", "maj7", "m7"):
            body, ext = self.quality[:-1] + ext[0], ()
        tail = "".join(e if e.startswith("add") else f"({e})" for e in ext)
        root = self.root_name or pitch_class_name(self.root)
        slash = f"/{self.bass_name or pitch_class_name(self.bass)}" if self.bass is not None else ""
        return f"{root}{body}{tail}{slash}"

    def __str__(self) -> str:
        return self.text

    @property
    def musicxml_kind(self) -> str:
        return "none" if self.root is None else QUALITIES[self.quality].musicxml_kind

    def intervals(self) -> tuple[int, ...]:
        """Semitones above the root, the quality's then the extensions'."""
        if self.root is None:
            return ()
        out = list(QUALITIES[self.quality].intervals)
        for e in self.extensions:
            if e == "b5":
                out = [6 if i == 7 else i for i in out]
            elif e == "#5":
                out = [8 if i == 7 else i for i in out]
            elif EXTENSIONS[e] not in out:
                out.append(EXTENSIONS[e])
        return tuple(out)

    def pitch_classes(self) -> frozenset[int]:
        """Every pitch class the chord sounds, the slash bass included."""
        if self.root is None:
            return frozenset()
        pcs = {(self.root + i) % 12 for i in self.intervals()}
        if self.bass is not None:
            pcs.add(self.bass)
        return frozenset(pcs)

    def bass_pitch_class(self) -> int | None:
        return self.bass if self.bass is not None else self.root

    def transposed(self, semitones: int) -> "ChordSymbol":
        if self.root is None:
            return self
        flats = "b" in self.root_name
        root = (self.root + semitones) % 12
        bass = None if self.bass is None else (self.bass + semitones) % 12
        return ChordSymbol(root, self.quality, self.extensions, bass, pitch_class_name(root, flats),
                           "" if bass is None else pitch_class_name(bass, flats))


NO_CHORD = ChordSymbol(None)

# MusicXML kinds that are a quality plus extensions (other programs write these).
_KIND_EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "dominant-seventh": ("7", ()), "dominant-ninth": ("7", ("9",)), "major-ninth": ("maj7", ("9",)),
    "minor-ninth": ("m7", ("9",)), "dominant-11th": ("7", ("11",)), "major-11th": ("maj7", ("11",)),
    "minor-11th": ("m7", ("11",)), "dominant-13th": ("7", ("13",)), "major-13th": ("maj7", ("13",)),
    "minor-13th": ("m7", ("13",)), "minor-major": ("mMaj7", ()), "augmented-ninth": ("aug7", ("9",)),
    "power": ("", ()), "pedal": ("", ()), "Neapolitan": ("", ()), "Italian": ("7", ()), "French": ("7", ()),
    "German": ("7", ()), "Tristan": ("7", ()),
}
_KIND_TO_QUALITY = {q.musicxml_kind: q.suffix for q in QUALITIES.values() if q.suffix != "7sus4"}


def chord_from_parts(root_name: str | None, kind: str, kind_text: str = "", bass_name: str | None = None) -> ChordSymbol:
    """A symbol from MusicXML's pieces (root, ``kind`` and its display text, bass). The text is
    read first (it is what the score shows); the kind is the fallback."""
    if root_name is None or kind == "none":
        return NO_CHORD
    slash = f"/{bass_name}" if bass_name and bass_name != root_name else ""
    if kind_text:
        try:
            return parse_chord(f"{root_name}{kind_text}{slash}")
        except ChordSymbolError:
            pass
    quality, ext = _KIND_EXTRAS.get(kind, (_KIND_TO_QUALITY.get(kind, ""), ()))
    base = parse_chord(f"{root_name}{slash}")
    return ChordSymbol(base.root, quality, ext, base.bass, base.root_name, base.bass_name)


def _note(text: str, where: str, symbol: str) -> tuple[int, str]:
    m = _ROOT.fullmatch(text)
    if not m:
        raise ChordSymbolError(f"chord symbol {symbol!r}: {where} {text!r} is not a note name (A-G, then # or b)")
    letter, acc = m.groups()
    acc = {"♯": "#", "♭": "b"}.get(acc, acc)
    return (LETTERS[letter] + _ACCIDENTALS[acc]) % 12, letter + acc


def parse_chord(text: str) -> ChordSymbol:
    """Read one chord symbol; ``ChordSymbolError`` (naming the symbol) when it is not one."""
    s = str(text).strip()
    if not s:
        raise ChordSymbolError("empty chord symbol")
    if s.upper().replace(" ", "") in ("N.C.", "NC", "N.C", "NOCHORD"):
        return NO_CHORD
    m = _ROOT.match(s)
    if not m:
        raise ChordSymbolError(f"chord symbol {s!r} does not start with a root note (A-G)")
    root, root_name = _note(m.group(0), "root", s)
    rest = s[m.end():].replace("6/9", "69")  # C6/9 is a sixth chord with a ninth, not a slash chord
    bass = bass_name = None
    if "/" in rest:
        rest, _, slash = rest.rpartition("/")
        bass, bass_name = _note(slash.strip(), "bass", s)
    quality, said = "", ""
    for alias in _ALIASES_LONGEST:
        if alias and rest.startswith(alias):
            quality, said, rest = _QUALITY_ALIASES[alias], alias, rest[len(alias):]
            break
    extensions: list[str] = []
    rest = rest.replace("(", "").replace(")", "").replace(",", "").replace(" ", "")
    while rest:
        for ext in _EXT_LONGEST:
            if rest.startswith(ext):
                extensions.append(ext)
                rest = rest[len(ext):]
                break
        else:
            raise ChordSymbolError(f"chord symbol {s!r}: cannot read {rest!r} (try e.g. Am7, F/C, G7sus4, Bb13, N.C.)")
    quality, extensions = _settle(quality, extensions, major_said=said in ("maj", "M", "Maj", "Δ", "major"))
    return ChordSymbol(root, quality, tuple(extensions), bass, root_name, bass_name or "")


def _settle(quality: str, ext: list[str], major_said: bool) -> tuple[str, list[str]]:
    """Fold what the extensions say into the quality: C9 is a dominant with a 9th, Cmaj9 a major
    seventh with a 9th, Cm6 a minor sixth, C7b5 stays a dominant with a flat fifth."""
    if "6" in ext and quality in ("", "m"):
        ext.remove("6")
        quality = "m6" if quality == "m" else "6"
    if any(e in _IMPLIES_SEVENTH for e in ext) and quality in ("", "m", "sus4", "aug"):
        quality = "maj7" if major_said else {"": "7", "m": "m7", "sus4": "7sus4", "aug": "aug7"}[quality]
    return quality, ext


@dataclass(frozen=True)
class ChordEvent:
    """A chord symbol that holds from ``tick`` until the next one."""

    tick: int
    symbol: ChordSymbol


def normalized_chords(chords: list[ChordEvent]) -> list[ChordEvent]:
    """Sorted by tick; the last one given at a tick wins."""
    by_tick: dict[int, ChordEvent] = {}
    for c in chords:
        if c.tick < 0:
            raise ValueError(f"chord at negative tick {c.tick}")
        by_tick[int(c.tick)] = c
    return [by_tick[t] for t in sorted(by_tick)]


def chord_at(chords: list[ChordEvent], tick: int) -> ChordSymbol | None:
    """The chord sounding at ``tick`` (None before the first)."""
    current = None
    for c in chords:
        if c.tick > tick:
            break
        current = c.symbol
    return current


def parse_progression(text: str) -> list[ChordSymbol]:
    """``"C G Am F"`` (spaces, commas or bars ``|``) → symbols; the CLI's ``--chords``."""
    tokens = [t for t in re.split(r"[\s,|]+", text) if t]
    if not tokens:
        raise ChordSymbolError("no chord symbols given")
    return [parse_chord(t) for t in tokens]
