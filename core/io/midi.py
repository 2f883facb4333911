"""Standard MIDI files ↔ Song.

Reading uses symusic (C++): it parses a million-note file in a fraction of a second and rejects
broken event data with an exception instead of crashing (fuzzed with tens of thousands of mutated
files). symusic does not report MIDI channels and drops tracks without notes, so each MTrk chunk
is parsed on its own and a small Python event walker recovers the channel (and, for note-less
tracks, name/program/volume/pan); the walker stops at the first note in the common one-channel
track, so its cost stays tiny.

Writing encodes the events with NumPy: symusic's writer forces every track onto channel 0 or 9,
and building one mido message per note costs seconds for big songs. Output is type 1, 480 PPQ, a
conductor track (title, tempo, meter, key maps), then one MTrk per Track. The meter and key maps
are repeated in every track: MuseScore and several DAWs read a track's key from the track itself
(with the conductor alone, MuseScore showed a song in G as three flats).
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..channels import DRUM_CHANNEL
from ..chords import ChordEvent, ChordSymbolError, parse_chord
from ..song import MAJOR, MINOR, NOTE_DTYPE, PPQ, KeySignature, Song, TempoChange, TimeSignature, Track
from .errors import MusicFileError, one_line
from .files import read_file_bytes, write_file_bytes

CC_VOLUME = 7
CC_PAN = 10
_MAX_DELTA = 0x0FFFFFFF  # largest variable-length quantity a MIDI delta time may hold
_VALID_DENOMINATORS = (1, 2, 4, 8, 16, 32, 64)


# ---- reading ---------------------------------------------------------------------------------
def read_midi(path: str | os.PathLike) -> Song:
    """Read a type 0/1/2 MIDI file at any resolution into a 480-PPQ Song."""
    path = Path(path)
    return song_from_midi_bytes(read_file_bytes(path), name=path.stem, source=path.name)


def song_from_midi_bytes(data: bytes, name: str = "Untitled", source: str | None = None) -> Song:
    """Parse MIDI file bytes; any defect raises MusicFileError (never another exception)."""
    label = source or "the data"
    try:
        return _song_from_bytes(bytes(data), name, label)
    except MusicFileError:
        raise
    except Exception as exc:  # a parser defect must still reach users as one line
        raise MusicFileError(f"{label} is not a readable MIDI file ({one_line(exc)})") from None


@dataclass
class _Header:
    fmt: int
    ntracks: int
    tpq: float  # ticks per quarter note (for SMPTE files: ticks per half second, i.e. at 120 BPM)
    smpte: bool


@dataclass
class _ChunkInfo:
    """What the event walker learned about one MTrk chunk."""

    name: str | None = None
    channels_used: list[int] = field(default_factory=list)  # in order of first channel message
    programs: dict[int, int] = field(default_factory=dict)  # channel -> first program change
    controls: dict[tuple[int, int], int] = field(default_factory=dict)  # (channel, cc) -> first value
    note_pairs: set[tuple[int, int]] = field(default_factory=set)  # (channel, program) with notes
    first_note_channel: int | None = None


def _song_from_bytes(data: bytes, name: str, label: str) -> Song:
    data = _unwrap_riff(data, label)
    header, chunks = _split_chunks(data, label)
    scale = PPQ / header.tpq
    tracks: list[Track] = []
    title: str | None = None
    tempos: list[TempoChange] = []
    sigs: list[TimeSignature] = []
    keys: list[KeySignature] = []
    markers: list[tuple[int, str]] = []
    for index, body in enumerate(chunks):
        score = _parse_chunk(body, index, label)
        if not header.smpte:
            tempos += _tempos(score, scale)
        sigs += _time_signatures(score, scale)
        keys += _keys(score, scale)
        markers += _markers(score, scale)
        if len(score.tracks):
            tracks += _tracks_from_chunk(score, body, scale, len(tracks), label)
            continue
        info = _walk(body, full=True)
        if info.channels_used:
            tracks.append(_empty_track(info, len(tracks)))
        elif index == 0 and header.fmt == 1 and info.name:
            title = info.name
    return Song(
        title=title or name,
        tracks=tracks,
        tempos=tempos or [TempoChange(0, 120.0)],
        time_signatures=sigs or [TimeSignature(0, 4, 4)],
        keys=keys or [KeySignature(0, 0, MAJOR)],
        chords=chords_from_markers(markers),
    )


def chords_from_markers(markers: list[tuple[int, str]]) -> list[ChordEvent]:
    """The chord track LatentRoll writes as marker events. Only when every marker reads as a
    chord symbol: a DAW's section markers ("Verse", "A", "Chorus") must not turn into chords."""
    chords = []
    for tick, text in markers:
        try:
            chords.append(ChordEvent(tick, parse_chord(text)))
        except ChordSymbolError:
            return []
    return chords


