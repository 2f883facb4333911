"""``latentroll library``: import a folder (a report of what was skipped), list and search it,
and "more like this" by a library file; bad input is one line on stderr and exit code 2."""
import json

import numpy as np

from latentroll.app.cli.main import main
from latentroll.core.io.midi import write_midi
from latentroll.core.library import MusicLibrary
from latentroll.core.song import PPQ, Note, Song, Track


def tune(n: int) -> Song:
    return Song(title="t", tracks=[Track("Melody", 0, notes=[Note(i * PPQ, 60 + i % 7 + n, PPQ, 80) for i in range(n)])])


def test_import_list_and_similar(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    for n in (4, 5, 6):
        write_midi(tune(n), src / f"tune {n}.mid")
    (src / "notes.txt").write_text("no")
    lib_dir = str(tmp_path / "lib")
    assert main(["library", "--library", lib_dir, "import", str(src), "--no-latents"]) == 0
    out = capsys.readouterr().out
    assert "Imported 3 file(s)" in out and "skipped notes.txt: not a MIDI file" in out

    assert main(["library", "--library", lib_dir, "list", "--search", "TUNE 5", "--json"]) == 0
    [record] = json.loads(capsys.readouterr().out)
    assert (record["file"], record["source"], record["notes"]) == ("tune 5.mid", "import", 5)

    lib = MusicLibrary(lib_dir)
    for i, e in enumerate(sorted(lib.entries(), key=lambda e: e.file)):
        lib.set_latent(e.file, "vae", np.array([1.0, i, 0.0], dtype=np.float32))
    assert main(["library", "--library", lib_dir, "similar", "tune 4.mid", "-k", "5", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["file"] for h in hits] == ["tune 5.mid", "tune 6.mid"]  # never the query itself
    assert hits[0]["score"] > hits[1]["score"]


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    lib_dir = str(tmp_path / "lib")
    assert main(["library", "--library", lib_dir, "import", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a folder" in err
    assert main(["library", "--library", lib_dir, "similar", "missing.mid"]) == 2
    assert "neither a library file" in capsys.readouterr().err
    assert main(["library", "--library", lib_dir, "similar", "x.mid", "-k", "0"]) == 2
    assert "-k must be between" in capsys.readouterr().err
