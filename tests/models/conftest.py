from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[2] / "resources" / "fixtures" / "corpus_small.npz"
DRUM_FIXTURE = FIXTURE.with_name("groove_small.npz")


@pytest.fixture(scope="session")
def small_corpus():
    from latentroll.models.data.corpus import Corpus

    return Corpus.load(FIXTURE)


@pytest.fixture(autouse=True, scope="session")
def _drum_fixture():
    """The drum models train and measure on a few GMD files (``latentroll data fixture --only drums``),
    never on the user's full drum cache."""
    import os

    old = os.environ.get("LATENTROLL_DRUM_CACHE")
    os.environ["LATENTROLL_DRUM_CACHE"] = str(DRUM_FIXTURE)
    yield
    if old is None:
        os.environ.pop("LATENTROLL_DRUM_CACHE", None)
    else:
        os.environ["LATENTROLL_DRUM_CACHE"] = old


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


@pytest.fixture(scope="session")
def sharp_vae():
    """``sharp_vae(layers, seed)``: a tiny untrained MelodyVAE in eval mode with its weights ×4.
    Untrained weights are near-uniform; sharpened, argmax decoding is not a coin toss."""
    import torch

    from latentroll.models.vae.config import get_config
    from latentroll.models.vae.network import MelodyVAE

    def make(layers: int = 1, seed: int = 0):
        torch.manual_seed(seed)
        m = MelodyVAE(get_config("tiny", dec_layers=layers)).eval()
        with torch.no_grad():
            for p in m.parameters():
                p.mul_(4.0)
        return m

    return make