def _markers(score, scale: float) -> list[tuple[int, str]]:
    return [(int(_rescale(np.array([m.time]), scale)[0]), str(m.text)) for m in score.markers if m.time >= 0]


def _unwrap_riff(data: bytes, label: str) -> bytes:
    """RIFF MIDI (.rmi) wraps a standard MIDI file in a ``data`` chunk."""
    if data[:4] != b"RIFF" or data[8:12] != b"RMID":
        return data
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"data":
            return data[pos + 8:pos + 8 + size]
        pos += 8 + size + (size & 1)
    raise MusicFileError(f"{label} is a RIFF MIDI file without MIDI data")


def _split_chunks(data: bytes, label: str) -> tuple[_Header, list[bytes]]:
    if not data:
        raise MusicFileError(f"{label} is empty")
    if data[:4] != b"MThd":
        raise MusicFileError(f"{label} is not a MIDI file (no MThd header)")
    if len(data) < 14:
        raise MusicFileError(f"{label} is truncated: the MIDI header is incomplete")
    hlen, fmt, ntracks, division = struct.unpack(">IHHH", data[4:14])
    if hlen < 6 or fmt > 2 or division == 0:
        raise MusicFileError(f"{label} has a damaged MIDI header")
    if division & 0x8000:
        fps = 256 - (division >> 8)
        fps = 29.97 if fps == 29 else fps
        tpf = division & 0xFF
        if fps not in (24, 25, 29.97, 30) or tpf == 0:
            raise MusicFileError(f"{label} has a damaged MIDI header (bad SMPTE timing)")
        header = _Header(fmt, ntracks, fps * tpf / 2.0, True)
    else:
        header = _Header(fmt, ntracks, float(division), False)
    chunks: list[bytes] = []
    pos = 8 + hlen
    while pos + 8 <= len(data):
        cid = data[pos:pos + 4]
        (size,) = struct.unpack(">I", data[pos + 4:pos + 8])
        if pos + 8 + size > len(data):
            raise MusicFileError(
                f"{label} is truncated: track {len(chunks) + 1} needs {size} bytes, "
                f"{len(data) - pos - 8} are left"
            )
        if cid == b"MTrk":
            chunks.append(data[pos + 8:pos + 8 + size])
        pos += 8 + size
    if len(chunks) < ntracks:
        raise MusicFileError(
            f"{label} is truncated: the header announces {ntracks} tracks, the file holds {len(chunks)}"
        )
    if not chunks:
        raise MusicFileError(f"{label} holds no MIDI tracks")
    return header, chunks


def _parse_chunk(body: bytes, index: int, label: str):
    """Parse one MTrk as its own one-track file, so tracks map back to their chunk."""
    import symusic

    mini = b"MThd" + struct.pack(">IHHH", 6, 0, 1, PPQ) + b"MTrk" + struct.pack(">I", len(body)) + body
    try:
        return symusic.Score.from_midi(mini)
    except Exception as exc:
        raise MusicFileError(f"{label} is damaged: track {index + 1} cannot be read ({one_line(exc)})") from None


def _rescale(ticks: np.ndarray, scale: float) -> np.ndarray:
    t = ticks.astype(np.int64)
    return t if scale == 1.0 else np.rint(t * scale).astype(np.int64)


def _tracks_from_chunk(score, body: bytes, scale: float, first_index: int, label: str) -> list[Track]:
    subs = list(score.tracks)
    if len(subs) == 1:
        info = _walk(body, full=False)
        channels = [info.first_note_channel]
    else:
        # symusic orders a chunk's sub-tracks by (channel, program); recover the same order
        info = _walk(body, full=True)
        pairs = sorted(info.note_pairs)
        channels = [c for c, _ in pairs] if len(pairs) == len(subs) else [None] * len(subs)
    out = []
    for k, (sub, channel) in enumerate(zip(subs, channels)):
        if channel is None or (channel == DRUM_CHANNEL) != bool(sub.is_drum):
            channel = DRUM_CHANNEL if sub.is_drum else (first_index + k) % 16
        out.append(_track_from_symusic(sub, channel, scale, first_index + k, label))
    return out


