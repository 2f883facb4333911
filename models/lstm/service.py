"""The "Continue" service: the only API the app and CLI use for the LSTM. Core Tracks in and out.

``continue_melody`` returns the continuations only, each a Track whose notes start at the bar
line after the input's last note ends, so accepting a candidate is adding its notes to the
input's track (one undoable edit). The whole input primes the model (its last
``MAX_PRIME_BARS`` bars if it is longer), reduced to its top voice and quantized to 16ths; drum
and empty tracks are refused with a ``MelodyError`` whose message is meant for users.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from latentroll.core.chords import ChordEvent
from latentroll.core.song import Track
from latentroll.core.theory import Scale
from latentroll.models.common.chord_mask import ChordFollow, class_mask
from latentroll.models.common.errors import MelodyError
from latentroll.models.common.protocol import ServiceInfo
from latentroll.models.common.service import NetworkService, style_label
from latentroll.models.data.corpus import StyleInfo, style_infos
from latentroll.models.data.melody import (
    FIRST_PITCH_CLASS,
    MIN_PITCH,
    NO_EVENT,
    NUM_CLASSES,
    STEP_TICKS,
    held_pitch,
    standalone,
)
from latentroll.models.data.tracks import (
    bar_origin,
    events_to_track,
    melody_notes,
    meter_steps,
    scale_mask,
    track_events,
)

from .config import LSTMConfig
from .metrics import pad_rows, step_nll
from .network import MelodyLSTM

MAX_BARS = 32
MAX_VARIATIONS = 8
MAX_PRIME_BARS = 64


class MelodyLSTMService(NetworkService):
    key, config_cls, network_cls = "lstm", LSTMConfig, MelodyLSTM
    cfg: LSTMConfig

    def styles(self) -> list[StyleInfo]:
        return style_infos(self.cfg.styles)

    def info(self) -> ServiceInfo:
        return ServiceInfo(self.name, styles=tuple((s.name, s.description) for s in self.styles()))

    # ---- the API --------------------------------------------------------------------------
    def continue_melody(self, track: Track, bars: int = 4, variations: int = 4, temperature: float = 1.0,
                        style: str | None = None, scale: Scale | None = None, seed: int | None = None,
                        meter: tuple[int, int] = (4, 4), chords: list[ChordEvent] | None = None) -> list[Track]:
        """``variations`` continuations of ``track`` by ``bars`` bars of ``meter``; with ``chords``
        (the track's ticks) the continuation's strong-beat notes lean on their chord tones.

        Each is a new Track (the input's program) holding only the continuation, starting at the
        bar line at or after the input's end; ``scale`` keeps every generated note in the scale.
        temperature 0 = the single most likely continuation (all variations then agree).
        """
        if not 1 <= bars <= MAX_BARS:
            raise MelodyError(f"continue by 1 to {MAX_BARS} bars")
        if not 1 <= variations <= MAX_VARIATIONS:
            raise MelodyError(f"ask for 1 to {MAX_VARIATIONS} variations")
        if not 0.0 <= temperature <= 2.0:
            raise MelodyError("temperature must be between 0 and 2")
        label = style_label(self.cfg, style)
        bar = meter_steps(meter)
        bar_ticks = bar * STEP_TICKS
        notes = melody_notes(track)
        origin = bar_origin(notes, bar_ticks)
        end = int((notes["start"] + notes["duration"]).max())
        end_bar = origin + -(-(end - origin) // bar_ticks) * bar_ticks
        origin = max(origin, end_bar - MAX_PRIME_BARS * bar_ticks)
        prime, _ = track_events(track, origin, (end_bar - origin) // STEP_TICKS)
        held = held_pitch(prime)
        prime = standalone(prime, NO_EVENT) if len(prime) else prime
        first = None
        if len(prime) and held[-1] >= FIRST_PITCH_CLASS:
            # a note sounds up to the bar line: the continuation re-strikes or rests, it cannot
            # extend a note that belongs to the input
            first = torch.ones(NUM_CLASSES, dtype=torch.bool)
            first[NO_EVENT] = False
        mask = scale_mask(scale)
        follow = ChordFollow.of(chords)
        if follow is not None:
            mask = class_mask(follow.shifted(origin), [end_bar - origin] * variations, bars * bar, MIN_PITCH,
                              NUM_CLASSES - FIRST_PITCH_CLASS, meter, seed, base=mask)
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        with torch.no_grad():
            out = self.model.sample(
                torch.as_tensor(np.repeat(prime[None].astype(np.int64), variations, 0)),
                torch.full((variations,), bar, dtype=torch.long), torch.full((variations,), label, dtype=torch.long),
                bars * bar, temperature, gen, None if mask is None else torch.as_tensor(mask), first)
        return [events_to_track(e, f"{track.name} continued {i + 1}", end_bar, track.program, bar_ticks)
                for i, e in enumerate(out.numpy().astype(np.uint8))]

    def score(self, melodies: Track | Sequence[Track] | np.ndarray, style: str | None = None,
              meter: tuple[int, int] = (4, 4)) -> np.ndarray:
        """Mean NLL per 16th step (nats) of each melody under the model: lower = more plausible.

        ``melodies``: Tracks (each from the bar line before its first note) or an event array
        (n, steps) whose rows start on a bar line.
        """
        if isinstance(melodies, Track):
            melodies = [melodies]
        if isinstance(melodies, np.ndarray):
            rows = [np.asarray(r, dtype=np.uint8) for r in np.atleast_2d(melodies)]
        else:
            bar_ticks = meter_steps(meter) * STEP_TICKS
            rows = [track_events(t, bar_origin(melody_notes(t), bar_ticks))[0] for t in melodies]
        if not rows:
            return np.zeros(0)
        events, lengths = pad_rows([standalone(r, NO_EVENT) if len(r) else r for r in rows])
        n = len(rows)
        nll, _ = step_nll(self.model, events, lengths, np.full(n, meter_steps(meter)),
                          np.full(n, style_label(self.cfg, style)))
        return nll / np.maximum(lengths, 1)


__all__ = ["MelodyLSTMService", "MAX_BARS", "MAX_VARIATIONS"]
