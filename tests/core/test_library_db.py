"""The library's SQLite catalogue: the old library.json moves in losslessly, a damaged database
is rebuilt from the .mid files, a killed import leaves only whole rows, concurrent writers to the
same clip both land, "More like this" ranks by cosine with filters, and folder import reports
what it skipped and why."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading

import numpy as np
import pytest

from latentroll.core.cancel import Cancelled
from latentroll.core.io.midi import write_midi
from latentroll.core.library import DB_NAME, INDEX_NAME, LibraryError, MusicLibrary
from latentroll.core.library.store import SCHEMA_VERSION, Store
from latentroll.core.song import PPQ, KeySignature, Note, Song, TempoChange, TimeSignature, Track


def tune(n: int = 8, pitch: int = 62, tonic: int = 2, mode: str = "minor") -> Song:
    notes = [Note(i * PPQ, pitch + (i % 5), PPQ, 70 + i) for i in range(n)]
    return Song(title="x", tracks=[Track("Melody", 40, notes=notes)], tempos=[TempoChange(0, 96.0)],
                time_signatures=[TimeSignature(0, 4, 4)], keys=[KeySignature(0, tonic, mode)])


# ---- the old library.json -------------------------------------------------------------------

def old_record(file: str, **fields) -> dict:
    """An index record exactly as the JSON-index library wrote it (LibraryEntry.to_json of v1)."""
    rec = {"file": file, "title": file[:-4], "style": "", "tags": [], "source": "song", "bars": 2, "key": "D minor",
           "meter": "4/4", "tempo": 96.0, "notes": 8, "tracks": 1, "created": 1700000000.5, "favourite": False}
    rec.update(fields)
    return rec


def test_an_old_json_index_is_imported_once_and_loses_nothing(tmp_path):
    for name in ("Slow air.mid", "Reel: Anna_.mid", "Café.mid"):
        write_midi(tune(), tmp_path / name)
    records = [
        old_record("Slow air.mid", title="Slow air", style="scottish_air", tags=["sad", "Evening"], favourite=True),
        old_record("Reel: Anna_.mid", title="Reel: Anna?", style="fiddle", tags=["fast"], source="corpus",
                   bars=7, tempo=132.5, notes=99, tracks=2, meter="6/8", key="A major"),
        old_record("Café.mid", title="Café au lait", source="generated", created=12.25),
        old_record("Gone.mid", title="Removed by hand"),  # its file is gone: the old reader dropped it too
    ]
    (tmp_path / INDEX_NAME).write_text(json.dumps({"version": 1, "entries": records}, indent=1))
    listing = MusicLibrary(tmp_path).listing()
    assert listing.problem is None
    got = {e.file: e.to_json() for e in listing.entries}
    assert got == {r["file"]: r for r in records[:3]}  # every field of every record, as written
    assert not (tmp_path / INDEX_NAME).exists()
    assert json.loads((tmp_path / (INDEX_NAME + ".imported")).read_text())["entries"] == records
    # the catalogue is the database now: a change survives reopening, and the json is not read again
    MusicLibrary(tmp_path).set_tags("Café.mid", "mine")
    assert MusicLibrary(tmp_path).entry("Café.mid").tags == ("mine",)
    assert (tmp_path / DB_NAME).is_file()


def test_an_import_interrupted_before_the_rename_does_not_double_rows(tmp_path):
    write_midi(tune(), tmp_path / "A.mid")
    index = json.dumps({"version": 1, "entries": [old_record("A.mid", tags=["x"])]})
    (tmp_path / INDEX_NAME).write_text(index)
    MusicLibrary(tmp_path).entries()
    (tmp_path / INDEX_NAME).write_text(index)  # as if the app died between the commit and the rename
    MusicLibrary(tmp_path).set_tags("A.mid", "changed")
    [entry] = MusicLibrary(tmp_path).entries()
    assert entry.tags == ("changed",)  # the imported row kept its newer change


# ---- damage and crashes ---------------------------------------------------------------------

def _filled(tmp_path) -> tuple[MusicLibrary, list]:
    lib = MusicLibrary(tmp_path)
    added = [lib.add(tune(n=4 + i), f"Tune {i}", tags=["kept?"]) for i in range(30)]
    store = lib._db()
    store.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close_all()
    return lib, added


@pytest.mark.parametrize("where", ["header", "middle", "all"])
def test_a_damaged_database_is_rebuilt_from_the_files(tmp_path, where):
    _, added = _filled(tmp_path)
    db = tmp_path / DB_NAME
    data = bytearray(db.read_bytes())
    assert len(data) > 3 * 4096
    if where == "header":
        data[:100] = b"\x17" * 100
    elif where == "middle":
        data[4096:3 * 4096] = os.urandom(2 * 4096)
    else:
        data = bytearray(b"this is not a database at all")
    db.write_bytes(bytes(data))
    listing = MusicLibrary(tmp_path).listing()
    assert "rebuilt" in listing.problem
    assert sorted(e.file for e in listing.entries) == sorted(e.file for e in added)
    notes = {e.file: e.notes for e in listing.entries}
    assert all(notes[e.file] == e.notes for e in added)  # catalogued again from the files
    assert (tmp_path / (DB_NAME + ".broken")).read_bytes() == bytes(data)
    assert Store(db).quick_check() is None
    assert MusicLibrary(tmp_path).listing().problem is None


def test_a_failure_mid_import_leaves_only_whole_rows(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(6):
        write_midi(tune(n=3 + i), src / f"t{i}.mid")
    lib = MusicLibrary(tmp_path / "lib")
    store = lib._db()
    real_insert, calls = store.insert, []

    def insert_then_fail(conn, entry, digest=""):
        calls.append(entry.file)
        real_insert(conn, entry, digest)  # the row is written in the transaction…
        if len(calls) == 4:
            raise RuntimeError("killed")  # …and the process dies before the commit

    monkeypatch.setattr(store, "insert", insert_then_fail)
    with pytest.raises(RuntimeError):
        lib.import_folder(src)
    fresh = MusicLibrary(tmp_path / "lib")
    files = sorted(e.file for e in fresh.entries())
    assert files == ["t0.mid", "t1.mid", "t2.mid"]
    assert sorted(p.name for p in (tmp_path / "lib").glob("*.mid")) == files
    assert fresh._db().quick_check() is None


KILLED_IMPORT = """
import sys
from latentroll.core.library import MusicLibrary
def progress(done, total):
    print(int(done), flush=True)