def _track_from_symusic(sub, channel: int, scale: float, index: int, label: str) -> Track:
    raw = sub.notes.numpy()
    start = _rescale(raw["time"], scale)
    end = _rescale(raw["time"].astype(np.int64) + raw["duration"], scale)
    if len(start) and (start.min() < 0 or (end < start).any()):
        raise MusicFileError(f"{label} is damaged: track {index + 1} has notes at negative times")
    notes = np.empty(len(start), dtype=NOTE_DTYPE)
    notes["start"] = start
    notes["duration"] = np.maximum(end - start, 1)
    notes["pitch"] = raw["pitch"]
    notes["velocity"] = np.clip(raw["velocity"].astype(np.int16), 1, 127)
    controls = sub.controls.numpy()
    return Track(
        name=sub.name or f"Track {index + 1}",
        program=int(sub.program),
        channel=int(channel),
        is_drum=bool(sub.is_drum),
        volume=_first_cc(controls, CC_VOLUME, 100),
        pan=_first_cc(controls, CC_PAN, 64),
        notes=notes,
    )


def _first_cc(controls: dict, number: int, default: int) -> int:
    hits = np.flatnonzero(controls["number"] == number)
    return int(controls["value"][hits[0]]) if len(hits) else default


def _empty_track(info: _ChunkInfo, index: int) -> Track:
    ch = info.channels_used[0]
    return Track(
        name=info.name or f"Track {index + 1}",
        program=info.programs.get(ch, 0),
        channel=ch,
        is_drum=ch == DRUM_CHANNEL,
        volume=info.controls.get((ch, CC_VOLUME), 100),
        pan=info.controls.get((ch, CC_PAN), 64),
    )


def _tempos(score, scale: float) -> list[TempoChange]:
    raw = score.tempos.numpy()
    ticks = _rescale(raw["time"], scale)
    return [
        TempoChange(int(t), round(60_000_000 / int(m), 3))
        for t, m in zip(ticks, raw["mspq"]) if m > 0 and t >= 0
    ]


def _time_signatures(score, scale: float) -> list[TimeSignature]:
    raw = score.time_signatures.numpy()
    ticks = _rescale(raw["time"], scale)
    return [
        TimeSignature(int(t), int(n), int(d))
        for t, n, d in zip(ticks, raw["numerator"], raw["denominator"])
        if n >= 1 and d in _VALID_DENOMINATORS and t >= 0
    ]


def _keys(score, scale: float) -> list[KeySignature]:
    raw = score.key_signatures.numpy()
    ticks = _rescale(raw["time"], scale)
    out = []
    for t, sf, mi in zip(ticks, raw["key"], raw["tonality"]):
        if -7 <= sf <= 7 and mi in (0, 1) and t >= 0:
            major_tonic = (7 * int(sf)) % 12
            out.append(KeySignature(int(t), (major_tonic + 9) % 12 if mi else major_tonic, MINOR if mi else MAJOR))
    return out


def _walk(body: bytes, full: bool) -> _ChunkInfo:
    """Walk one chunk's events. With ``full=False`` stop at the first note-on."""
    info = _ChunkInfo()
    program = [0] * 16
    seen = set()
    i, n, running = 0, len(body), 0
    try:
        while i < n:
            while body[i] & 0x80:  # delta time: skip the variable-length quantity
                i += 1
            i += 1
            status = body[i]
            if status & 0x80:
                i += 1
                if status < 0xF0:
                    running = status
            elif running:
                status = running
            else:
                break
            if status == 0xFF:
                kind = body[i]
                size, i = _vlq(body, i + 1)
                if kind == 0x03:
                    info.name = body[i:i + size].decode("utf-8", "replace").strip("\x00").strip() or info.name
                elif kind == 0x2F:
                    break
                i += size
                continue
            if status in (0xF0, 0xF7):
                size, i = _vlq(body, i)
                i += size
                continue
            if status > 0xF0:
                break
            ch, hi = status & 0x0F, status & 0xF0
            d1 = body[i]
            d2 = 0 if hi in (0xC0, 0xD0) else body[i + 1]
            i += 1 if hi in (0xC0, 0xD0) else 2
            if ch not in seen:
                seen.add(ch)
                info.channels_used.append(ch)
            if hi == 0x90 and d2:
                if info.first_note_channel is None:
                    info.first_note_channel = ch
                    if not full:
                        break
                info.note_pairs.add((ch, program[ch]))
            elif hi == 0xC0:
                info.programs.setdefault(ch, d1 & 0x7F)
                program[ch] = d1 & 0x7F
            elif hi == 0xB0:
                info.controls.setdefault((ch, d1), d2 & 0x7F)
    except IndexError:
        pass  # symusic already accepted this chunk; a ragged tail only ends the walk
    return info


