"""Drum tracks in MusicXML: unpitched notes on a percussion staff, one instrument per GM sound.

A notation program shows a drum part as unpitched notes (a display position and a notehead)
whose sound is an ``<instrument>`` declared in the part list with its General MIDI drum key
(``<midi-unpitched>``). music21 handles only part of that: it keeps one instrument per part and
drops each note's ``<instrument>``. So drum parts cross music21 as pitched notes whose MIDI
number is the GM drum key, and the XML is converted here: ``pitched_to_unpitched`` on the way
out, ``unpitched_to_pitched`` on the way in.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..channels import DRUM_CHANNEL
from .spelling import spell_with

# GM drum key -> (display step, display octave, notehead), positions as on a treble staff.
_DISPLAY: dict[int, tuple[str, int, str]] = {
    35: ("E", 4, "normal"), 36: ("F", 4, "normal"), 37: ("C", 5, "x"), 38: ("C", 5, "normal"),
    39: ("B", 4, "x"), 40: ("C", 5, "normal"), 41: ("G", 4, "normal"), 42: ("G", 5, "x"),
    43: ("A", 4, "normal"), 44: ("D", 4, "x"), 45: ("B", 4, "normal"), 46: ("G", 5, "circle-x"),
    47: ("D", 5, "normal"), 48: ("E", 5, "normal"), 49: ("A", 5, "x"), 50: ("F", 5, "normal"),
    51: ("F", 5, "x"), 52: ("C", 6, "x"), 53: ("F", 5, "diamond"), 54: ("E", 5, "x"),
    55: ("B", 5, "x"), 56: ("E", 5, "triangle"), 57: ("B", 5, "x"), 59: ("D", 6, "x"),
}
_DEFAULT_DISPLAY = ("C", 5, "x")
GM_DRUM_NAMES: dict[int, str] = dict(enumerate((
    "Acoustic Bass Drum", "Bass Drum 1", "Side Stick", "Acoustic Snare", "Hand Clap", "Electric Snare",
    "Low Floor Tom", "Closed Hi-Hat", "High Floor Tom", "Pedal Hi-Hat", "Low Tom", "Open Hi-Hat",
    "Low-Mid Tom", "Hi-Mid Tom", "Crash Cymbal 1", "High Tom", "Ride Cymbal 1", "Chinese Cymbal",
    "Ride Bell", "Tambourine", "Splash Cymbal", "Cowbell", "Crash Cymbal 2", "Vibraslap",
    "Ride Cymbal 2", "Hi Bongo", "Low Bongo", "Mute Hi Conga", "Open Hi Conga", "Low Conga",
    "High Timbale", "Low Timbale", "High Agogo", "Low Agogo", "Cabasa", "Maracas", "Short Whistle",
    "Long Whistle", "Short Guiro", "Long Guiro", "Claves", "Hi Wood Block", "Low Wood Block",
    "Mute Cuica", "Open Cuica", "Mute Triangle", "Open Triangle",
), start=35))
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_STEP_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# elements a <note> may hold after <instrument> / after <notehead> (MusicXML 4.0 order)
_AFTER_INSTRUMENT = ("footnote", "level", "voice", "type", "dot", "accidental", "time-modification",
                     "stem", "notehead", "notehead-text", "staff", "beam", "notations", "lyric", "play", "listen")
_AFTER_NOTEHEAD = ("notehead-text", "staff", "beam", "notations", "lyric", "play", "listen")


@dataclass(frozen=True)
class DrumRead:
    """MusicXML text with its drum parts made pitched, and the ids of those parts."""

    xml: bytes
    drum_part_ids: frozenset[str]


def display_of(key: int) -> tuple[str, int, str]:
    """(step, octave, notehead) a drum key is drawn with."""
    return _DISPLAY.get(key, _DEFAULT_DISPLAY)


def drum_name(key: int) -> str:
    return GM_DRUM_NAMES.get(key, f"Percussion {key}")


# ---- writing ----------------------------------------------------------------------------------
def pitched_to_unpitched(xml: bytes, drum_parts: set[int]) -> bytes:
    """Rewrite the ``<part>``s at these indices (0-based, document order) as percussion parts."""
    head, root = _parse(xml)
    score_parts = {sp.get("id"): sp for sp in root.iter("score-part")}
    for index, part in enumerate(root.findall("part")):
        if index not in drum_parts:
            continue
        pid = part.get("id") or f"P{index + 1}"
        keys: set[int] = set()
        for note in part.iter("note"):
            pitch = note.find("pitch")
            if pitch is None:
                continue
            key = _midi_of(pitch)
            keys.add(key)
            _make_unpitched(note, pitch, key, f"{pid}-I{key + 1}")
        for clef in part.iter("clef"):
            for child in list(clef):
                clef.remove(child)
            ET.SubElement(clef, "sign").text = "percussion"
        if pid in score_parts:
            _declare_instruments(score_parts[pid], pid, sorted(keys))
    return _serialize(head, root)


def _make_unpitched(note: ET.Element, pitch: ET.Element, key: int, instrument_id: str) -> None:
    step, octave, head = display_of(key)
    unpitched = ET.Element("unpitched")
    ET.SubElement(unpitched, "display-step").text = step
    ET.SubElement(unpitched, "display-octave").text = str(octave)
    children = list(note)
    note.remove(pitch)
    note.insert(children.index(pitch), unpitched)
    for acc in note.findall("accidental"):
        note.remove(acc)
    _insert_before(note, ET.Element("instrument", id=instrument_id), _AFTER_INSTRUMENT)
    if head != "normal" and note.find("notehead") is None:
        notehead = ET.Element("notehead")
        notehead.text = head
        _insert_before(note, notehead, _AFTER_NOTEHEAD)


def _declare_instruments(score_part: ET.Element, pid: str, keys: list[int]) -> None:
    for old in score_part.findall("score-instrument") + score_part.findall("midi-instrument"):
        score_part.remove(old)
    for key in keys:
        inst = ET.SubElement(score_part, "score-instrument", id=f"{pid}-I{key + 1}")
        ET.SubElement(inst, "instrument-name").text = drum_name(key)
    for key in keys:
        midi = ET.SubElement(score_part, "midi-instrument", id=f"{pid}-I{key + 1}")
        ET.SubElement(midi, "midi-channel").text = str(DRUM_CHANNEL + 1)
        ET.SubElement(midi, "midi-program").text = "1"
        ET.SubElement(midi, "midi-unpitched").text = str(key + 1)


def _insert_before(parent: ET.Element, child: ET.Element, later_tags: tuple[str, ...]) -> None:
    for i, el in enumerate(parent):
        if el.tag in later_tags:
            parent.insert(i, child)
            return
    parent.append(child)


# ---- reading ----------------------------------------------------------------------------------
def unpitched_to_pitched(xml: bytes) -> DrumRead:
    """Give every unpitched note the pitch of its GM drum key, so music21 keeps which drum it is.

    The key comes from the note's ``<instrument>`` (its ``<midi-unpitched>``), else from the
    part's first drum instrument, else from the display position (this module's drum map).
    Parts with unpitched notes or drum instruments are named in ``drum_part_ids``.
    """
    if b"unpitched" not in xml:
        return DrumRead(xml, frozenset())
    head, root = _parse(xml)
    drums: set[str] = set()
    for score_part in root.iter("score-part"):
        pid = score_part.get("id") or ""
        instrument_keys = _unpitched_keys(score_part)
        part = next((p for p in root.findall("part") if p.get("id") == pid), None)
        if part is None:
            continue
        if instrument_keys:
            drums.add(pid)
        for note in part.iter("note"):
            unpitched = note.find("unpitched")
            if unpitched is None:
                continue
            drums.add(pid)
            inst = note.find("instrument")
            key = instrument_keys.get(inst.get("id")) if inst is not None else None
            if key is None and instrument_keys:
                key = next(iter(instrument_keys.values()))
            if key is None:
                octave = (unpitched.findtext("display-octave") or "").strip()
                key = key_of_display(unpitched.findtext("display-step") or "C",
                                     int(octave) if octave.isdigit() else 5, note.findtext("notehead") or "normal")
            index = list(note).index(unpitched)
            note.remove(unpitched)
            note.insert(index, _pitch_element(key))
    return DrumRead(_serialize(head, root), frozenset(drums))


def _unpitched_keys(score_part: ET.Element) -> dict[str | None, int]:
    """Instrument id -> GM drum key, for the part's instruments that name one."""
    out = {}
    for midi in score_part.findall("midi-instrument"):
        text = (midi.findtext("midi-unpitched") or "").strip()
        if text.isdigit() and 1 <= int(text) <= 128:
            out[midi.get("id")] = int(text) - 1
    return out


