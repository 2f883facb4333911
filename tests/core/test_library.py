"""The music library folder: saved pieces survive reopening note for note, renames move the file,
deletes remove it, a damaged old index or a missing catalogue is rebuilt from the .mid files, names are made
safe, and two library objects (two app instances) writing at once lose nothing."""
import threading

import numpy as np
import pytest

from latentroll.core.io.midi import write_midi
from latentroll.core.library import (
    INDEX_NAME,
    LibraryError,
    MusicLibrary,
    normalize_tags,
    sanitize_title,
    search,
)
from latentroll.core.song import PPQ, KeySignature, Note, Song, TempoChange, TimeSignature, Track


def tune(n: int = 8, pitch: int = 62, bars_meter=(3, 4)) -> Song:
    notes = [Note(i * PPQ, pitch + (i % 5), PPQ, 70 + i) for i in range(n)]
    return Song(title="x", tracks=[Track("Melody", 40, notes=notes)], tempos=[TempoChange(0, 96.0)],
                time_signatures=[TimeSignature(0, *bars_meter)], keys=[KeySignature(0, 2, "minor")])


def test_add_then_reopen_gives_the_same_notes_and_metadata(tmp_path):
    lib = MusicLibrary(tmp_path / "lib")
    song = tune()
    e = lib.add(song, "Morning tune", style="irish", tags="jig, Happy,jig", source="song")
    assert (tmp_path / "lib" / "Morning tune.mid").is_file()
    assert e.tags == ("jig", "Happy")
    assert (e.bars, e.key, e.meter, e.tempo, e.notes) == (3, "D minor", "3/4", 96.0, 8)

    again = MusicLibrary(tmp_path / "lib")  # a fresh instance reads the index from disk
    [stored] = again.entries()
    assert stored == e
    loaded = again.load(stored.file)
    assert loaded.title == "Morning tune"
    assert np.array_equal(loaded.tracks[0].sorted_notes(), song.tracks[0].sorted_notes())
    assert loaded.tracks[0].program == 40
    assert loaded.time_signature.numerator == 3 and loaded.key.mode == "minor"


def test_same_title_twice_gets_a_second_file(tmp_path):
    lib = MusicLibrary(tmp_path)
    a = lib.add(tune(), "Riff")
    b = lib.add(tune(pitch=70), "Riff")
    assert (a.file, b.file) == ("Riff.mid", "Riff (2).mid")
    assert lib.load(b.file).tracks[0].notes["pitch"].min() == 70


def test_rename_moves_the_file_and_keeps_the_rest(tmp_path):
    lib = MusicLibrary(tmp_path)
    a = lib.add(tune(), "Old name", tags=["keep"], favourite=True)
    b = lib.add(tune(), "Other")
    new = lib.rename(a.file, "New: name?")
    assert new.title == "New: name?" and new.file == "New_ name_.mid"
    assert not (tmp_path / a.file).exists() and (tmp_path / new.file).is_file()
    assert (new.tags, new.favourite, new.created) == (a.tags, True, a.created)
    # renaming onto another entry's name never overwrites it
    clash = lib.rename(new.file, "Other")
    assert clash.file == "Other (2).mid"
    assert {e.file for e in MusicLibrary(tmp_path).entries()} == {b.file, "Other (2).mid"}
    assert lib.rename(clash.file, "other (2)").file == "other (2).mid"  # only the case changes
    with pytest.raises(LibraryError):
        lib.rename("gone.mid", "x")
    with pytest.raises(LibraryError):
        lib.rename(b.file, "   ")


def test_tags_style_favourite_and_delete(tmp_path):
    lib = MusicLibrary(tmp_path)
    a = lib.add(tune(), "A")
    b = lib.add(tune(), "B")
    lib.set_tags(a.file, "bass line, dark")
    lib.set_style(a.file, "fiddle")
    lib.set_favourite(b.file, True)
    got = {e.file: e for e in MusicLibrary(tmp_path).entries()}
    assert got[a.file].tags == ("bass line", "dark") and got[a.file].style == "fiddle"
    assert got[b.file].favourite and not got[a.file].favourite
    lib.delete(a.file)
    assert not (tmp_path / a.file).exists()
    assert [e.file for e in MusicLibrary(tmp_path).entries()] == [b.file]
    with pytest.raises(LibraryError):
        lib.delete(a.file)


def test_search_by_words_tag_style_and_favourites(tmp_path):
    lib = MusicLibrary(tmp_path)
    lib.add(tune(), "Slow air in D", style="scottish_air", tags="sad")
    lib.add(tune(), "Reel for Anna", style="fiddle", tags="fast, Dance")
    lib.add(tune(), "Dance of the hours", tags="classical", favourite=True)
    titles = lambda es: sorted(e.title for e in es)  # noqa: E731
    assert titles(lib.search("dance")) == ["Dance of the hours", "Reel for Anna"]  # title or tag
    assert titles(lib.search("REEL anna")) == ["Reel for Anna"]  # every word, any case
    assert titles(lib.search(tag="dance")) == ["Reel for Anna"]
    assert titles(lib.search(style="Scottish_Air")) == ["Slow air in D"]
    assert titles(lib.search(favourites=True)) == ["Dance of the hours"]
    assert lib.search("dance", style="scottish_air") == []
    assert titles(search(lib.entries(), "d minor")) == titles(lib.entries())  # the key is searchable too


