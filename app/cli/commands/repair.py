"""``latentroll repair IN -o OUT``: the repair network fixes the melody's wrong notes.

The output is the input song with its melody track replaced by the repaired melody: the
melody's top voice, quantized to 16ths, same start and length, other tracks untouched.
"""
from __future__ import annotations

from pathlib import Path

from ..clips import add_tune_flag


def register(sub) -> None:
    p = sub.add_parser("repair", help="fix the wrong notes of a rough melody")
    p.add_argument("input", help="melody file (.mid/.musicxml/.abc/.lrproj)")
    p.add_argument("--strength", type=float, default=0.5,
                   help="0 = change nothing, 0.5 = default (calibrated), higher = fix more, risking right notes")
    p.add_argument("--track", type=int, help="track index of the melody (default: first pitched track)")
    add_tune_flag(p)
    p.add_argument("--model-dir", help="code autoencoder folder the repair network builds on (default: the shipped one)")
    p.add_argument("--repair-dir", help="repair network folder (default: the shipped one)")
    p.add_argument("-o", "--output", required=True, help="output .mid or .musicxml")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..clips import check_outputs, melody_track, write_clips

    check_outputs(args.output)
    song, melody = melody_track(args.input, args.track, args.tune)
    from latentroll.models.data.melody import top_voice
    from latentroll.models.repair.service import MelodyRepairService  # torch: once the files are fine

    ts = song.time_signature_at(int(melody.notes["start"].min()) if len(melody.notes) else 0)
    given = {"ae": args.model_dir, "model": args.repair_dir}
    svc = MelodyRepairService.load({role: Path(d) for role, d in given.items() if d})
    fixed = svc.repair(melody, args.strength, meter=(ts.numerator, ts.denominator))
    before = {(int(s), int(p)) for s, p in zip(melody.notes["start"], melody.notes["pitch"])}
    changed = sum((int(s), int(p)) not in before for s, p in zip(fixed.notes["start"], fixed.notes["pitch"]))
    out = song.copy()
    out.tracks[next(i for i, t in enumerate(song.tracks) if t is melody)] = fixed
    path = write_clips(out, args.output)
    kept = len(melody.notes) - len(top_voice(melody.notes["start"], melody.notes["pitch"]))
    under = f"; the top voice was repaired, {kept} chord notes under it kept as they were" if kept else ""
    print(f"wrote {path}: {len(fixed.notes)} notes, {changed} new or moved{under}")
    return 0
