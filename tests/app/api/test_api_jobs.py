"""Long work as jobs: 202 and a job id, progress, result (per candidate), cancel."""
import time

from api_helpers import chorale_song, melody_song, mid_file, note_rows

from latentroll.core.song import PPQ

BAR = 4 * PPQ


def wait(client, job_id: str, timeout: float = 120.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        status = client.get(f"/jobs/{job_id}").json()
        if status["state"] in ("done", "failed", "cancelled"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {status}")


def test_harmonize_job_gives_each_candidate_under_the_melody(client):
    r = client.post("/harmonize", files={"file": mid_file(melody_song())}, data={"candidates": "2", "seed": "1"})
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    assert r.headers["location"] == f"/jobs/{job_id}"
    status = wait(client, job_id)
    assert status["state"] == "done", status
    assert status["progress"]["done"] == status["progress"]["total"] > 0
    every = client.get(f"/jobs/{job_id}/result", params={"format": "json"}).json()["candidates"]
    assert len(every) == 2
    for song in every:
        assert [t["name"] for t in song["tracks"]] == ["Melody", "Alto", "Tenor", "Bass"]
        assert all(note_rows(t)[:, 0].max() < 2 * BAR for t in song["tracks"][1:])
    second = client.get(f"/jobs/{job_id}/result", params={"format": "json", "candidate": 2}).json()
    assert second == every[1]
    assert client.get(f"/jobs/{job_id}/result").headers["content-type"] == "audio/midi"
    assert client.get(f"/jobs/{job_id}/result", params={"candidate": 3}).status_code == 404


def test_infill_job_redraws_only_the_chosen_voices_in_the_bars(client):
    song = chorale_song(bars=4)
    r = client.post("/infill", files={"file": mid_file(song)},
                    data={"first_bar": "2", "last_bar": "3", "voices": "alto,tenor", "candidates": "1"})
    assert r.status_code == 202, r.text
    assert wait(client, r.json()["job_id"])["state"] == "done"
    out = client.get(f"/jobs/{r.json()['job_id']}/result", params={"format": "json", "candidate": 1}).json()
    assert [t["name"] for t in out["tracks"]] == ["Soprano", "Alto", "Tenor", "Bass"]
    before = {t.name: {(int(n["start"]), int(n["pitch"])) for n in t.notes} for t in song.tracks}
    for t in out["tracks"]:
        kept = {(n["start"], n["pitch"]) for n in t["notes"] if not BAR <= n["start"] < 3 * BAR}
        assert kept == {x for x in before[t["name"]] if not BAR <= x[0] < 3 * BAR}
    assert {(n["start"], n["pitch"]) for n in out["tracks"][0]["notes"]} == before["Soprano"]


def test_an_infill_that_is_not_four_voices_fails_with_the_reason(client):
    r = client.post("/infill", files={"file": mid_file(melody_song())},
                    data={"first_bar": "1", "last_bar": "1", "voices": "alto"})
    status = wait(client, r.json()["job_id"])
    assert status["state"] == "failed" and "four voices" in status["error"]
    res = client.get(f"/jobs/{r.json()['job_id']}/result")
    assert res.status_code == 422 and "four voices" in res.json()["error"]


def test_render_job_makes_a_wav(client):
    r = client.post("/render", files={"file": mid_file(melody_song())}, data={"tail": "0.5"})
    assert r.status_code == 202, r.text
    status = wait(client, r.json()["job_id"])
    assert status["state"] == "done", status
    wav = client.get(f"/jobs/{r.json()['job_id']}/result")
    assert wav.headers["content-type"] == "audio/wav" and wav.content[:4] == b"RIFF"
    seconds = (len(wav.content) - 44) / (44100 * 2 * 2)
    assert 4.0 < seconds < 5.0  # 2 bars at 120 BPM and the tail


def test_a_cancelled_job_ends_cancelled_and_has_no_result(client):
    long_song = melody_song(pitches=tuple(60 + i % 12 for i in range(400 * 4)))  # 400 bars: a long render
    job_id = client.post("/render", files={"file": mid_file(long_song)}).json()["job_id"]
    deleted = client.delete(f"/jobs/{job_id}")
    assert deleted.status_code == 200
    assert wait(client, job_id)["state"] == "cancelled"
    assert client.get(f"/jobs/{job_id}/result").status_code == 409
    assert client.delete(f"/jobs/{job_id}").json()["state"] == "cancelled"  # a finished job is forgotten
    assert client.get(f"/jobs/{job_id}").status_code == 404
