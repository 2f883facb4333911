"""The chorale service: Harmonize and Infill. Core Tracks in, core Tracks out, never tensors.

- ``harmonize(melody)``: the melody is the soprano; alto, tenor and bass are drawn by annealed
  blocked Gibbs sampling. Returns, per candidate, three new tracks spanning the melody.
- ``infill(tracks, start, end, voices)``: four voices (a Song with four pitched tracks, or four
  tracks); the frames of ``voices`` between ``start`` and ``end`` are redrawn consistent with the
  music around them. The net sees the region plus its receptive field each side
  (``ChoraleCNN.receptive_radius``, 61 frames for the shipped net), not the whole piece: the
  logits of the region's frames are the same, at a fraction of the cost for a long piece. Returns, per candidate, the four tracks with
  only that region changed; everything outside it, velocities included, is kept.

Tracks are assigned to voices by mean pitch (highest = soprano); ``voices`` indexes the given
tracks. A melody far from the soprano register is moved by whole octaves for the model and the
result moved back. Drum, empty or overlong input raises ``ChoraleError`` with a message for users.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
import torch

from latentroll.core.channels import free_channels
from latentroll.core.chords import ChordEvent, chord_at
from latentroll.core.song import NOTE_DTYPE, PPQ, Song, Track
from latentroll.core.theory import Scale
from latentroll.models.common.errors import ChoraleError
from latentroll.models.common.service import NetworkService
from latentroll.models.data.melody import STEP_TICKS
from latentroll.models.data.tracks import melody_notes, velocities_for

from .config import CoconetConfig
from .gibbs import Schedule, gibbs_sample
from .network import ChoraleCNN
from .roll import NUM_VOICES, VOICES, beat_phase, frames_to_notes, voice_frames

MAX_FRAMES = 64 * 16          # 64 bars of 4/4
MAX_CANDIDATES = 8
DEFAULT_TEMPERATURE = 0.8
SOPRANO_CENTER = 70           # A#4: the middle of Bach's soprano lines
VOICE_PROGRAM = 52            # GM "Choir Aahs"


def _ceil_step(tick: int) -> int:
    return -(-tick // STEP_TICKS) * STEP_TICKS


def _octave_shift(pitches: np.ndarray) -> int:
    """Whole octaves that bring the median of ``pitches`` nearest the soprano's register."""
    return 12 * int(round((SOPRANO_CENTER - float(np.median(pitches))) / 12))


