"""Offline render speed: our FluidSynth renderer against the ``fluidsynth -F`` command line.

Builds a 4-track, 3-minute song (piano, bass, strings, drums), writes it as MIDI, renders it
both ways with the same SoundFont and sample rate, and prints x real-time for each, their ratio
and ``sox stats`` of our file. Run: ``.venv/bin/python tests/benchmarks/bench_render.py``.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from latentroll.core.audio.render import RenderOptions, render_to_wav
from latentroll.core.io.midi import write_midi
from latentroll.core.song import PPQ, Note, Song, TempoChange, Track, notes_to_array

FLUID_R3 = "/usr/share/sounds/sf2/FluidR3_GM.sf2"


def make_song(minutes: float = 3.0, bpm: float = 120.0, seed: int = 7) -> Song:
    """Pop-like density: piano chords + melody, 8th-note bass, sustained strings, 16th hats."""
    rng = np.random.default_rng(seed)
    bar = 4 * PPQ
    bars = int(round(minutes * bpm / 4))
    progression = [(0, 4, 7), (9, 0, 4), (5, 9, 0), (7, 11, 2)]  # C Am F G
    piano, bass, strings, drums = [], [], [], []
    for b in range(bars):
        root = progression[b % 4]
        t0 = b * bar
        for half in range(2):
            for pc in root:
                piano.append(Note(t0 + half * 2 * PPQ, 60 + pc, 2 * PPQ - 30, 70))
        for e in range(8):
            if rng.random() < 0.8:
                pitch = 72 + int(rng.choice([0, 2, 4, 5, 7, 9, 11, 12]))
                piano.append(Note(t0 + e * PPQ // 2, pitch, PPQ // 2 - 20, int(rng.integers(75, 100))))
            bass.append(Note(t0 + e * PPQ // 2, 36 + root[0], PPQ // 2 - 40, 95))
        for pc in root + (root[0] + 12,):
            strings.append(Note(t0, 48 + pc, bar - 10, 60))
        for s in range(16):
            tick = t0 + s * PPQ // 4
            drums.append(Note(tick, 42, PPQ // 8, 70 + 20 * (s % 2 == 0)))
            if s % 8 == 0:
                drums.append(Note(tick, 36, PPQ // 4, 110))
            if s % 8 == 4:
                drums.append(Note(tick, 38, PPQ // 4, 105))
    return Song(
        title="bench",
        tracks=[
            Track("Piano", program=0, notes=notes_to_array(piano)),
            Track("Bass", program=33, channel=1, notes=notes_to_array(bass)),
            Track("Strings", program=48, channel=2, notes=notes_to_array(strings)),
            Track("Drums", program=0, channel=9, is_drum=True, notes=notes_to_array(drums)),
        ],
        tempos=[TempoChange(0, bpm)],
    )


def best_of(runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--soundfont", default=FLUID_R3)
    ap.add_argument("--rate", type=int, default=44100)
    ap.add_argument("--runs", type=int, default=3, help="best of N (the machine may be busy)")
    ap.add_argument("--keep", type=Path, help="copy our render here")
    args = ap.parse_args()
    if not shutil.which("fluidsynth"):
        print("fluidsynth CLI not found", file=sys.stderr)
        return 1
    song = make_song()
    seconds = song.duration_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        midi, cli_wav, our_wav = tmp / "song.mid", tmp / "cli.wav", tmp / "ours.wav"
        write_midi(song, midi)
        opts = RenderOptions(sample_rate=args.rate, soundfont=Path(args.soundfont))
        # same gain for both, so the levels sox reports are comparable
        cmd = ["fluidsynth", "-ni", "-g", str(opts.gain), "-F", str(cli_wav), "-r", str(args.rate),
               args.soundfont, str(midi)]
        t_cli = best_of(args.runs, lambda: subprocess.run(cmd, check=True, capture_output=True))
        t_ours = best_of(args.runs, lambda: render_to_wav(song, our_wav, opts))
        print(f"song: {len(song.tracks)} tracks, {song.note_count()} notes, {seconds:.1f} s, "
              f"{args.rate} Hz, {Path(args.soundfont).name}")
        print(f"fluidsynth -F : {t_cli:6.2f} s  = {seconds / t_cli:6.1f} x real-time")
        print(f"render_to_wav : {t_ours:6.2f} s  = {seconds / t_ours:6.1f} x real-time")
        print(f"ratio (cli time / our time): {t_cli / t_ours:.2f}")
        if shutil.which("sox"):
            stats = subprocess.run(["sox", str(our_wav), "-n", "stats"], capture_output=True, text=True).stderr
            keep = ("RMS lev dB", "Pk lev dB", "Length s", "Flat factor")
            print("sox stats (ours):")
            for line in stats.splitlines():
                if line.startswith(keep):
                    print("  " + line)
            stats = subprocess.run(["sox", str(cli_wav), "-n", "stats"], capture_output=True, text=True).stderr
            print("sox stats (fluidsynth -F):")
            for line in stats.splitlines():
                if line.startswith(keep):
                    print("  " + line)
        if args.keep:
            shutil.copy(our_wav, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
