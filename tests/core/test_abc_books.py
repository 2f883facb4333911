"""ABC books and hostile ABC: every reader parses a book tune by tune (one tune's ``L:`` must not
leak into the next), and a tune that would blow music21 up is refused in one line, fast."""
from __future__ import annotations

import time

import numpy as np
import pytest

from latentroll.core.io.abc import AbcLimits, abc_problem, abc_tune_to_song, run_limited
from latentroll.core.io.errors import MusicFileError
from latentroll.core.io.formats import abc_tune_count, read_song
from latentroll.models.data.corpus import parse_file

BOOK = """%abc-2.1
X:1
T:Sixteenths First
M:4/4
L:1/16
K:G
GABc dBcA GABc d4|]

X:2
T:No Unit Length
M:4/4
K:D
DEFG ABcd|]

X:3
T:Jig In Eighths
M:6/8
L:1/8
K:D
"D"dfa "A7"afd|"G"g3 "D"f3|]
"""


def test_every_reader_gives_each_tune_its_own_unit_length(tmp_path):
    path = tmp_path / "book.abc"
    path.write_text(BOOK)
    songs = [read_song(path, index=i) for i in range(abc_tune_count(path))]
    assert [s.title for s in songs] == ["Sixteenths First", "No Unit Length", "Jig In Eighths"]
    # tune 2 has no L: so ABC's default for 4/4 (1/8) applies, not tune 1's 1/16
    assert songs[1].tracks[0].sorted_notes()["duration"].tolist() == [240] * 8
    tunes, failures = parse_file(str(path), "irish")
    assert failures == 0 and len(tunes) == len(songs)
    for tune, song in zip(tunes, songs):
        melody = song.tracks[0].sorted_notes()
        assert np.array_equal(tune.voice(0)[:, :3], np.stack(
            [melody["start"], melody["duration"], melody["pitch"]], axis=1)), tune.title


@pytest.mark.parametrize("body, words", [
    ("GABc A999999|", "line 6 has a note A999999 longer than 32 whole notes"),
    ("GABc z100000|", "longer than 32 whole notes"),
    ("[CEG]4096 GABc|", "[CEG]4096"),
    ("[L:9999/1] GABc|", "the unit note length L:9999/1 is out of range"),
    ("GABc|" * 30_000, "characters long; at most 100,000 are read"),
])
@pytest.mark.timeout(20)
def test_blow_ups_are_refused_before_parsing(tmp_path, body, words):
    path = tmp_path / "blow.abc"
    path.write_text(f"X:1\nT:Blow\nM:4/4\nL:1/8\nK:G\n{body}\n")
    started = time.monotonic()
    with pytest.raises(MusicFileError) as err:
        read_song(path)
    assert time.monotonic() - started < 2
    assert str(err.value).startswith("could not read blow.abc as ABC: ") and words in str(err.value)


def test_the_guard_leaves_real_tunes_alone():
    text = 'X:1\nT:Air 2\nw:verse 1234 of 5678\nM:3/4\nL:1/8\nQ:1/4=120\nK:D\n"D7"d4 A2|B6|[DFA]2 z4|!trill!c2 d64|]\n'
    assert abc_problem(text) is None


TUNE = "X:1\nT:Plain\nM:4/4\nL:1/8\nK:G\n" + "GABc dedB|" * 40 + "\n"


def test_a_parse_that_runs_too_long_is_stopped():
    started = time.monotonic()
    with pytest.raises(MusicFileError, match=r"could not read t.abc as ABC: parsing took longer than 0.05 s"):
        abc_tune_to_song(TUNE, "t.abc", "t", AbcLimits(seconds=0.05))
    assert time.monotonic() - started < 2


def _hog(megabytes: int) -> tuple[str, object]:
    block = bytearray(megabytes << 20)
    return "song", len(block)


def test_a_parse_that_needs_too_much_memory_is_stopped():
    assert run_limited(_hog, 16, limits=AbcLimits(memory_bytes=256 << 20)) == ("song", 16 << 20)
    assert run_limited(_hog, 512, limits=AbcLimits(memory_bytes=256 << 20)) == ("memory", "")


def test_within_limits_the_tune_reads():
    song = abc_tune_to_song(TUNE, "t.abc", "t")
    assert song.title == "Plain" and song.note_count() == 320