def _vlq(body: bytes, i: int) -> tuple[int, int]:
    value = 0
    for _ in range(4):
        b = body[i]
        i += 1
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            return value, i
    raise IndexError("variable-length quantity too long")


# ---- writing ---------------------------------------------------------------------------------
def write_midi(song: Song, path: str | os.PathLike, end_tick: int | None = None) -> None:
    """Write ``song`` as a type 1, 480-PPQ MIDI file; an existing file is only replaced on success.
    ``end_tick``: every track ends there (or at its last event, if later): stems of one song
    written with the song's end line up in a DAW."""
    write_file_bytes(path, song_to_midi_bytes(song, end_tick))


def song_to_midi_bytes(song: Song, end_tick: int | None = None) -> bytes:
    end = max(song.end_tick(), end_tick or 0)
    signatures = _signature_events(song)
    tracks = [_conductor_chunk(song, end, signatures)] + [_track_chunk(t, end, signatures) for t in song.tracks]
    head = b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), PPQ)
    return head + b"".join(b"MTrk" + struct.pack(">I", len(c)) + c for c in tracks)


def _signature_events(song: Song) -> list[tuple[int, bytes]]:
    """Time- and key-signature meta events in tick order (for the conductor and every track)."""
    events: list[tuple[int, bytes]] = []
    for ts in song.time_signatures:
        if ts.denominator not in _VALID_DENOMINATORS or not 1 <= ts.numerator <= 255:
            raise MusicFileError(f"the time signature {ts.numerator}/{ts.denominator} cannot be stored in MIDI")
        dd = ts.denominator.bit_length() - 1
        events.append((ts.tick, _meta(0x58, bytes([ts.numerator, dd, 24, 8]))))
    for k in song.keys:
        sharps = key_sharps(k.tonic, k.mode)
        events.append((k.tick, _meta(0x59, struct.pack(">bB", sharps, 1 if k.mode == MINOR else 0))))
    return sorted(events, key=lambda e: e[0])


def _conductor_chunk(song: Song, end_tick: int, signatures: list[tuple[int, bytes]]) -> bytes:
    events: list[tuple[int, bytes]] = [(0, _meta(0x03, song.title.encode("utf-8"))), *signatures]
    events += [(c.tick, _meta(0x06, c.symbol.text.encode("utf-8"))) for c in song.chords]  # the chord track
    for t in song.tempos:
        if not t.bpm > 0:
            raise MusicFileError(f"the tempo {t.bpm} BPM cannot be stored in MIDI")
        mspq = min(max(int(round(60_000_000 / t.bpm)), 1), 0xFFFFFF)
        events.append((t.tick, _meta(0x51, mspq.to_bytes(3, "big"))))
    events.sort(key=lambda e: e[0])
    return _encode_fixed(events, end_tick)


def key_sharps(tonic: int, mode: str) -> int:
    """Key-signature accidentals (-7..7) for a tonic pitch class: flats down to Gb, sharps up to B."""
    major = tonic % 12 if mode != MINOR else (tonic + 3) % 12
    s = (7 * major) % 12
    return s - 12 if s > 5 else s


