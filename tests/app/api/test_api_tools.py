"""The model tools and file tools over HTTP (TestClient): each runs the app's job function in the
model process and answers a .mid or JSON notes."""
import base64
import io
from pathlib import Path

from api_helpers import chorale_song, melody_song, mid_file, midi, note_rows

from latentroll.core.io.midi import read_midi
from latentroll.core.song import PPQ

BAR = 4 * PPQ


def read_mid_bytes(data: bytes, tmp_path: Path):
    path = tmp_path / "out.mid"
    path.write_bytes(data)
    return read_midi(path)


def test_health_models_styles_and_docs(client):
    assert client.get("/health").json() == {"status": "ok"}
    models = {m["key"]: m for m in client.get("/models").json()}
    assert models["vae"]["weights"] and "generate" in models["vae"]["tools"]
    assert "harmonize" in models["cnn"]["tools"]
    assert "irish" in {s["name"] for s in client.get("/styles").json()}
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/generate", "/transfer", "/interpolate", "/grid", "/continue", "/repair", "/harmonize", "/infill",
                 "/render", "/convert", "/info", "/library", "/library/{file}/similar", "/jobs/{job_id}/events"):
        assert path in paths
    assert "multipart/form-data" in paths["/transfer"]["post"]["requestBody"]["content"]


def test_generate_is_seeded_per_request_and_answers_midi_or_json_notes(client, tmp_path):
    ask = {"model": "vae", "style": "irish", "bars": 2, "variations": 2, "temperature": 1.0, "seed": 11}
    first = client.post("/generate", json=ask, params={"format": "json"})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["ppq"] == PPQ and len(body["tracks"]) == 2
    for track in body["tracks"]:
        rows = note_rows(track)
        assert len(rows) > 0 and rows[:, 0].max() < 2 * BAR
    again = client.post("/generate", json=ask, params={"format": "json"}).json()
    assert again["tracks"] == body["tracks"], "the same seed gives the same clips"
    other = client.post("/generate", json={**ask, "seed": 12}, params={"format": "json"}).json()
    assert other["tracks"] != body["tracks"]
    mid = client.post("/generate", json={**ask, "key": "D dorian"})
    assert mid.headers["content-type"] == "audio/midi"
    assert len(read_mid_bytes(mid.content, tmp_path).tracks) == 2


def test_generate_with_the_gan(client):
    r = client.post("/generate", json={"model": "gan", "bars": 1, "variations": 1, "seed": 1}, params={"format": "json"})
    assert r.status_code == 200, r.text
    assert 0 < note_rows(r.json()["tracks"][0])[:, 0].max() < BAR


def test_transfer_adds_the_melody_in_the_new_style_as_a_track(client):
    r = client.post("/transfer", files={"file": mid_file(melody_song())}, data={"style": "chinese", "seed": "3"},
                    params={"format": "json"})
    assert r.status_code == 200, r.text
    tracks = r.json()["tracks"]
    assert len(tracks) == 2 and tracks[0]["name"] == "Melody"
    new = note_rows(tracks[1])
    assert len(new) and new[:, 0].min() >= 0 and new[:, 0].max() < 2 * BAR
    assert tracks[1]["channel"] != tracks[0]["channel"]


def test_base64_json_input_works_like_an_upload(client):
    b64 = base64.b64encode(midi(melody_song())).decode()
    r = client.post("/transfer", json={"file": b64, "style": "irish"}, params={"format": "json"})
    assert r.status_code == 200, r.text
    assert len(r.json()["tracks"]) == 2


def test_interpolate_and_grid(client):
    a, b = melody_song(), melody_song((72, 71, 69, 67, 65, 64, 62, 60))
    r = client.post("/interpolate", files={"a": mid_file(a, "a.mid"), "b": mid_file(b, "b.mid")},
                    data={"steps": "3"}, params={"format": "json"})
    assert r.status_code == 200, r.text
    assert [t["name"] for t in r.json()["tracks"]] == ["A", "Step 1", "B"]
    corners = [("corners", mid_file(s, f"c{i}.mid")) for i, s in enumerate((a, b, b, a))]
    r = client.post("/grid", files=corners, data={"n": "2"}, params={"format": "json"})
    assert r.status_code == 200, r.text
    assert len(r.json()["tracks"]) == 4


def test_continue_keeps_the_melody_and_adds_bars_after_it(client):
    r = client.post("/continue", files={"file": mid_file(melody_song())},
                    data={"bars": "2", "variations": "2", "seed": "5"}, params={"format": "json"})
    assert r.status_code == 200, r.text
    tracks = r.json()["tracks"]
    assert len(tracks) == 2
    for t in tracks:
        rows = note_rows(t)
        assert (rows[:8, 1] == [60, 62, 64, 65, 67, 65, 64, 62]).all()
        assert len(rows) > 8 and rows[8:, 0].min() >= 2 * BAR


def test_repair_replaces_the_melody_track(client):
    rough = melody_song((60, 62, 63, 65, 67, 66, 64, 62))
    r = client.post("/repair", files={"file": mid_file(rough)}, data={"strength": "0.8"}, params={"format": "json"})
    assert r.status_code == 200, r.text
    tracks = r.json()["tracks"]
    assert len(tracks) == 1 and 6 <= len(tracks[0]["notes"]) <= 10


def test_info_and_convert(client, tmp_path):
    r = client.post("/info", files={"file": mid_file(chorale_song())})
    assert r.status_code == 200, r.text
    info = r.json()
    assert info["notes"] == 16 and len(info["tracks"]) == 4 and info["length_bars"] == 2
    xml = client.post("/convert", files={"file": mid_file(melody_song())}, data={"to": "musicxml"})
    assert xml.status_code == 200 and b"<score-partwise" in xml.content
    back = client.post("/convert", files={"file": ("tune.musicxml", io.BytesIO(xml.content), "text/xml")},
                       data={"to": "mid"})
    assert back.status_code == 200, back.text
    song = read_mid_bytes(back.content, tmp_path)
    assert list(song.tracks[0].sorted_notes()["pitch"]) == [60, 62, 64, 65, 67, 65, 64, 62]
