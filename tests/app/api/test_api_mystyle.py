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
