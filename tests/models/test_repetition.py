"""The repetition feature: bar-to-bar self-similarity, and its OA telling structured phrases from
chained unrelated bars."""
import numpy as np
import pytest

from latentroll.models.eval.repetition import bar_similarity, repetition_oa, repetition_vector


def _bar(rng) -> np.ndarray:
    b = np.zeros(16, np.uint8)
    b[::2] = rng.integers(40, 70, 8)  # eighth notes
    return b


def _aaba(rng) -> np.ndarray:
    """16 bars: A (4 bars) A B A."""
    a = np.concatenate([_bar(rng) for _ in range(4)])
    b = np.concatenate([_bar(rng) for _ in range(4)])
    return np.concatenate([a, a, b, a])


def _chained(rng) -> np.ndarray:
    return np.concatenate([_bar(rng) for _ in range(16)])


def test_bar_similarity_sees_repeats():
    rng = np.random.default_rng(0)
    tune = _aaba(rng)
    m = bar_similarity(tune)
    assert m.shape == (16, 16) and np.allclose(np.diag(m), 1.0) and np.allclose(m, m.T)
    assert m[0, 4] == 1.0 and m[0, 12] == 1.0 and m[0, 8] < 1.0  # A returns; B differs
    assert repetition_vector(tune).shape == (16 * 15 // 2,)
    assert bar_similarity(tune[:40]).shape == (2, 2)  # whole bars only


def test_repetition_oa_prefers_the_same_structure():
    rng = np.random.default_rng(1)
    data = np.stack([_aaba(rng) for _ in range(60)])
    like = np.stack([_aaba(rng) for _ in range(60)])
    chained = np.stack([_chained(rng) for _ in range(60)])
    same = repetition_oa(data, like)["oa"]
    other = repetition_oa(data, chained)["oa"]
    assert same > 0.7 and other < 0.3 and same > other + 0.4, (same, other)
    with pytest.raises(ValueError, match="same number of bars"):
        repetition_oa(data, chained[:, :128])
