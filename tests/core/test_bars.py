"""Bar/beat arithmetic agrees with the Song's own bar map, meter changes included; the helpers the
app's parts share (free MIDI channels, rounding a span up to a step)."""
from latentroll.core.bars import bar_at, beat_label, iter_bars, snap_tick
from latentroll.core.channels import free_channels
from latentroll.core.song import PPQ, Song, TimeSignature, Track
from latentroll.core.timing import round_up


def song_with_meters() -> Song:
    # 2 bars of 4/4, then 3/4 from tick 3840, then 6/8 from a tick that is not on a 3/4 bar line
    return Song(time_signatures=[TimeSignature(0, 4, 4), TimeSignature(3840, 3, 4), TimeSignature(3840 + 1440 + 480, 6, 8)])


def test_iter_bars_matches_song_bar_start():
    song = song_with_meters()
    bars = list(iter_bars(song, 0, 20000))
    assert [b.start for b in bars] == [song.bar_start(i) for i in range(len(bars))]
    assert [b.number for b in bars] == list(range(len(bars)))
    assert (bars[2].numerator, bars[2].length) == (3, 1440)
    assert bars[3].length == 480  # cut short by the next meter change
    mid = list(iter_bars(song, 4000, 6000))
    assert mid[0].number == 2 and mid[-1].start < 6000


def test_snap_counts_the_grid_from_the_bar():
    song = Song(time_signatures=[TimeSignature(0, 3, 4)])
    triplet_quarter = PPQ * 2 // 3  # 320 does not divide a 3/4 bar evenly
    assert snap_tick(song, 1440 + 10, triplet_quarter) == 1440  # lands on the bar line, not 1280
    assert snap_tick(song, 1440 + 300, triplet_quarter, "floor") == 1440
    assert snap_tick(song, 1440 + 1, triplet_quarter, "ceil") == 1440 + 320


def test_position_label():
    song = song_with_meters()
    assert beat_label(song, 0) == "1.1.000"
    assert beat_label(song, 3840 + 480 + 5) == "3.2.005"
    assert bar_at(song, 3839).number == 1


def test_free_channels_skip_used_ones_and_the_drum_channel():
    song = Song(tracks=[Track(name=f"t{c}", channel=c) for c in (0, 1, 3)])
    assert free_channels(song, 3) == [2, 4, 5]
    assert free_channels(song, 1, ignore=1) == [1]  # a track's own channel is free for it
    full = Song(tracks=[Track(name=f"t{c}", channel=c) for c in range(16) if c != 9])
    assert free_channels(full, 2) == [0, 0]  # never 9, channel 0 once all are taken


def test_round_up_to_whole_steps():
    assert [round_up(v, 480) for v in (0, 1, 480, 481)] == [0, 480, 480, 960]
