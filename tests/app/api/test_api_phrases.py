"""Phrases over HTTP: /interpolate and /grid read the clips at their length (two 8-bar files give
8-bar clips, not 2), a clip over 16 bars is cut with a ``notes`` field and header, and /generate
takes an odd bar count from the VAE."""
from api_helpers import melody_song, mid_file

from latentroll.core.song import PPQ

BAR = 4 * PPQ
SCALE = (60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62)


def _tune(bars: int, shift: int = 0):
    return melody_song(tuple(SCALE[(i + shift) % len(SCALE)] for i in range(4 * bars)))


def _spans(tracks) -> list[int]:
    """Where each clip's last note starts (ticks)."""
    return [max(n["start"] for n in t["notes"]) for t in tracks if t["notes"]]


def test_two_eight_bar_files_give_eight_bar_interpolants(client):
    r = client.post("/interpolate", files={"a": mid_file(_tune(8), "a.mid"), "b": mid_file(_tune(8, 5), "b.mid")},
                    data={"steps": "3"}, params={"format": "json"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [t["name"] for t in body["tracks"]] == ["A", "Step 1", "B"] and body["notes"] == []
    spans = _spans(body["tracks"])
    assert len(spans) == 3 and all(s < 8 * BAR for s in spans) and max(spans) >= 6 * BAR, spans
    corners = [("corners", mid_file(_tune(8, i), f"c{i}.mid")) for i in range(4)]
    r = client.post("/grid", files=corners, data={"n": "2"}, params={"format": "json"})
    assert r.status_code == 200, r.text
    spans = _spans(r.json()["tracks"])
    assert all(s < 8 * BAR for s in spans) and max(spans) >= 6 * BAR, spans


def test_a_clip_over_sixteen_bars_is_cut_with_a_note(client):
    r = client.post("/interpolate", files={"a": mid_file(_tune(20), "a.mid"), "b": mid_file(_tune(20, 3), "b.mid")},
                    data={"steps": "2"})
    assert r.status_code == 200, r.text
    assert "first 16" in r.headers["X-LatentRoll-Notes"]
    r = client.post("/interpolate", files={"a": mid_file(_tune(20), "a.mid"), "b": mid_file(_tune(20, 3), "b.mid")},
                    data={"steps": "2"}, params={"format": "json"})
    assert len(r.json()["notes"]) == 1 and "first 16" in r.json()["notes"][0]
    assert all(s < 16 * BAR for s in _spans(r.json()["tracks"]))


def test_generate_takes_an_odd_bar_count(client):
    r = client.post("/generate", json={"bars": 3, "variations": 1, "seed": 1}, params={"format": "json"})
    assert r.status_code == 200, r.text
    assert all(s < 3 * BAR for s in _spans(r.json()["tracks"]))
    assert client.post("/generate", json={"bars": 17}).status_code == 422


def test_generate_of_eight_to_sixteen_bars_runs_the_phrase_structure_model(client, spy_keys):
    """A 16-bar melody request goes to the structure model (repeats and form), a 4-bar one to the
    4-bar VAE, a 2-bar one to the 2-bar VAE; each comes back at its length."""
    from latentroll.app.api.runner import ModelRunner

    asked = spy_keys(ModelRunner, "run")
    for bars in (16, 4, 2):
        r = client.post("/generate", json={"bars": bars, "variations": 2, "seed": 3}, params={"format": "json"})
        assert r.status_code == 200, r.text
        spans = _spans(r.json()["tracks"])
        assert len(spans) == 2 and all(bars // 2 * BAR < s < bars * BAR for s in spans), (bars, spans)
    assert asked == ["structure", "vae_4bar", "vae"]
