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
