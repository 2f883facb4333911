"""The code autoencoder's service: a melody's code bits and back, and its own repair. Core Tracks in and out.

``encode`` cuts a melody into 2-bar (32-step) segments from the bar line before its first note
and gives each segment's code bits; ``decode`` turns codes back into a melody. ``repair`` works on
the whole melody and keeps its start and length; the result is the melody's top voice quantized to
16ths with the changes the model is sure of (``window_repair.py``), plus the chord notes under it
unchanged; notes whose onset stays keep their velocity. The app's "Repair" runs the repair network (``models/repair/service.py``), which
builds on this service. Drum and empty tracks are refused with a ``MelodyError`` whose message is
meant for users.
"""
from __future__ import annotations

import numpy as np
import torch

from latentroll.core.song import Track
from latentroll.models.common.errors import MelodyError
from latentroll.models.common.repair_margin import Repairer, repair_events
from latentroll.models.common.service import NetworkService
from latentroll.models.data.melody import STEP_TICKS, top_voice
from latentroll.models.data.tracks import bar_origin, events_to_track, melody_notes, meter_steps, track_events

from .config import AEConfig
from .network import MelodyAE
from .window_repair import melody_windows

MAX_BARS = 1024


class MelodyAEService(NetworkService):
    key, config_cls, network_cls = "ae", AEConfig, MelodyAE
    cfg: AEConfig

    @property
    def repairer(self) -> Repairer:
        """The network ``repair`` runs: here the code autoencoder itself."""
        return self.model

    @property
    def bits_per_bar(self) -> float:
        return self.cfg.bits_per_bar

    def _events(self, track: Track, bar: int) -> tuple[np.ndarray, int]:
        notes = melody_notes(track)
        origin = bar_origin(notes, bar * STEP_TICKS)
        end = int((notes["start"] + notes["duration"]).max())
        if end - origin > MAX_BARS * bar * STEP_TICKS:
            raise MelodyError(f"melody is longer than {MAX_BARS} bars; select a shorter part")
        return track_events(track, origin, -(-(end - origin) // STEP_TICKS))

    # ---- the API --------------------------------------------------------------------------
    def encode(self, track: Track) -> np.ndarray:
        """Code bits (segments, code_bits) uint8 0/1 of each 32-step segment of the melody."""
        ev, _ = self._events(track, meter_steps((4, 4)))
        wins, _, _ = melody_windows(ev, self.cfg.window, self.cfg.window)
        with torch.no_grad():
            code = self.model.encode(torch.as_tensor(wins.astype(np.int64)))
        return (code.numpy() > 0).astype(np.uint8)

    def decode(self, codes: np.ndarray, start_tick: int = 0, name: str = "AE", program: int = 0) -> Track:
        """A melody from code bits (segments, code_bits), segment after segment from ``start_tick``."""
        bits = np.atleast_2d(np.asarray(codes))
        if bits.shape[1] != self.cfg.code_bits:
            raise MelodyError(f"codes must have {self.cfg.code_bits} bits per segment")
        signs = torch.as_tensor(np.where(bits > 0, 1.0, -1.0), dtype=torch.float32)
        with torch.no_grad():
            ev = self.model.decode_logits(signs).argmax(-1).numpy().astype(np.uint8)
        return events_to_track(ev.reshape(-1), name, start_tick, program)

    def repair(self, track: Track, strength: float = 0.5, meter: tuple[int, int] = (4, 4)) -> Track:
        """The melody with wrong notes fixed where ``repairer`` is sure (the code autoencoder
        may also move onsets and fill gaps; the repair network moves pitches only). Only the top
        voice is repaired; chord notes under it (``top_voice``) are kept as they are.

        ``strength`` 0..1: 0 changes nothing, 0.5 is the calibrated default, higher changes more
        (see ``repair.margin_for``).
        """
        if not 0.0 <= strength <= 1.0:
            raise MelodyError("repair strength must be between 0 and 1")
        bar = meter_steps(meter)
        ev, origin = self._events(track, bar)
        fixed = repair_events(self.repairer, ev, bar, strength)
        notes = events_to_track(fixed, track.name, origin, track.program, bar * STEP_TICKS).notes
        src = track.sorted_notes()
        onset = {int(round((s - origin) / STEP_TICKS)): int(v) for s, v in zip(src["start"], src["velocity"])}
        steps = (notes["start"] - origin) // STEP_TICKS
        notes["velocity"] = [onset.get(int(s), int(v)) for s, v in zip(steps, notes["velocity"])]
        out = track.copy()  # same instrument, channel, mix settings
        out.name = f"{track.name} (repaired)"
        under = np.ones(len(src), dtype=bool)
        under[top_voice(src["start"], src["pitch"])] = False
        out.notes = np.sort(np.concatenate([notes, src[under]]), order=["start", "pitch"])
        return out


__all__ = ["MelodyAEService"]
