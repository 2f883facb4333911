from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"


@pytest.fixture(scope="session")
def small_corpus():
    from latentroll.models.data.corpus import Corpus

    return Corpus.load(FIXTURE)


@pytest.fixture(autouse=True, scope="session")
def _few_threads():
    import torch

    torch.set_num_threads(1)  # tiny models: a second thread only adds contention


@pytest.fixture(scope="session")
def scale_tune():
    """``scale_tune(bars)``: quarter notes up and down a C major scale, as melody events."""
    import numpy as np

    from latentroll.models.data.melody import pitch_to_event

    def make(bars: int = 4) -> np.ndarray:
        pitches = [60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62, 60, 62]
        ev = np.zeros(16 * bars, np.uint8)
        ev[::4] = pitch_to_event([pitches[i % 16] for i in range(4 * bars)])
        return ev

    return make