def _track_chunk(track: Track, end_tick: int = 0, signatures: list[tuple[int, bytes]] = ()) -> bytes:
    ch = DRUM_CHANNEL if track.is_drum else int(track.channel)
    if not 0 <= ch <= 15:
        raise MusicFileError(f"track {track.name!r} uses channel {ch + 1}; MIDI has channels 1-16")
    setup = [
        (0, _meta(0x03, track.name.encode("utf-8"))),
        (0, bytes([0xC0 | ch, _data7(track.program, "program", track)])),
        (0, bytes([0xB0 | ch, CC_VOLUME, _data7(track.volume, "volume", track)])),
        (0, bytes([0xB0 | ch, CC_PAN, _data7(track.pan, "pan", track)])),
    ]
    head = b"".join(_vlq_bytes(0) + msg for _, msg in setup)
    notes = track.notes
    if not len(notes):
        return head + _encode_fixed(list(signatures), end_tick)
    if notes["pitch"].min() < 0 or notes["pitch"].max() > 127:
        raise MusicFileError(f"track {track.name!r} has pitches outside 0-127")
    start = notes["start"].astype(np.int64)
    if start.min() < 0:
        raise MusicFileError(f"track {track.name!r} has notes before the song start")
    end = start + np.maximum(notes["duration"].astype(np.int64), 1)
    n = len(notes)
    ticks = np.concatenate([start, end])
    is_on = np.concatenate([np.ones(n, np.int8), np.zeros(n, np.int8)])
    pitch = np.concatenate([notes["pitch"], notes["pitch"]]).astype(np.uint8)
    vel = np.concatenate([np.clip(notes["velocity"], 1, 127), np.full(n, 64)]).astype(np.uint8)
    order = np.lexsort((pitch, is_on, ticks))  # at one tick: note-offs first, so repeats retrigger
    ticks, is_on, pitch, vel = ticks[order], is_on[order], pitch[order], vel[order]
    status = np.where(is_on == 1, 0x90 | ch, 0x80 | ch).astype(np.uint8)
    body, last = _encode_with_meta(ticks, status, pitch, vel, signatures)
    return head + body + _end_of_track(end_tick - last)


def _encode_with_meta(ticks: np.ndarray, status: np.ndarray, d1: np.ndarray, d2: np.ndarray,
                      metas: list[tuple[int, bytes]]) -> tuple[bytes, int]:
    """Channel events (vectorised) with a few meta events placed among them, each before the
    channel events of its tick. Returns the bytes and the tick of the last event."""
    out, last, pos = [], 0, 0
    for tick, msg in metas:
        cut = int(np.searchsorted(ticks, tick, side="left"))
        if cut > pos:
            out.append(_encode_channel_events(np.diff(ticks[pos:cut], prepend=last), status[pos:cut],
                                              d1[pos:cut], d2[pos:cut]))
            last, pos = int(ticks[cut - 1]), cut
        out.append(_vlq_bytes(tick - last) + msg)
        last = tick
    if pos < len(ticks):
        out.append(_encode_channel_events(np.diff(ticks[pos:], prepend=last), status[pos:], d1[pos:], d2[pos:]))
        last = int(ticks[-1])
    return b"".join(out), last


def _end_of_track(delta: int) -> bytes:
    return _vlq_bytes(max(0, delta)) + _meta(0x2F, b"")


def _data7(value: int, what: str, track: Track) -> int:
    if not 0 <= int(value) <= 127:
        raise MusicFileError(f"track {track.name!r} has {what} {value}; MIDI allows 0-127")
    return int(value)


def _encode_channel_events(deltas: np.ndarray, status: np.ndarray, d1: np.ndarray, d2: np.ndarray) -> bytes:
    """Vectorised ``delta + status + d1 + d2`` for every event, deltas as variable-length quantities."""
    if len(deltas) and deltas.max() > _MAX_DELTA:
        raise MusicFileError("the song has a gap too long for a MIDI file")
    nbytes = 1 + (deltas >= 1 << 7).astype(np.int64) + (deltas >= 1 << 14) + (deltas >= 1 << 21)
    sizes = nbytes + 3
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = np.zeros(int(sizes.sum()), dtype=np.uint8)
    for k in range(4):
        has = nbytes > k
        shift = 7 * (nbytes[has] - 1 - k)
        more = np.where(k < nbytes[has] - 1, 0x80, 0)
        out[offsets[has] + k] = ((deltas[has] >> shift) & 0x7F) | more
    out[offsets + nbytes] = status
    out[offsets + nbytes + 1] = d1
    out[offsets + nbytes + 2] = d2
    return out.tobytes()


def _encode_fixed(events: list[tuple[int, bytes]], end_tick: int) -> bytes:
    out, last = [], 0
    for tick, msg in events:
        out.append(_vlq_bytes(tick - last) + msg)
        last = tick
    out.append(_end_of_track(end_tick - last))
    return b"".join(out)


def _meta(kind: int, payload: bytes) -> bytes:
    return bytes([0xFF, kind]) + _vlq_bytes(len(payload)) + payload


def _vlq_bytes(value: int) -> bytes:
    if not 0 <= value <= _MAX_DELTA:
        raise MusicFileError("the song has a gap too long for a MIDI file")
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))