@pytest.mark.parametrize("damage", [b"{not json", b"[1, 2, 3]", b"\xff\xfe\x00", b""])
def test_a_damaged_old_index_is_rebuilt_from_the_files(tmp_path, damage):
    """A ``library.json`` the old app left damaged: the files are catalogued, the index kept aside."""
    write_midi(tune(), tmp_path / "First.mid")
    write_midi(tune(n=12), tmp_path / "Second.mid")
    (tmp_path / INDEX_NAME).write_bytes(damage)
    listing = MusicLibrary(tmp_path).listing()
    assert "rebuilt" in listing.problem
    assert sorted(e.file for e in listing.entries) == ["First.mid", "Second.mid"]
    second = next(e for e in listing.entries if e.file == "Second.mid")
    assert (second.title, second.notes, second.bars) == ("Second", 12, 4)
    assert (tmp_path / (INDEX_NAME + ".broken")).read_bytes() == damage  # kept for the curious
    assert not (tmp_path / INDEX_NAME).exists()
    assert MusicLibrary(tmp_path).listing().problem is None  # the next read reports nothing


def test_index_and_folder_are_reconciled(tmp_path):
    lib = MusicLibrary(tmp_path)
    a = lib.add(tune(), "Kept")
    b = lib.add(tune(), "Removed by hand")
    lib.set_tags(a.file, "mine")
    (tmp_path / b.file).unlink()
    write_midi(tune(n=5), tmp_path / "dropped in.mid")  # a file the user copied into the folder
    (tmp_path / "broken.mid").write_bytes(b"MThd nonsense")
    (tmp_path / "notes.txt").write_text("not music")
    listing = lib.listing()
    by_file = {e.file: e for e in listing.entries}
    assert set(by_file) == {a.file, "dropped in.mid"}
    assert by_file["dropped in.mid"].source == "file" and by_file["dropped in.mid"].notes == 5
    assert by_file["dropped in.mid"].title == "dropped in"
    assert by_file[a.file].tags == ("mine",)
    assert "broken.mid" in listing.problem
    assert {e.file for e in MusicLibrary(tmp_path).entries()} == {a.file, "dropped in.mid"}


def test_missing_index_is_built_and_empty_songs_are_refused(tmp_path):
    lib = MusicLibrary(tmp_path / "new")
    assert lib.entries() == []
    with pytest.raises(LibraryError, match="no notes"):
        lib.add(Song(tracks=[Track("Empty")]), "Nothing")
    with pytest.raises(LibraryError, match="no longer"):
        lib.load("missing.mid")


@pytest.mark.parametrize("title, stem", [
    ("a/b\\c", "a_b_c"), ("  ..hidden. ", "hidden"), ("CON", "CON_"), ("nul.txt", "nul.txt_"),
    ("", "Untitled"), ("???", "_"), ("Café  au\tlait", "Café au lait"), ("x" * 200, "x" * 80),
    ("tab\x00null", "tab_null"),
])
def test_titles_become_safe_file_names(title, stem):
    assert sanitize_title(title) == stem


def test_a_hostile_title_stays_inside_the_folder(tmp_path):
    lib = MusicLibrary(tmp_path / "lib")
    e = lib.add(tune(), "../../etc/passwd")
    assert (tmp_path / "lib" / e.file).is_file() and "/" not in e.file
    assert lib.entries()[0].title == "../../etc/passwd"


def test_normalize_tags():
    assert normalize_tags(" a ,b,, A, c  d ") == ("a", "b", "c d")
    assert normalize_tags(["x,y", "X"]) == ("x y", "X")


def test_two_instances_saving_at_once_lose_nothing(tmp_path):
    """Two library objects (as two app windows or processes would have) add 12 pieces each,
    all under the same title, at the same time: 24 files, 24 entries, a valid index."""
    errors = []

    def worker(k: int) -> None:
        lib = MusicLibrary(tmp_path)
        try:
            for i in range(12):
                lib.add(tune(n=3 + i % 4), "Same name", tags=[f"w{k}"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    entries = MusicLibrary(tmp_path).entries()
    assert len(entries) == 24 and len({e.file for e in entries}) == 24
    assert sorted(e.tags[0] for e in entries) == ["w0"] * 12 + ["w1"] * 12
    assert len(list(tmp_path.glob("*.mid"))) == 24
    assert not list(tmp_path.glob(".*.part"))
