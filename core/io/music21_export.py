"""Song → music21 Score → MusicXML (plain ``.musicxml``/``.xml`` or compressed ``.mxl``).

Notation cannot spell arbitrary tick values, so onsets and ends are snapped to the nearer of the
1/32 and 1/16-triplet grids before export; music from scores (already on such grids) survives a
MusicXML round trip unchanged. Parts are padded with a rest to the end of the last bar. Notes that start together with equal length become chords;
overlaps become voices (music21 does that when it builds measures).

Pitches are spelled by ``spelling`` (the source's letters where a track has them, else the key's),
so a chorale in three sharps is written without needless naturals. Drum tracks become percussion
parts (``musicxml_percussion``).
"""
from __future__ import annotations

import io
import zipfile
from fractions import Fraction

import numpy as np

from ..chords import ChordSymbol, pitch_class_name
from ..song import MINOR, PPQ, Song
from .errors import MusicFileError, one_line
from .midi import key_sharps
from .musicxml_percussion import pitched_to_unpitched
from .spelling import Spelled, spell

_GRIDS = (PPQ // 8, PPQ // 6)  # 1/32 notes and 1/16 triplets
_MXL_ROOT = "score.musicxml"
_CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<container><rootfiles><rootfile full-path="score.musicxml" '
    'media-type="application/vnd.recordare.musicxml+xml"/></rootfiles></container>\n'
)


def snap_to_notation(ticks: np.ndarray) -> np.ndarray:
    """Each tick moved to the nearest multiple of 60 or 80 (whichever is closer)."""
    t = np.asarray(ticks, dtype=np.int64)
    cands = [((t + g // 2) // g) * g for g in _GRIDS]
    return np.where(np.abs(cands[0] - t) <= np.abs(cands[1] - t), cands[0], cands[1])


def song_to_score(song: Song):
    """Build a music21 Score: one Part per Track, maps in every part, tempo marks in the first."""
    from music21 import chord, instrument, key, metadata, meter, note, stream, tempo, volume

    score = stream.Score()
    score.metadata = metadata.Metadata(title=song.title)
    # every part fills whole bars: a short single bar would otherwise be read back as a pickup
    bar_end = song.bar_start(song.bar_count())
    for index, track in enumerate(song.tracks):
        part = stream.Part(id=f"P{index + 1}")
        part.partName = track.name
        inst = instrument.instrumentFromMidiProgram(track.program) if not track.is_drum else instrument.Percussion()
        inst.partName = track.name
        inst.midiProgram = track.program
        inst.midiChannel = 9 if track.is_drum else track.channel
        part.insert(0, inst)
        for ts in song.time_signatures:
            part.insert(_ql(ts.tick), meter.TimeSignature(f"{ts.numerator}/{ts.denominator}"))
        for k in song.keys:
            mode = "minor" if k.mode == MINOR else "major"
            part.insert(_ql(k.tick), key.KeySignature(key_sharps(k.tonic, k.mode)).asKey(mode))
        if index == 0:
            for t in song.tempos:
                part.insert(_ql(t.tick), tempo.MetronomeMark(number=t.bpm, referent=1.0))
            for c in song.chords:  # the chord track, as <harmony> above the first part
                part.insert(_ql(c.tick), _m21_chord_symbol(c.symbol))
        notes = track.sorted_notes()
        start = snap_to_notation(notes["start"])
        end = np.maximum(snap_to_notation(notes["start"] + notes["duration"]), start + min(_GRIDS))
        groups: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for s, e, p, v, t in zip(start.tolist(), end.tolist(), notes["pitch"].tolist(), notes["velocity"].tolist(),
                                 notes["start"].tolist()):
            groups.setdefault((s, e), []).append((p, v, t))
        for (s, e), members in groups.items():
            ql = _ql(e - s)
            k = song.key_at(s)
            spelled = {p: spell(p, k, track.spelling.get((t, p))) for p, _, t in members}
            pitches = [_m21_pitch(spelled[p]) for p in sorted(spelled)]
            el = note.Note(pitches[0], quarterLength=ql) if len(pitches) == 1 else chord.Chord(pitches, quarterLength=ql)
            el.volume = volume.Volume(velocity=max(v for _, v, _ in members))
            part.insert(_ql(s), el)
        part_end = int(end.max()) if len(end) else 0
        if part_end < bar_end:
            part.insert(_ql(part_end), note.Rest(quarterLength=_ql(bar_end - part_end)))
        score.insert(0, part)
    return score


def _m21_chord_symbol(symbol: ChordSymbol):
    """music21's ChordSymbol built from root, MusicXML kind and bass, showing our spelling
    (music21's own parser misreads ``Bb7``; see core/chords.py)."""
    from music21 import harmony, pitch

    if symbol.is_no_chord:
        return harmony.NoChord()

    def m21(name: str):
        return pitch.Pitch(name[0] + name[1:].replace("b", "-"))

    root = symbol.root_name or pitch_class_name(symbol.root, flats=True)
    bass = None if symbol.bass is None else (symbol.bass_name or pitch_class_name(symbol.bass, flats=True))
    cs = harmony.ChordSymbol(root=m21(root), kind=symbol.musicxml_kind, bass=m21(bass) if bass else None)
    shown = symbol.text[len(root):]
    cs.chordKindStr = shown.rpartition("/")[0] if bass else shown
    return cs


def _m21_pitch(spelled: Spelled):
    """A music21 Pitch with exactly this spelling (built field by field: a name like ``C-1``
    would read as C-flat in octave 1)."""
    from music21 import pitch

    p = pitch.Pitch(spelled.step)
    p.accidental = pitch.Accidental(spelled.alter) if spelled.alter else None
    p.octave = spelled.octave
    return p


def _ql(ticks: int) -> Fraction:
    return Fraction(int(ticks), PPQ)


def song_to_musicxml_bytes(song: Song, compressed: bool = False) -> bytes:
    """MusicXML text (or a ``.mxl`` zip) for ``song``; music21 failures become MusicFileError."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    if not song.tracks:
        raise MusicFileError("the song has no tracks to write as MusicXML")
    try:
        xml = GeneralObjectExporter(song_to_score(song)).parse()
    except Exception as exc:  # music21 raises many types for unwritable notation
        raise MusicFileError(f"could not write the song as MusicXML: {one_line(exc)}") from None
    drums = {i for i, t in enumerate(song.tracks) if t.is_drum}
    if drums:
        xml = pitched_to_unpitched(xml, drums)
    if not compressed:
        return xml
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.recordare.musicxml", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/container.xml", _CONTAINER, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr(_MXL_ROOT, xml, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
