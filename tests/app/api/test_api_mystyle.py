""""My style" over HTTP: train a style on the user's melodies (a job), list, rename, delete."""
import time

import pytest
from api_helpers import melody_song, mid_file
from fastapi.testclient import TestClient

from latentroll.app.api.app import create_app
from latentroll.app.api.settings import ApiSettings


@pytest.fixture
def styled(tmp_path):
    settings = ApiSettings(library=tmp_path / "library", mystyle_folder=tmp_path / "mystyles")
    with TestClient(create_app(settings)) as c:
        yield c


def finished(client, job_id: str) -> dict:
    end = time.monotonic() + 120
    while (s := client.get(f"/jobs/{job_id}").json())["state"] in ("queued", "running"):
        assert time.monotonic() < end
        time.sleep(0.05)
    return s


def tunes(k: int):
    return [("melodies", mid_file(melody_song(tuple(p + i for p in (60, 64, 67, 72, 71, 67, 64, 62)),
                                              title=f"t{i}"), f"t{i}.mid")) for i in range(k)]


def test_train_list_rename_delete(styled):
    r = styled.post("/mystyles", files=tunes(3), data={"name": "Mine"})
    assert r.status_code == 202, r.text
    status = finished(styled, r.json()["job_id"])
    assert status["state"] == "done", status
    made = styled.get(status["result"]).json()
    assert made["name"] == "Mine" and made["melodies"] == 3
    assert [s["name"] for s in styled.get("/mystyles").json()] == ["Mine"]
    assert {"name": "Mine", "mine": True}.items() <= styled.get("/styles").json()[-1].items()
    assert styled.patch("/mystyles/Mine", json={"name": "Ours"}).json()["name"] == "Ours"
    assert styled.delete("/mystyles/Mine").status_code == 404
    assert styled.delete("/mystyles/Ours").status_code == 204
    assert styled.get("/mystyles").json() == []


def test_bad_requests_say_why(styled):
    status = finished(styled, styled.post("/mystyles", files=tunes(2), data={"name": "Few"}).json()["job_id"])
    assert status["state"] == "failed" and "3 to 50" in status["error"]
    status = finished(styled, styled.post("/mystyles", files=tunes(3), data={"name": "irish"}).json()["job_id"])
    assert status["state"] == "failed" and "built-in" in status["error"]
    assert styled.post("/mystyles", data={"name": "None"}).status_code == 422
    assert styled.patch("/mystyles/nope", json={"name": "x"}).status_code == 404
    assert styled.get("/mystyles").json() == []


def test_a_style_trained_over_http_generates_in_the_model_process(tmp_path, monkeypatch):
    """Train on fixture melodies through POST /mystyles into the server's own style folder (not the
    user's: ``LATENTROLL_MYSTYLE_DIR`` points elsewhere, at an empty folder), then POST /generate
    with that name: the model process looks in the server's folder and answers MIDI in the style."""
    import os

    from latentroll.core.io.midi import song_from_midi_bytes
    from latentroll.models.data.corpus import Corpus

    monkeypatch.setenv("LATENTROLL_MYSTYLE_DIR", str(tmp_path / "elsewhere"))
    fixture = os.path.join(os.path.dirname(__file__), "..", "..", "..", "resources", "fixtures", "corpus_small.npz")
    reels = [t for t in Corpus.load(fixture).tunes if t.style == "irish"][:4]
    files = [("melodies", mid_file(t.to_song(), f"reel{i}.mid")) for i, t in enumerate(reels)]
    settings = ApiSettings(library=tmp_path / "library", mystyle_folder=tmp_path / "server styles")
    with TestClient(create_app(settings)) as c:
        status = finished(c, c.post("/mystyles", files=files, data={"name": "Reels"}).json()["job_id"])
        assert status["state"] == "done", status
        assert (tmp_path / "server styles" / "Reels" / "style.safetensors").is_file()
        assert not (tmp_path / "elsewhere").exists()

        body = {"style": "Reels", "bars": 4, "variations": 2, "seed": 3, "temperature": 1.0}
        mine = c.post("/generate", json=body)
        assert mine.status_code == 200, mine.text
        song = song_from_midi_bytes(mine.content)
        assert len(song.tracks) == 2 and all(len(t.notes) > 0 for t in song.tracks)
        anyone = c.post("/generate", json={**body, "style": "any"})
        assert anyone.status_code == 200 and anyone.content != mine.content

        unknown = c.post("/generate", json={**body, "style": "Jigs"})
        assert unknown.status_code == 422 and "unknown style 'Jigs'" in unknown.json()["error"]