MusicLibrary(sys.argv[1]).import_folder(sys.argv[2], progress)
"""


def test_a_killed_import_process_leaves_a_consistent_library(tmp_path):
    """A real ``kill -9`` part-way through an import: the library opens, and every row it lists
    is a whole file with its metadata (a file copied but not yet catalogued is catalogued)."""
    src = tmp_path / "src"
    src.mkdir()
    for i in range(300):
        write_midi(tune(n=3 + i % 9, pitch=40 + i // 9), src / f"t{i:03d}.mid")  # 300 different tunes
    child = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, str(tmp_path / "lib"), str(src)],
                             stdout=subprocess.PIPE, text=True)
    for line in child.stdout:
        if int(line) >= 40:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    lib = MusicLibrary(tmp_path / "lib")
    entries = lib.entries()
    assert 40 <= len(entries) < 300
    assert lib._db().quick_check() is None
    on_disk = sorted(p.name for p in (tmp_path / "lib").glob("*.mid"))
    assert sorted(e.file for e in entries) == on_disk
    for e in entries:
        assert lib.load(e.file).note_count() == e.notes
    # importing again finishes the job: nothing doubles
    report = lib.import_folder(src)
    assert len(lib.entries()) == 300
    assert len(report.added) + len(report.skipped) == 300


def test_concurrent_writes_to_the_same_clip_all_land_whole(tmp_path):
    """Two library objects (two app instances) and their threads change one clip at once."""
    file = MusicLibrary(tmp_path).add(tune(), "Shared").file
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        lib = MusicLibrary(tmp_path)
        try:
            for i in range(25):
                lib.set_tags(file, [f"w{k}", f"n{i}"])
                lib.set_favourite(file, (i + k) % 2 == 0)
                lib.set_latent(file, "vae", np.full(16, k * 100 + i, dtype=np.float32))
                lib.set_style(file, f"style{k}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    lib = MusicLibrary(tmp_path)
    [entry] = lib.entries()
    k = int(entry.tags[0][1:])
    assert entry.tags[0] in {"w0", "w1", "w2", "w3"} and entry.tags[1].startswith("n")
    assert entry.style.startswith("style")
    v = lib.latent(file, "vae")
    assert v.shape == (16,) and len(set(v.tolist())) == 1  # one writer's whole vector, never a mix
    assert k in range(4) and lib._db().quick_check() is None


def test_an_older_schema_is_migrated_in_place(tmp_path):
    """A version-1 database (before the clips' change counter) opens in this app: migrated, rows kept."""
    from latentroll.core.library.store import MIGRATIONS, _statements

    write_midi(tune(), tmp_path / "A.mid")
    conn = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    for statement in _statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("INSERT INTO clips (file, title, style, tags, haystack, style_lc, tags_lc) "
                 "VALUES ('A.mid', 'Old A', 'irish', '[\"kept\"]', 'old a irish kept', 'irish', '\nkept\n')")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    lib = MusicLibrary(tmp_path)
    [entry] = lib.search(style="Irish")
    assert (entry.title, entry.tags) == ("Old A", ("kept",))
    lib.set_tags("A.mid", "new")
    assert lib.search(tag="new") == [lib.entry("A.mid")]  # the counter moved: the cached catalogue is fresh
    assert sqlite3.connect(tmp_path / DB_NAME).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_a_database_from_a_newer_app_is_refused_not_rebuilt(tmp_path):
    MusicLibrary(tmp_path).add(tune(), "A")
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(LibraryError, match="newer"):
        MusicLibrary(tmp_path).entries()
    assert not (tmp_path / (DB_NAME + ".broken")).exists()


# ---- latents and "More like this" ---------------------------------------------------------------

def latent_library(tmp_path, n: int = 60, dim: int = 32):
    rng = np.random.default_rng(3)
    lib = MusicLibrary(tmp_path)
    styles = ["irish", "german", "fiddle"]
    entries = [lib.add(tune(tonic=i % 2 * 7, mode="major"), f"Clip {i}", style=styles[i % 3],
                       tags=["loop"] if i % 4 == 0 else []) for i in range(n)]
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    for e, v in zip(entries, vectors):
        lib.set_latent(e.file, "vae", v)
    return lib, entries, vectors


def test_similar_ranks_a_planted_near_duplicate_first_and_never_returns_the_query(tmp_path):
    lib, entries, vectors = latent_library(tmp_path)
    query, twin = entries[5], entries[40]
    lib.set_latent(twin.file, "vae", vectors[5] * 3.0 + 0.01)  # same direction, other length
    hits = lib.similar(query.file, k=10)
    assert hits[0][0].file == twin.file and hits[0][1] > 0.99
    assert query.file not in {e.file for e, _ in hits}
    scores = [s for _, s in hits]
    assert len(hits) == 10 and scores == sorted(scores, reverse=True)
    # by vector: the query itself is then a fair answer, with cosine 1
    by_vector = lib.similar(vectors[5], k=3)
    assert {by_vector[0][0].file, by_vector[1][0].file} == {query.file, twin.file}
    assert by_vector[0][1] == pytest.approx(1.0, abs=1e-5)
    expected = vectors @ vectors[5] / np.linalg.norm(vectors, axis=1) / np.linalg.norm(vectors[5])
    expected[40] = 1.0
    assert by_vector[2][1] == pytest.approx(np.sort(expected)[-3], abs=1e-5)


def test_similar_filters_by_style_key_and_tags(tmp_path):
    lib, entries, _ = latent_library(tmp_path)
    irish = lib.similar(entries[0].file, k=100, style="IRISH")
    assert {e.style for e, _ in irish} == {"irish"} and len(irish) == 19  # 20 irish, less the query
    in_g = lib.similar(entries[0].file, k=100, key="g major")
    assert {e.key for e, _ in in_g} == {"G major"} and len(in_g) == 30
    loops = lib.similar(entries[1].file, k=100, tags=["LOOP"], style="irish")
    assert {e.file for e, _ in loops} == {e.file for i, e in enumerate(entries) if i % 12 == 0}
    assert lib.similar(entries[0].file, style="nothing like it") == []


def test_latents_follow_renames_and_deletes(tmp_path):
    lib, entries, vectors = latent_library(tmp_path, n=8)
    assert lib.missing_latents("vae") == [] and lib.missing_latents("drums") == [e.file for e in entries]
    renamed = lib.rename(entries[2].file, "Renamed")
    assert np.array_equal(lib.latent(renamed.file, "vae"), vectors[2])
    assert lib.latent(entries[2].file, "vae") is None
    assert lib.similar(vectors[2], k=1)[0][0].file == renamed.file  # the cached matrix saw the rename
    lib.delete(renamed.file)
    assert renamed.file not in {e.file for e, _ in lib.similar(vectors[2], k=100)}
    new = lib.add(tune(), "New")
    assert lib.missing_latents("vae") == [new.file]


def test_bad_latent_queries_are_clear_errors(tmp_path):
    lib, entries, _ = latent_library(tmp_path, n=4)
    new = lib.add(tune(), "No latent yet")
    with pytest.raises(LibraryError, match="no vae latent yet"):
        lib.similar(new.file)
    with pytest.raises(LibraryError, match="no longer"):
        lib.similar("missing.mid")
    with pytest.raises(LibraryError, match="size 3"):
        lib.similar(np.ones(3))
    with pytest.raises(LibraryError, match="finite"):
        lib.set_latent(new.file, "vae", np.array([np.nan, 1.0]))
    with pytest.raises(LibraryError, match="no longer"):
        lib.set_latent("missing.mid", "vae", np.ones(32))


# ---- folder import -------------------------------------------------------------------------

def tiny_folder(root):
    root.mkdir()
    (root / "sub").mkdir()
    write_midi(tune(n=5), root / "one.mid")
    write_midi(tune(n=6), root / "sub" / "two.MIDI")
    write_midi(tune(n=5), root / "sub" / "copy of one.mid")  # the same bytes as one.mid
    (root / "garbage.mid").write_bytes(b"MThd nonsense")
    (root / "readme.txt").write_text("not music")
    write_midi(Song(tracks=[Track("Empty")]), root / "silent.mid")
    return root


def test_import_folder_adds_midi_and_reports_what_it_skipped(tmp_path):
    src = tiny_folder(tmp_path / "src")
    lib = MusicLibrary(tmp_path / "lib")
    seen = []
    report = lib.import_folder(src, progress=lambda d, t: seen.append((d, t)))
    assert sorted(e.title for e in report.added) == ["one", "two"]
    assert all(e.source == "import" for e in report.added)
    reasons = {s.path: s.reason for s in report.skipped}
    assert set(reasons) == {"garbage.mid", "readme.txt", "silent.mid", os.path.join("sub", "copy of one.mid")}
    assert "not readable MIDI" in reasons["garbage.mid"] and "not a MIDI file" in reasons["readme.txt"]
    assert "no notes" in reasons["silent.mid"] and "same file as one.mid" in reasons[os.path.join("sub", "copy of one.mid")]
    two = next(e for e in report.added if e.title == "two")
    assert (tmp_path / "lib" / two.file).read_bytes() == (src / "sub" / "two.MIDI").read_bytes()  # byte for byte
    assert seen[-1] == (6, 6)
    again = lib.import_folder(src)
    assert again.added == [] and sum("already in the library" in s.reason for s in again.skipped) == 3
    assert len(lib.entries()) == 2


def test_import_folder_cancel_keeps_what_was_imported_whole(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(10):
        write_midi(tune(n=3 + i), src / f"t{i}.mid")
    lib = MusicLibrary(tmp_path / "lib")
    cancel = threading.Event()

    def progress(done, total):
        if done == 4:
            cancel.set()

    with pytest.raises(Cancelled):
        lib.import_folder(src, progress=progress, cancel=cancel)
    assert sorted(e.file for e in lib.entries()) == [f"t{i}.mid" for i in range(5)]
    with pytest.raises(LibraryError, match="not a folder"):
        lib.import_folder(tmp_path / "nowhere")
    with pytest.raises(LibraryError, match="own folder"):
        lib.import_folder(tmp_path / "lib")


def test_search_matches_the_query_and_sees_other_instances_changes(tmp_path):
    lib, entries, _ = latent_library(tmp_path, n=12)
    lib.set_favourite(entries[3].file, True)
    assert [e.file for e in lib.search("clip 1")] == [e.file for e in entries if "clip 1" in e.title.lower()]
    assert {e.file for e in lib.search(tag="Loop")} == {entries[i].file for i in (0, 4, 8)}
    assert {e.file for e in lib.search(key="G major", style="german")} == {entries[i].file for i in (1, 7)}
    assert [e.file for e in lib.search(favourites=True)] == [entries[3].file]
    assert len(lib.search(limit=5)) == 5
    MusicLibrary(tmp_path).set_tags(entries[5].file, "from elsewhere")  # another app instance
    assert [e.file for e in lib.search(tag="from elsewhere")] == [entries[5].file]


def test_a_clip_the_model_cannot_encode_is_skipped_until_its_file_changes(tmp_path):
    """A mark (``skip_latent``) keeps a clip out of the background job's list while its file is
    unchanged; it follows a rename, goes with a delete and with a stored latent; a changed file
    (new size/time) is tried again. ``missing_latents`` still counts every clip without one."""
    lib = MusicLibrary(tmp_path)
    a, b, c = (lib.add(tune(), name) for name in ("A", "B", "C"))
    lib.skip_latent(a.file, "vae", "no pitched notes")
    lib.skip_latent(b.file, "vae", "drums only")
    assert lib.latents_to_compute("vae") == [c.file]
    assert lib.latents_to_compute("drums") == [a.file, b.file, c.file]  # a mark is per model
    assert lib.missing_latents("vae") == [a.file, b.file, c.file]
    assert MusicLibrary(tmp_path).latent_skips("vae") == {a.file: "no pitched notes", b.file: "drums only"}

    renamed = lib.rename(b.file, "B renamed")
    assert lib.latent_skips("vae") == {a.file: "no pitched notes", renamed.file: "drums only"}
    lib.delete(renamed.file)
    assert set(lib.latent_skips("vae")) == {a.file}

    path = lib.path_of(a.file)
    write_midi(tune(n=12), path)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert lib.latents_to_compute("vae") == [a.file, c.file]  # changed: tried again
    lib.set_latent(a.file, "vae", np.ones(4))
    assert lib.latent_skips("vae") == {} and lib.latents_to_compute("vae") == [c.file]


def test_a_version_2_database_gains_the_skip_marks(tmp_path):
    from latentroll.core.library.store import MIGRATIONS, _statements

    write_midi(tune(), tmp_path / "A.mid")
    conn = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    for script in MIGRATIONS[:2]:
        for statement in _statements(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.close()
    lib = MusicLibrary(tmp_path)
    lib.skip_latent("A.mid", "vae", "drums only")
    assert lib.latents_to_compute("vae") == [] and lib.missing_latents("vae") == ["A.mid"]
