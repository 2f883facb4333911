"""Project files: exact re-open, readable layout, v0 → v1 migration, validation and refusal messages."""
from __future__ import annotations

import json

import numpy as np
import pytest

from latentroll.core.io.errors import MusicFileError
from latentroll.core.project import (
    FORMAT_VERSION,
    MIGRATIONS,
    LatentBookmark,
    Project,
    ProjectSettings,
    load_project,
    save_project,
)
from latentroll.core.song import NOTE_DTYPE, KeySignature, Song, TempoChange, TimeSignature, Track


def sample_project(n_notes: int = 50) -> Project:
    rng = np.random.default_rng(3)
    notes = np.zeros(n_notes, dtype=NOTE_DTYPE)
    notes["start"] = rng.integers(0, 20_000, n_notes)  # deliberately not in time order
    notes["duration"] = rng.integers(1, 960, n_notes)
    notes["pitch"] = rng.integers(0, 128, n_notes)
    notes["velocity"] = rng.integers(1, 128, n_notes)
    song = Song(
        title="Nachtstück — \"draft\" 2",
        tracks=[
            Track(name="Lead", program=81, channel=3, volume=101, pan=12, mute=True, notes=notes),
            Track(name="Drums", channel=9, is_drum=True, solo=True,
                  notes=np.array([(0, 120, 36, 127)], dtype=NOTE_DTYPE)),
            Track(name="Empty"),
        ],
        tempos=[TempoChange(0, 87.5), TempoChange(3840, 140.25)],
        time_signatures=[TimeSignature(0, 7, 8), TimeSignature(3360, 4, 4)],
        keys=[KeySignature(0, 1, "minor"), KeySignature(3840, 8, "major")],
    )
    settings = ProjectSettings(loop_start=960, loop_end=7680, loop_enabled=True, snap_grid="1/8T",
                               soundfont="/usr/share/sounds/sf2/TimGM6mb.sf2", selected_track=1,
                               zoom_x=2.5, zoom_y=0.75, view_tick=1920, view_pitch=48)
    bookmarks = [LatentBookmark("calm", [0.25, -1.5, 3.0e-7], "melody-vae-v1"),
                 LatentBookmark("wild", [], "groove-vae")]
    return Project(song=song, settings=settings, bookmarks=bookmarks,
                   extra={"future_panel": {"open": True, "width": 320}})


def test_saved_project_reopens_equal(tmp_path):
    project = sample_project()
    save_project(project, tmp_path / "p.lrproj")
    back = load_project(tmp_path / "p.lrproj")
    assert back == project
    assert back.song.tracks[0].mute and back.song.tracks[1].solo
    # row order is kept exactly, not only the multiset of notes
    assert np.array_equal(back.song.tracks[0].notes, project.song.tracks[0].notes)


def test_layout_is_readable_json_with_compact_note_columns(tmp_path):
    project = sample_project(n_notes=5000)
    save_project(project, tmp_path / "p.lrproj")
    text = (tmp_path / "p.lrproj").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["format"] == "latentroll-project" and doc["format_version"] == FORMAT_VERSION
    assert doc["song"]["tempos"] == [[0, 87.5], [3840, 140.25]]
    assert doc["song"]["tracks"][0]["notes"]["pitch"] == project.song.tracks[0].notes["pitch"].tolist()
    assert "Nachtstück" in text  # text stays text, not \u escapes
    assert len(text.splitlines()) < 150  # 5000 notes, yet each column is one line
    assert '   [0, 87.5]' in text


def test_version_0_file_is_migrated(tmp_path):
    v0 = {
        "format_version": 0,
        "title": "Old sketch",
        "bpm": 100.0,
        "meter": [3, 4],
        "key": [9, "minor"],
        "grid": "1/8",
        "loop": [0, 1440],
        "tracks": [
            {"name": "Piano", "program": 0, "channel": 0, "drum": False,
             "notes": [[0, 480, 69, 90], [480, 480, 72, 80], [960, 480, 76, 70]]},
            {"name": "Perc", "program": 0, "channel": 9, "drum": True, "notes": []},
        ],
    }
    (tmp_path / "old.lrproj").write_text(json.dumps(v0), encoding="utf-8")
    project = load_project(tmp_path / "old.lrproj")
    expected_song = Song(
        title="Old sketch",
        tracks=[
            Track(name="Piano", notes=np.array([(0, 480, 69, 90), (480, 480, 72, 80), (960, 480, 76, 70)],
                                               dtype=NOTE_DTYPE)),
            Track(name="Perc", channel=9, is_drum=True),
        ],
        tempos=[TempoChange(0, 100.0)],
        time_signatures=[TimeSignature(0, 3, 4)],
        keys=[KeySignature(0, 9, "minor")],
    )
    assert project.song == expected_song
    assert project.settings == ProjectSettings(loop_start=0, loop_end=1440, loop_enabled=True, snap_grid="1/8")
    assert project.bookmarks == [] and project.extra == {}
    # and it saves in the current format
    save_project(project, tmp_path / "new.lrproj")
    assert json.loads((tmp_path / "new.lrproj").read_text())["format_version"] == FORMAT_VERSION
    assert load_project(tmp_path / "new.lrproj") == project


def test_every_old_version_has_a_migration():
    assert sorted(MIGRATIONS) == list(range(FORMAT_VERSION))


