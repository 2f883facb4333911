"""The one routing rule for phrases (app/calls/phrases.py): which model, what length, what is said."""
import pytest

from latentroll.app.calls.generate import generate_model
from latentroll.app.calls.phrases import MY_STYLE_MODEL, PHRASE_MODELS, bars_of, is_my_style, model_for, route_phrase
from latentroll.core.song import PPQ

WITH_4 = (("vae_4bar", 4), ("vae", 2))
WITH_16 = (("vae_16bar", 16), ("vae_4bar", 4), ("vae", 2))


def test_shipped_phrase_models_route_each_length_to_the_best_fitting_clip():
    assert PHRASE_MODELS == WITH_4
    for bars, model, segments in ((1, "vae", 1), (2, "vae", 1), (3, "vae_4bar", 1), (4, "vae_4bar", 1),
                                  (6, "vae", 3), (8, "vae_4bar", 2), (10, "vae", 5), (16, "vae_4bar", 4)):
        r = route_phrase({"Clip A": bars, "Clip B": bars})
        assert (r.model, r.bars, r.segments, r.note) == (model, bars, segments, "")
        assert r.ticks == bars * 4 * PPQ
    only_2 = (("vae", 2),)  # the 4-bar model still loading: the 2-bar one reads 8 bars in 4 segments
    assert route_phrase({"Clip A": 8}, only_2).segments == 4


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
    assert model_for("vae", 32) == "vae_4bar" and model_for("vae", 2) == "vae" and model_for("gan", 4) == "gan"
    assert model_for("vae", 4, "irish") == "vae_4bar" and model_for("vae", 4, "any") == "vae_4bar"
    # a user's own style lives in the 2-bar VAE's latent space: it goes there at any length
    assert is_my_style("my reels") and not is_my_style("irish") and not is_my_style(None)
    assert model_for("vae", 4, "my reels") == MY_STYLE_MODEL == "vae"


def test_generate_routes_by_length_and_style():
    assert generate_model("vae", 4) == "vae_4bar" and generate_model("vae", 2) == "vae"
    assert generate_model("vae", 8) == generate_model("vae", 16) == "structure"
    assert generate_model("vae", 8, "my reels") == "structure"   # it takes a user's style on the 2-bar VAE
    assert generate_model("vae", 4, "my reels") == "vae"
    assert generate_model("vae", 32) == "vae_4bar"               # past 16 bars: 4-bar phrases, chained
    assert generate_model("vae", 4, models=(("vae", 2),)) == "vae"
    assert generate_model("gan", 8) == "gan"
