"""``latentroll repair IN -o OUT``: the repair network fixes the melody's wrong notes.

The output is the input song with its melody track replaced by the repaired melody: the
melody's top voice, quantized to 16ths, same start and length, other tracks untouched.
"""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("repair", help="fix the wrong notes of a rough melody")
    p.add_argument("input", help="melody file (.mid/.musicxml/.abc/.lrproj)")
    p.add_argument("--strength", type=float, default=0.5,
                   help="0 = change nothing, 0.5 = default (calibrated), higher = fix more, risking right notes")
    p.add_argument("--track", type=int, help="track index of the melody (default: first pitched track)")
    p.add_argument("--model-dir", help="code autoencoder folder (default: the shipped one); it repairs only"
                                       " when no repair network is found")
    p.add_argument("--repair-dir", help="repair network folder (default: the shipped one)")
    p.add_argument("-o", "--output", required=True, help="output .mid or .musicxml")
    p.set_defaults(func=run)


def run(args) -> int:
    from latentroll.models.autoencoder.service import MelodyAEService

    from ..clips import melody_track, write_clips
    from ..errors import UsageError

    if not 0.0 <= args.strength <= 1.0:
        raise UsageError("--strength must be between 0 and 1")
    song, melody = melody_track(args.input, args.track)
    ts = song.time_signature_at(int(melody.notes["start"].min()) if len(melody.notes) else 0)
    svc = MelodyAEService.load(args.model_dir, args.repair_dir)
    fixed = svc.repair(melody, args.strength, meter=(ts.numerator, ts.denominator))
    before = {(int(s), int(p)) for s, p in zip(melody.notes["start"], melody.notes["pitch"])}
    changed = sum((int(s), int(p)) not in before for s, p in zip(fixed.notes["start"], fixed.notes["pitch"]))
    out = song.copy()
    out.tracks[next(i for i, t in enumerate(song.tracks) if t is melody)] = fixed
    path = write_clips(out, args.output)
    print(f"wrote {path}: {len(fixed.notes)} notes, {changed} new or moved")
    return 0
