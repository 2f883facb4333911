"""The one routing rule for phrases (app/calls/phrases.py): which model, what length, what is said."""
import pytest

from latentroll.app.calls.phrases import PHRASE_MODELS, bars_of, model_for, route_phrase
from latentroll.core.song import PPQ

WITH_4 = (("vae_4bar", 4), ("vae", 2))
WITH_16 = (("vae_16bar", 16), ("vae_4bar", 4), ("vae", 2))


def test_today_every_length_goes_through_the_two_bar_model_segment_by_segment():
    assert PHRASE_MODELS == (("vae", 2),)
    for bars, segments in ((1, 1), (2, 1), (3, 2), (8, 4), (16, 8)):
        r = route_phrase({"Clip A": bars, "Clip B": bars})
        assert (r.model, r.bars, r.segments, r.note) == ("vae", bars, segments, "")
        assert r.ticks == bars * 4 * PPQ


def test_the_model_with_least_padding_then_fewest_segments_wins():
    assert route_phrase({"A": 4}, WITH_4).model == "vae_4bar"
    assert route_phrase({"A": 8}, WITH_4).segments == 2
    assert route_phrase({"A": 3}, WITH_4).model == "vae_4bar"   # both pad one bar: one segment beats two
    assert route_phrase({"A": 6}, WITH_4).model == "vae"        # 3 × 2 bars fit; 2 × 4 would pad 2
    assert route_phrase({"A": 1}, WITH_4).model == "vae"
    assert route_phrase({"A": 16}, WITH_16).model == "vae_16bar"
    assert route_phrase({"A": 12}, WITH_16).model == "vae_4bar"


def test_long_and_unequal_clips_are_cut_with_a_note():
    r = route_phrase({"Clip A": 20, "Clip B": 16})
    assert r.bars == 16 and "Clip A is 20 bars: only its first 16 are used" in r.note and "Clip B" not in r.note
    r = route_phrase({"Clip A": 8, "Clip B": 4})
    assert r.bars == 4 and r.note == ("Clip A (8 bars) is read as 4 bars, the shortest clip's length: "
                                      "bars 5–8 are left out")
    r = route_phrase({"TL": 4, "TR": 5, "BL": 4, "BR": 4})
    assert r.bars == 4 and r.note.endswith("bar 5 is left out")
    with pytest.raises(ValueError):
        route_phrase({})


def test_bars_of_spans_and_model_for_panels():
    assert bars_of(1) == 1 and bars_of(4 * PPQ) == 1 and bars_of(4 * PPQ + 1) == 2 and bars_of(0) == 1
    assert model_for("vae", 32) == "vae" and model_for("gan", 4) == "gan"
