"""Key estimation: the key signature written for generated music."""
import numpy as np
import pytest

from latentroll.core.theory import SCALE_STEPS, estimate_key


@pytest.mark.parametrize("tonic", range(12))
@pytest.mark.parametrize("mode", ["major", "minor"])
def test_a_scale_played_with_its_tonic_stressed_is_recognised(tonic, mode):
    steps = np.array(SCALE_STEPS["harmonic_minor" if mode == "minor" else "major"])
    pitches = 60 + tonic + np.concatenate([steps, [0, 0, 7, 0, 4 if mode == "major" else 3]])
    durations = np.full(len(pitches), 240)
    durations[-5:] = 960  # tonic, fifth and third held: a cadence
    assert estimate_key(pitches, durations) == (tonic, mode)


def test_a_g_major_tune_is_not_read_as_c_major():
    # "GABc d2 B2 | c2 A2 B2 G2 | A2 F#2 G4": the F sharp decides between C and G
    pitches = np.array([67, 69, 71, 72, 74, 71, 72, 69, 71, 67, 69, 66, 67])
    durations = np.array([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 4]) * 240
    assert estimate_key(pitches, durations) == (7, "major")


def test_no_notes_or_a_flat_histogram_falls_back_to_c_major():
    assert estimate_key(np.zeros(0, dtype=int)) == (0, "major")
    assert estimate_key(np.arange(60, 72)) == (0, "major")
