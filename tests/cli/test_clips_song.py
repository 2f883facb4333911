"""Generated clips written as a song carry a key signature: the asked key, else the notes' own."""
import numpy as np

from latentroll.app.cli.clips import clips_song
from latentroll.core.song import NOTE_DTYPE, Track
from latentroll.core.theory import Scale


def _clip(pitches):
    n = np.zeros(len(pitches), dtype=NOTE_DTYPE)
    n["pitch"], n["start"], n["duration"], n["velocity"] = pitches, np.arange(len(pitches)) * 240, 240, 90
    return Track(name="clip", notes=n)


def test_without_a_key_the_song_gets_the_key_its_notes_imply():
    d_major = [62, 64, 66, 67, 69, 71, 73, 74, 69, 66, 62, 62]
    key = clips_song([_clip(d_major), _clip(d_major)], "ideas").keys[0]
    assert (key.tonic, key.mode) == (2, "major")


def test_an_asked_key_wins():
    key = clips_song([_clip([62, 64, 66])], "ideas", scale=Scale.parse("A minor")).keys[0]
    assert (key.tonic, key.mode) == (9, "minor")


def test_separate_clips_each_get_their_own_channel_never_the_drums():
    song = clips_song([_clip([60, 62]) for _ in range(12)], "ideas", separate_tracks=True)
    channels = [t.channel for t in song.tracks]
    assert channels[:11] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11]
    assert 9 not in channels
