"""Free MIDI channels for new tracks: pitched tracks never share a channel, drums stay on 10."""
from latentroll.core.channels import DRUM_CHANNEL, free_channels, on_free_channels
from latentroll.core.song import Song, Track


def test_new_tracks_take_channels_nobody_uses_and_drums_keep_channel_10():
    song = Song(tracks=[Track("Piano", channel=0), Track("Bass", channel=1), Track("Kit", channel=9, is_drum=True)])
    new = [Track("A", channel=0), Track("Drums", channel=3, is_drum=True), Track("B", channel=0)]
    out = on_free_channels(song, new)
    assert [t.channel for t in out] == [2, DRUM_CHANNEL, 3]
    assert [t.channel for t in new] == [0, 3, 0]  # copies: the given tracks are untouched
    assert [t.name for t in out] == ["A", "Drums", "B"]


def test_channels_run_out_onto_channel_0_never_the_drum_channel():
    song = Song(tracks=[Track(str(c), channel=c) for c in range(16) if c != DRUM_CHANNEL])
    assert free_channels(song, 2) == [0, 0]
    assert [t.channel for t in on_free_channels(song, [Track("x"), Track("y")])] == [0, 0]