def _pitch_element(key: int) -> ET.Element:
    spelled = spell_with(key, "CCDDEFFGGAAB"[key % 12])
    pitch = ET.Element("pitch")
    ET.SubElement(pitch, "step").text = spelled.step
    if spelled.alter:
        ET.SubElement(pitch, "alter").text = str(spelled.alter)
    ET.SubElement(pitch, "octave").text = str(spelled.octave)
    return pitch


def key_of_display(step: str, octave: int, notehead: str = "normal") -> int:
    """The GM drum key drawn at a display position with this notehead (the lowest key when
    several share both, else the lowest at the position), else the position's own MIDI number."""
    step = step.strip().upper()
    here = [(k, head) for k, (s, o, head) in _DISPLAY.items() if (s, o) == (step, octave)]
    keys = [k for k, head in here if head == notehead.strip()] or [k for k, _ in here]
    return min(keys) if keys else min(127, max(0, 12 * (octave + 1) + _STEP_PC.get(step, 0)))


def _midi_of(pitch: ET.Element) -> int:
    step = (pitch.findtext("step") or "C").strip()
    alter = round(float((pitch.findtext("alter") or "0").strip() or 0))
    octave = int((pitch.findtext("octave") or "4").strip())
    return 12 * (octave + 1) + _STEP_PC.get(step, 0) + alter


def _serialize(head: bytes, root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return head + ET.tostring(root, encoding="unicode").encode("utf-8")


def _parse(xml: bytes) -> tuple[bytes, ET.Element]:
    """The XML declaration and DOCTYPE (kept when UTF-8) and the parsed root element."""
    root = ET.fromstring(xml)
    start = xml.find(b"<score-")
    head = xml[:start] if start > 0 else b""
    if b"encoding" in head.lower() and b"utf-8" not in head.lower():
        head = b""
    return head or _DECLARATION, root
