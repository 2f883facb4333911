"""The "Repair" service: the only API the app and CLI use for the autoencoder. Core Tracks in and out.

``repair`` works on the whole melody and keeps its start and length; the result is the melody's
top voice quantized to 16ths with the changes the model is sure of (see ``repair.py``); notes
whose onset stays keep their velocity. Repair runs the note-level ``NoteRepairNet`` when it is
shipped (it repairs far more, and moves only pitches), else the code autoencoder window by
window; a network shipped with ``lm_weight`` > 0 also asks the melody LSTM about its candidate
fixes (``lm_opinion.py``). ``encode`` cuts a melody into 2-bar (32-step) segments from the bar line before its first
note and gives each segment's code bits; ``decode`` turns codes back into a melody. Drum and empty tracks are
refused with a ``MelodyError`` whose message is meant for users.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from latentroll.core.song import Track
from latentroll.models.common import model_dirs
from latentroll.models.common.service import load_model_folder, style_label
from latentroll.models.data.melody import STEP_TICKS, MelodyError
from latentroll.models.data.tracks import bar_origin, events_to_track, melody_notes, meter_steps, track_events
from latentroll.models.lstm.service import MelodyLSTMService

from .config import AEConfig, NoteRepairConfig
from .lm_opinion import LMOpinion
from .network import MelodyAE
from .note_repair_net import NoteRepairNet
from .repair import melody_windows, repair_events

MAX_BARS = 1024


def default_model_dir() -> Path:
    """The shipped model, unless ``LATENTROLL_AE_DIR`` points elsewhere."""
    return model_dirs.AE.path()


def default_repair_dir() -> Path:
    """The shipped repair network, unless ``LATENTROLL_REPAIR_DIR`` points elsewhere."""
    return model_dirs.REPAIR.path()


def lm_opinion() -> LMOpinion | None:
    """The shipped melody LSTM as a second opinion on repairs (None when it is not shipped: the
    network then repairs alone, at its own calibrated margin)."""
    if not (model_dirs.LSTM.path() / "model.safetensors").exists():
        return None
    lstm = MelodyLSTMService.load(model_dirs.LSTM.path())
    return LMOpinion(lstm.model, style_label(lstm.cfg, None))


class MelodyAEService:
    def __init__(self, model: MelodyAE, name: str = "ae", repair_net: NoteRepairNet | None = None):
        self.model = model.eval()
        self.cfg: AEConfig = model.cfg
        self.name = name
        self.repair_net = repair_net.eval() if repair_net is not None else None

    @classmethod
    def load(cls, model_dir: str | Path | None = None, repair_dir: str | Path | None = None) -> "MelodyAEService":
        """The code autoencoder, with the repair network from ``repair_dir`` (default: the shipped
        one if there is one)."""
        model = load_model_folder(Path(model_dir) if model_dir else default_model_dir(), AEConfig, MelodyAE, "ae")
        rdir = Path(repair_dir) if repair_dir else default_repair_dir()
        net = None
        if repair_dir or (rdir / "model.safetensors").exists():
            net = load_model_folder(rdir, NoteRepairConfig, NoteRepairNet, "repair")
            if net.cfg.lm_weight > 0:
                net.opinion = lm_opinion()
        return cls(model, name=model.cfg.name, repair_net=net)

    @property
    def repairer(self) -> MelodyAE | NoteRepairNet:
        """The network ``repair`` runs."""
        return self.repair_net if self.repair_net is not None else self.model

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
        """The melody with wrong notes fixed where the model is sure (the repair network moves
        pitches only; the code autoencoder, when it repairs, may also move onsets and fill gaps).

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
        out.notes = notes
        return out


__all__ = ["MelodyAEService", "default_model_dir", "default_repair_dir"]
