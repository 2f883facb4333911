"""Bad input gets a one-line JSON error with a 4xx (503 when a model cannot run), never a 500."""
import base64
import io

import pytest
from api_helpers import drum_song, melody_song, mid_file, midi
from fastapi.testclient import TestClient

from latentroll.app.api.app import create_app
from latentroll.app.api.settings import MB, ApiSettings


def error_of(r, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and body["error"]
    return body["error"]


def test_a_file_that_is_not_music_is_a_400(client):
    r = client.post("/transfer", files={"file": ("notes.mid", io.BytesIO(b"hello, not MIDI"), "audio/midi")},
                    data={"style": "irish"})
    assert "notes" in error_of(r, 400) or "MIDI" in error_of(r, 400)
    r = client.post("/info", files={"file": ("photo.png", io.BytesIO(b"\x89PNG...."), "image/png")})
    assert ".mid" in error_of(r, 400)


def test_a_truncated_midi_file_is_a_400(client):
    data = midi(melody_song())
    r = client.post("/info", files={"file": ("cut.mid", io.BytesIO(data[: len(data) // 2]), "audio/midi")})
    error_of(r, 400)


def test_bad_base64_and_a_missing_file(client):
    error_of(client.post("/transfer", json={"file": "%%%not base64", "style": "irish"}), 400)
    assert "file" in error_of(client.post("/transfer", json={"style": "irish"}), 422)
    error_of(client.post("/transfer", content=b"\x00\x01", headers={"content-type": "application/json"}), 400)


def test_a_drum_only_file_for_a_melody_endpoint_is_a_422(client):
    for path, data in (("/transfer", {"style": "irish"}), ("/continue", {}), ("/repair", {})):
        r = client.post(path, files={"file": mid_file(drum_song())}, data=data)
        assert "melody" in error_of(r, 422)
    b64 = base64.b64encode(midi(drum_song())).decode()
    error_of(client.post("/interpolate", json={"a": b64, "b": b64}), 422)


def test_unknown_styles_are_a_422(client):
    assert "choose one of" in error_of(client.post("/generate", json={"style": "polka"}), 422)
    r = client.post("/transfer", files={"file": mid_file(melody_song())}, data={"style": "any"})
    error_of(r, 422)


@pytest.mark.parametrize("field, value", [
    ("bars", -2), ("bars", 10**9), ("variations", 0), ("variations", 9), ("temperature", -0.1),
    ("temperature", 1e308), ("seed", -1), ("bars", "two"), ("model", "lstm"), ("surprise", 1),
])
def test_out_of_range_numbers_are_a_422_before_any_model_runs(client, field, value):
    assert field in error_of(client.post("/generate", json={field: value}), 422)


def test_steps_and_candidates_are_bounded(client):
    files = {"a": mid_file(melody_song()), "b": mid_file(melody_song())}
    assert "steps" in error_of(client.post("/interpolate", files=files, data={"steps": "17"}), 422)
    r = client.post("/harmonize", files={"file": mid_file(melody_song())}, data={"candidates": "9"})
    assert "candidates" in error_of(r, 422)
    assert "bars" in error_of(client.post("/generate", json={"bars": 17}), 422)  # 1-16 (any count: issue 18)


def test_a_50_mb_upload_is_a_413(client):
    """(Over a real socket the server stops reading at the limit: test_api_server.)"""
    def stream():  # one 1 MB chunk, sent again and again: no length header, so the server counts
        chunk = b"\0" * MB
        for _ in range(50):
            yield chunk

    r = client.post("/info", content=stream(), headers={"content-type": "application/octet-stream"})
    assert "limit" in error_of(r, 413)
    r = client.post("/info", content=b"x", headers={"content-length": str(50 * MB), "content-type": "text/plain"})
    error_of(r, 413)


def test_token_is_required_when_the_server_has_one(tmp_path):
    app = create_app(ApiSettings(library=tmp_path / "lib", token="s3cret"))
    with TestClient(app) as c:
        assert "token" in error_of(c.get("/health"), 401)
        error_of(c.get("/health", headers={"Authorization": "Bearer wrong"}), 401)
        error_of(c.get("/docs", headers={"Authorization": "s3cret"}), 401)
        assert c.get("/health", headers={"Authorization": "Bearer s3cret"}).json() == {"status": "ok"}


def test_missing_weights_are_a_503(tmp_path):
    empty = tmp_path / "no_weights"
    empty.mkdir()
    app = create_app(ApiSettings(library=tmp_path / "lib", model_folders={"vae": {"model": empty}}))
    with TestClient(app) as c:
        assert "weights" in error_of(c.post("/generate", json={"bars": 2}), 503)
        assert not next(m for m in c.get("/models").json() if m["key"] == "vae")["weights"]


def test_unknown_jobs_and_library_names_are_404s(client):
    error_of(client.get("/jobs/nope"), 404)
    error_of(client.get("/library/nope.mid"), 404)
    error_of(client.get("/library/..%2F..%2Fetc%2Fpasswd"), 404)
    error_of(client.delete("/library/.."), 404)
    error_of(client.get("/library/../library.db"), 404)