class ChoraleService(NetworkService):
    key, config_cls, network_cls = "cnn", CoconetConfig, ChoraleCNN
    cfg: CoconetConfig

    def __init__(self, model: ChoraleCNN, name: str | None = None):
        super().__init__(model, name)
        self.sampler_net = model.for_inference()  # the same function, faster: what the sampler calls
        self.schedule = Schedule.of(self.cfg)      # the config's sampling fields

    # ---- checks ---------------------------------------------------------------------------
    @staticmethod
    def _check(temperature: float, candidates: int) -> None:
        if not 0.0 <= temperature <= 2.0:
            raise ChoraleError("temperature must be between 0 and 2")
        if not 1 <= candidates <= MAX_CANDIDATES:
            raise ChoraleError(f"ask for between 1 and {MAX_CANDIDATES} candidates")

    def _allowed(self, scale: Scale | None, chords: Sequence[ChordEvent] = (), origin: int = 0,
                 frames: int = 0) -> torch.Tensor | None:
        """Classes a drawn frame may take (rest always); None = all. ``scale``: its pitches.
        ``chords`` (song ticks; the roll starts at ``origin``): the lower voices (alto, tenor,
        bass) keep to the tones of the chord sounding at each frame, the bass to a slash chord's
        bass note; under N.C. or before the first chord they are free. Where the scale leaves a
        chord no tone (a chromatic chord), the chord wins."""
        pitches = np.arange(self.cfg.pitches) + self.cfg.low_pitch
        in_scale = None if scale is None else np.append(scale.contains(pitches), True)
        if not chords:
            return None if in_scale is None else torch.as_tensor(in_scale)
        mask = np.ones((NUM_VOICES, frames, self.cfg.classes), dtype=bool)
        if in_scale is not None:
            mask &= in_scale
        pcs = pitches % 12
        for t in range(frames):
            symbol = chord_at(list(chords), origin + t * STEP_TICKS)
            if symbol is None or symbol.is_no_chord:
                continue
            tones = np.isin(pcs, sorted(symbol.pitch_classes()))
            bass = np.isin(pcs, [symbol.bass]) if symbol.bass is not None else tones
            for v, ok in ((1, tones), (2, tones), (3, bass)):
                row = np.append(ok, True)
                both = mask[v, t] & row
                mask[v, t] = both if both[:-1].any() else row
        return torch.as_tensor(mask[None])

    def sample_roll(self, roll: np.ndarray, free: np.ndarray, temperature: float, candidates: int,
                    seed: int | None, scale: Scale | None, steps: int | None,
                    progress: Callable[[int, int], None] | None = None,
                    voice_leading: bool = True, chords: Sequence[ChordEvent] = (),
                    origin: int = 0) -> np.ndarray:
        """Gibbs-sample ``candidates`` copies of ``roll`` (4, T) on the ``free`` frames → (K, 4, T).
        The roll-level call under harmonize and infill (the evaluation uses it directly).
        ``voice_leading``: keep parallel fifths/octaves out of the drawn frames (gibbs.py).
        ``chords``: the chord track the lower voices keep to (``_allowed``); the roll's frame 0 is
        song tick ``origin``."""
        frames = roll.shape[1]
        gen = torch.Generator().manual_seed(int(seed)) if seed is not None else None
        schedule = self.schedule
        if steps is not None:
            schedule = Schedule(steps, schedule.pmax, schedule.pmin, schedule.anneal)
        x = torch.as_tensor(np.repeat(roll[None], candidates, 0).astype(np.int64))
        f = torch.as_tensor(np.repeat(free[None], candidates, 0))
        phase = torch.as_tensor(np.repeat(beat_phase(frames)[None], candidates, 0))
        with torch.no_grad():
            allowed = self._allowed(scale, chords, origin, frames)
            out = gibbs_sample(self.sampler_net, x, f, phase, schedule, temperature, gen, allowed, progress,
                               voice_leading)
        return out.numpy()

    def _voice_notes(self, row: np.ndarray, start_tick: int, shift: int) -> np.ndarray:
        notes = frames_to_notes(row, self.cfg, start_tick)
        notes["pitch"] = np.clip(notes["pitch"].astype(np.int64) - shift, 0, 127)
        notes["velocity"] = velocities_for(notes["start"])
        return notes

    # ---- Harmonize --------------------------------------------------------------------------
    def harmonize(self, melody: Track, temperature: float = DEFAULT_TEMPERATURE, candidates: int = 1,
                  seed: int | None = None, scale: Scale | None = None, steps: int | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  voice_leading: bool = True, chords: Sequence[ChordEvent] = ()) -> list[list[Track]]:
        """Per candidate, [alto, tenor, bass] tracks under ``melody`` (its first note's beat to its end).
        ``steps``: Gibbs sweeps (default: the model's); ``progress(done, total)`` after each sweep;
        ``voice_leading``: no parallel fifths/octaves in the new voices (False: the net's raw draws);
        ``chords``: a chord track (song ticks) the new voices keep to."""
        self._check(temperature, candidates)
        notes = melody_notes(melody)
        origin = int(notes["start"].min()) // PPQ * PPQ
        end = _ceil_step(int((notes["start"] + notes["duration"]).max()))
        frames = (end - origin) // STEP_TICKS
        if frames > MAX_FRAMES:
            raise ChoraleError(f"melody is longer than {MAX_FRAMES // 16} bars; select a shorter part")
        shift = _octave_shift(notes["pitch"])
        roll = np.full((NUM_VOICES, frames), self.cfg.rest, dtype=np.int64)
        roll[0] = voice_frames(notes["start"] - origin, notes["duration"], notes["pitch"].astype(np.int64) + shift,
                               frames, self.cfg)
        free = np.zeros_like(roll, dtype=bool)
        free[1:] = True
        out = self.sample_roll(roll, free, temperature, candidates, seed, scale, steps, progress, voice_leading,
                               chords, origin)
        channels = free_channels(Song(tracks=[melody]), NUM_VOICES - 1)
        return [[Track(name=VOICES[v].capitalize(), program=VOICE_PROGRAM, channel=channels[v - 1],
                       notes=self._voice_notes(cand[v], origin, shift)) for v in range(1, NUM_VOICES)]
                for cand in out]

    # ---- Infill -----------------------------------------------------------------------------
    @staticmethod
    def voice_tracks(source: Song | Sequence[Track]) -> list[Track]:
        """The four voice tracks of a Song (its pitched tracks with notes) or a list of four tracks."""
        tracks = [t for t in source.tracks if not t.is_drum and len(t.notes)] if isinstance(source, Song) \
            else list(source)
        if len(tracks) != NUM_VOICES:
            raise ChoraleError(f"infill needs exactly four voices (soprano, alto, tenor, bass); got {len(tracks)} tracks")
        for t in tracks:
            if t.is_drum:
                raise ChoraleError(f"track {t.name!r} is a drum track; infill needs four pitched voices")
        return tracks

    @staticmethod
    def voice_order(tracks: Sequence[Track]) -> list[int]:
        """Track indices from soprano to bass (by mean pitch; an empty track counts as lowest)."""
        means = [float(t.notes["pitch"].mean()) if len(t.notes) else -1.0 for t in tracks]
        return sorted(range(len(tracks)), key=lambda i: -means[i])

    def infill_window(self, start: int, end: int, song_end: int) -> tuple[int, int]:
        """Ticks [origin, stop) of the roll the sampler works on for the region [start, end): the
        region plus the net's receptive field each side (origin on a beat, as rolls start), so the
        region's logits are those the whole piece would give."""
        context = self.model.receptive_radius() * STEP_TICKS
        origin = max(0, start - context) // PPQ * PPQ
        return origin, max(end, min(_ceil_step(song_end), end + context))

    def infill(self, source: Song | Sequence[Track], start_tick: int, end_tick: int,
               voices: Sequence[int] = (0, 1, 2, 3), temperature: float = DEFAULT_TEMPERATURE,
               candidates: int = 1, seed: int | None = None, scale: Scale | None = None,
               steps: int | None = None, progress: Callable[[int, int], None] | None = None,
               voice_leading: bool = True, chords: Sequence[ChordEvent] = ()) -> list[list[Track]]:
        """Per candidate, the four tracks (in the given order) with ``voices`` (indices into them)
        redrawn in [start_tick, end_tick) (snapped to 16ths). ``steps``, ``progress``, ``voice_leading``,
        ``chords``: as in harmonize (parallels with the kept music around the range are avoided too)."""
        self._check(temperature, candidates)
        tracks = self.voice_tracks(source)
        if not voices or any(not 0 <= v < NUM_VOICES for v in voices):
            raise ChoraleError("voices must be track indices 0..3")
        start = int(round(start_tick / STEP_TICKS)) * STEP_TICKS
        end = int(round(end_tick / STEP_TICKS)) * STEP_TICKS
        song_end = max(t.end_tick() for t in tracks)
        if start < 0 or end <= start:
            raise ChoraleError("the infill range is empty; pick a start before its end")
        if start >= song_end:
            raise ChoraleError("the infill range starts after the music ends")
        if (end - start) // STEP_TICKS > MAX_FRAMES:
            raise ChoraleError(f"the infill range is longer than {MAX_FRAMES // 16} bars; pick a shorter one")
        origin, stop = self.infill_window(start, end, song_end)
        frames = (stop - origin) // STEP_TICKS
        order = self.voice_order(tracks)             # order[role] = track index; the soprano has notes
        shift = _octave_shift(tracks[order[0]].notes["pitch"])
        roll = np.full((NUM_VOICES, frames), self.cfg.rest, dtype=np.int64)
        for role, ti in enumerate(order):
            n = tracks[ti].sorted_notes()
            if len(n):
                roll[role] = voice_frames(n["start"] - origin, n["duration"], n["pitch"].astype(np.int64) + shift,
                                          frames, self.cfg)
        f0, f1 = (start - origin) // STEP_TICKS, (end - origin) // STEP_TICKS
        free = np.zeros_like(roll, dtype=bool)
        for role, ti in enumerate(order):
            if ti in voices:
                free[role, f0:f1] = True
        out = self.sample_roll(roll, free, temperature, candidates, seed, scale, steps, progress, voice_leading,
                               chords, origin)
        results = []
        for cand in out:
            new = [t.copy() for t in tracks]
            for role, ti in enumerate(order):
                if ti in voices:
                    new[ti].notes = splice(tracks[ti].notes, self._voice_notes(cand[role, f0:f1], start, shift),
                                           start, end)
            results.append(new)
        return results


