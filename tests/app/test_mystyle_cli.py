"""``latentroll mystyle train|list|rename|delete``, ``styles`` and ``generate --style NAME`` with a
user's style, run as a user runs them (a subprocess of this interpreter, its own data dir); bad
input is one line on stderr and exit code 2, before any model loads."""
import os
import subprocess
import sys

import pytest

from latentroll.core.io.formats import read_song, write_song
from latentroll.core.song import Song, Track
from latentroll.models.data.corpus import Corpus

pytestmark = pytest.mark.timeout(600)
FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "fixtures", "corpus_small.npz")


def cli(home, *args):
    env = {**os.environ, "LATENTROLL_HOME": str(home), "LATENTROLL_CACHE": str(home / "cache")}
    env.pop("LATENTROLL_MYSTYLE_DIR", None)
    return subprocess.run([sys.executable, "-m", "latentroll.app.cli.main", *args], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def midi_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("melodies")
    tunes = [t for t in Corpus.load(FIXTURE).tunes if t.style == "irish"][:4]
    paths = []
    for i, t in enumerate(tunes):
        p = folder / f"tune{i}.mid"
        write_song(t.to_song(), p)
        paths.append(str(p))
    drum = folder / "drums.mid"
    song = read_song(paths[0])
    song.tracks = [Track(name="kit", channel=9, is_drum=True, notes=song.tracks[0].notes.copy())]
    write_song(Song(title="drums", tracks=song.tracks), drum)
    return paths, str(drum)


def one_line_error(res, text):
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], res.stderr


def test_train_list_generate_rename_delete(tmp_path, midi_files):
    paths, _ = midi_files
    res = cli(tmp_path, "mystyle", "train", "my reels", *paths)
    assert res.returncode == 0, res.stderr
    assert "saved style 'my reels': 4 melodies" in res.stdout
    assert (tmp_path / "data" / "mystyles" / "my reels" / "style.safetensors").is_file()

    listed = cli(tmp_path, "mystyle", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("my reels  4 melodies")
    styles = cli(tmp_path, "styles")
    mine = [line for line in styles.stdout.splitlines() if line.startswith("my reels ")]
    assert len(mine) == 1 and "(yours) Your style: fitted on 4 melodies" in mine[0] and "irish" in styles.stdout

    out = tmp_path / "mine.mid"
    gen = cli(tmp_path, "generate", "--style", "my reels", "-n", "2", "--bars", "4", "--seed", "1", "-o", str(out))
    assert gen.returncode == 0, gen.stderr
    song = read_song(out)
    assert sum(len(t.notes) for t in song.tracks) > 0
    # 16 bars in a user's style: the phrase-structure model, its new segments from the 2-bar VAE's walk
    gen = cli(tmp_path, "generate", "--style", "my reels", "-n", "2", "--bars", "16", "--seed", "1", "--separate",
              "-o", str(out))
    assert gen.returncode == 0 and "of 16 bars with phrase structure" in gen.stdout, gen.stderr
    tracks = read_song(out).tracks
    assert len(tracks) == 2 and all(0 < t.end_tick() <= 16 * 1920 for t in tracks)

    one_line_error(cli(tmp_path, "mystyle", "train", "My Reels", *paths), "exists")
    assert cli(tmp_path, "mystyle", "rename", "my reels", "reels").returncode == 0
    one_line_error(cli(tmp_path, "generate", "--style", "my reels", "-o", str(out)), "unknown style 'my reels'")
    assert cli(tmp_path, "mystyle", "delete", "reels").returncode == 0
    assert cli(tmp_path, "mystyle", "list").stdout == ""
    one_line_error(cli(tmp_path, "mystyle", "delete", "reels"), "no style named 'reels'")


def test_bad_input_is_one_line_and_exit_2(tmp_path, midi_files):
    paths, drum = midi_files
    one_line_error(cli(tmp_path, "mystyle", "train", "few", *paths[:2]), "3 to 50 melodies")
    one_line_error(cli(tmp_path, "mystyle", "train", "many", *(paths * 13)), "at most 50")
    one_line_error(cli(tmp_path, "mystyle", "train", "drums", drum, *paths), "no pitched track")
    one_line_error(cli(tmp_path, "mystyle", "train", "../escape", *paths), "use letters, digits")
    one_line_error(cli(tmp_path, "mystyle", "train", "irish", *paths), "built-in style")
    assert not (tmp_path / "data" / "mystyles").exists() or not any((tmp_path / "data" / "mystyles").iterdir())


def test_eval_mystyle_quick_json_and_card(tmp_path):
    import json

    card = tmp_path / "card.md"
    res = cli(tmp_path, "eval", "mystyle", "--quick", "--json", "--threads", "1", "--corpus", FIXTURE,
              "--card", str(card))
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    for key in ("oa_mystyle", "oa_any", "oa_corpus_style", "oa_gain", "latent_dist_mystyle", "latent_dist_any",
                "fit_seconds", "styles"):
        assert key in out, key
    assert len(out["styles"]) == 3 and abs(out["oa_gain"] - (out["oa_mystyle"] - out["oa_any"])) < 1e-3
    assert all(0 <= s["oa_mystyle"] <= 1 and s["user_tunes"] >= 1 for s in out["styles"].values())
    assert "| **mean** |" in card.read_text()


def test_transfer_to_a_style_of_yours(tmp_path, midi_files):
    """``transfer --style NAME`` with a style trained on the fixture's melodies in a folder of its own
    (``LATENTROLL_MYSTYLE_DIR``): the melody comes back as a new track in that style; a name that is
    neither a corpus style nor one of the user's is one line listing both."""
    paths, _ = midi_files
    styles = tmp_path / "my styles"

    def run(*args):
        env = {**os.environ, "LATENTROLL_HOME": str(tmp_path / "home"), "LATENTROLL_MYSTYLE_DIR": str(styles)}
        return subprocess.run([sys.executable, "-m", "latentroll.app.cli.main", *args], capture_output=True,
                              text=True, timeout=300, env=env)

    assert run("mystyle", "train", "Reels", *paths).returncode == 0
    assert (styles / "Reels" / "style.safetensors").is_file()
    out = tmp_path / "moved.mid"
    res = run("transfer", paths[0], "--style", "Reels", "--seed", "0", "-o", str(out))
    assert res.returncode == 0, res.stderr
    before, after = read_song(paths[0]), read_song(out)
    assert len(after.tracks) == len(before.tracks) + 1
    new = after.tracks[-1]
    assert "(Reels)" in new.name and len(new.notes) > 0
    one_line_error(run("transfer", paths[0], "--style", "Jigs", "-o", str(out)), "or one of yours: Reels")
