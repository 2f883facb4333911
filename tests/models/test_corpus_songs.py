"""A corpus tune as a core Song (what the app's Library shows and inserts) keeps every note,
voice, meter and key: turned back into a tune it is the same tune."""
from pathlib import Path

import numpy as np

from latentroll.models.data.corpus import Corpus, _tunes_from_song

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"


def _rows(notes: np.ndarray) -> np.ndarray:
    return notes[np.lexsort((notes[:, 2], notes[:, 0], notes[:, 3]))]


def test_tune_to_song_and_back_is_the_same_tune():
    corpus = Corpus.load(FIXTURE)
    for tune in corpus.tunes:
        song = tune.to_song()
        assert len(song.tracks) == tune.voices
        back = _tunes_from_song(song, tune.style, tune.tune_id)
        assert np.array_equal(_rows(back.notes), _rows(tune.notes)), tune.tune_id
        assert back.meter == tune.meter and back.key == (tune.key[0] % 12, tune.key[1])
    chorale = next(t for t in corpus.tunes if t.style == "chorale").to_song()
    assert [t.name for t in chorale.tracks] == ["Soprano", "Alto", "Tenor", "Bass"]
    velocities = chorale.tracks[0].notes["velocity"]
    assert velocities.min() >= 70 and velocities.max() == 100  # downbeats accented