def test_broken_v0_file_gets_a_clear_error(tmp_path):
    (tmp_path / "old.lrproj").write_text(json.dumps({"format_version": 0, "tracks": [{"notes": [[1, 2]]}]}))
    with pytest.raises(MusicFileError, match=r"tracks\[0\]\.notes must be rows"):
        load_project(tmp_path / "old.lrproj")


def test_newer_format_is_refused(tmp_path):
    (tmp_path / "new.lrproj").write_text(json.dumps({"format_version": FORMAT_VERSION + 1, "song": {}}))
    with pytest.raises(MusicFileError, match="newer LatentRoll"):
        load_project(tmp_path / "new.lrproj")


@pytest.mark.parametrize("text, words", [
    ('{"format_version": 1, "song": ', "broken JSON at line 1"),
    ("", "broken JSON"),
    ("[1, 2, 3]", "not a LatentRoll project"),
    ('{"title": "no version"}', "not a LatentRoll project"),
    ('{"format_version": "1"}', "invalid format_version"),
])
def test_not_a_project(tmp_path, text, words):
    (tmp_path / "x.lrproj").write_text(text)
    with pytest.raises(MusicFileError, match=words):
        load_project(tmp_path / "x.lrproj")


def _doc() -> dict:
    from latentroll.core.project import project_to_json

    return json.loads(project_to_json(sample_project(n_notes=3)))


def _set(doc: dict, path: list, value) -> dict:
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


@pytest.mark.parametrize("path, value, words", [
    (["song", "tracks", 0, "notes", "pitch", 1], 200, r"notes\.pitch has values outside 0\.\.127"),
    (["song", "tracks", 0, "notes", "velocity", 0], 0, r"notes\.velocity"),
    (["song", "tracks", 0, "notes", "duration"], [5], "different lengths"),
    (["song", "tracks", 0, "notes", "start", 0], 1.5, "whole numbers"),
    (["song", "tracks", 0, "channel"], 16, r"channel is 16"),
    (["song", "tracks", 0, "is_drum"], 1, "true or false"),
    (["song", "tracks", 0, "program"], True, "whole number"),
    (["song", "tempos", 0], [0, -10], "greater than 0"),
    (["song", "time_signatures", 0], [0, 4, 3], "not a power of two"),
    (["song", "keys", 0], [0, 2, "lydian"], "mode must be"),
    (["song", "ppq"], 96, "use 480"),
    (["song", "title"], None, "must be text"),
    (["settings", "loop_end"], 100, "after loop_start"),
    (["settings", "snap_grid"], "1/7", "not one of"),
    (["settings", "selected_track"], 3, r"within 0\.\.2"),
    (["settings", "zoom_x"], 0, "greater than 0"),
    (["bookmarks", 0, "vector"], [1.0, "x"], r"vector\[1\] must be a number"),
    (["song"], [], "song must be an object"),
])
def test_invalid_values_name_the_field(tmp_path, path, value, words):
    doc = _set(_doc(), path, value)
    (tmp_path / "x.lrproj").write_text(json.dumps(doc))
    with pytest.raises(MusicFileError, match=words):
        load_project(tmp_path / "x.lrproj")


def test_save_refuses_what_would_not_reopen_and_keeps_the_old_file(tmp_path):
    path = tmp_path / "p.lrproj"
    save_project(sample_project(), path)
    before = path.read_bytes()
    broken = sample_project()
    broken.song.tracks[0].notes["pitch"][4] = 130
    with pytest.raises(MusicFileError, match=r"cannot save p.lrproj: song.tracks\[0\].notes.pitch"):
        save_project(broken, path)
    nan = sample_project()
    nan.bookmarks[0].vector[0] = float("nan")
    with pytest.raises(MusicFileError, match="cannot be saved"):
        save_project(nan, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.lrproj"]


def test_odd_editor_state_is_tidied_not_refused(tmp_path):
    project = sample_project()
    project.settings = ProjectSettings(loop_start=500, loop_end=400, loop_enabled=True, snap_grid="1/5",
                                       selected_track=9, zoom_x=0.0, zoom_y=float("inf"),
                                       view_tick=-30, view_pitch=np.float32(131.6))
    save_project(project, tmp_path / "p.lrproj")
    assert load_project(tmp_path / "p.lrproj").settings == ProjectSettings(
        loop_start=None, loop_end=None, loop_enabled=False, snap_grid="1/16", selected_track=2,
        zoom_x=1.0, zoom_y=1.0, view_tick=0, view_pitch=127)


def test_numpy_scalars_in_the_song_are_saved_as_plain_numbers(tmp_path):
    project = sample_project()
    project.song.tracks[0].program = np.int64(12)
    project.song.tempos = [TempoChange(np.int64(0), np.float32(99.5))]
    save_project(project, tmp_path / "p.lrproj")
    back = load_project(tmp_path / "p.lrproj")
    assert back.song.tracks[0].program == 12 and back.song.bpm == 99.5


def test_unknown_settings_keys_from_a_newer_minor_release_are_ignored(tmp_path):
    doc = _set(_doc(), ["settings", "piano_roll_theme"], "dark")
    (tmp_path / "x.lrproj").write_text(json.dumps(doc))
    assert load_project(tmp_path / "x.lrproj").settings == sample_project().settings