def splice(notes: np.ndarray, region: np.ndarray, start: int, end: int) -> np.ndarray:
    """``notes`` with [start, end) replaced by ``region``. A note crossing a boundary is cut there;
    where a cut piece and a region note meet at a boundary with the same pitch they become one note."""
    n = np.sort(notes, order="start")
    n_end = n["start"] + n["duration"]
    kept = n[(n_end <= start) | (n["start"] >= end)]
    head = n[(n["start"] < start) & (n_end > start)].copy()
    head["duration"] = start - head["start"]
    tail = n[(n["start"] < end) & (n_end > end)].copy()
    tail["duration"] = tail["start"] + tail["duration"] - end
    tail["start"] = end
    # (start, duration, pitch, velocity, kind): kind 0 = cut head, 1 = region note, 2 = cut tail
    pieces = [(*map(int, r), k) for k, part in enumerate((head, np.sort(region, order="start"), tail)) for r in part]
    for boundary in (start, end):
        for a in [p for p in pieces if p[0] + p[1] == boundary and p[4] < 2]:
            b = next((q for q in pieces if q[0] == boundary and q[2] == a[2] and q[4] > a[4]), None)
            if b is not None and a in pieces:
                pieces.remove(b)
                pieces[pieces.index(a)] = (a[0], a[1] + b[1], a[2], a[3], a[4])
    joined = np.array([p[:4] for p in pieces], dtype=NOTE_DTYPE) if pieces else np.zeros(0, NOTE_DTYPE)
    out = np.concatenate([kept, joined])
    return np.sort(out[out["duration"] > 0], order=["start", "pitch"])


__all__ = ["ChoraleService", "ChoraleError", "splice", "DEFAULT_TEMPERATURE"]
