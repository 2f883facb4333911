"""The music library over HTTP: upload, list/search/page, get, change, delete, more like this."""
import io

from api_helpers import drum_song, melody_song, mid_file, midi


def upload(client, song, **fields):
    data = {k: str(v) for k, v in fields.items()}
    r = client.post("/library", files={"file": mid_file(song, f"{song.title}.mid")}, data=data)
    assert r.status_code == 201, r.text
    return r.json()


def test_upload_list_search_and_page(client):
    a = upload(client, melody_song(title="Morning"), style="irish", tags="reel, fast")
    b = upload(client, melody_song((72, 71, 69, 67, 65, 64, 62, 60), title="Evening"), style="chinese")
    upload(client, melody_song(title="Noon"), favourite="true")
    assert a["title"] == "Morning" and a["tags"] == ["reel", "fast"] and a["source"] == "api"
    listing = client.get("/library").json()
    assert {e["file"] for e in listing["items"]} >= {a["file"], b["file"]} and not listing["more"]
    assert [e["title"] for e in client.get("/library", params={"text": "even"}).json()["items"]] == ["Evening"]
    assert [e["title"] for e in client.get("/library", params={"tag": "reel"}).json()["items"]] == ["Morning"]
    assert [e["title"] for e in client.get("/library", params={"style": "chinese"}).json()["items"]] == ["Evening"]
    assert [e["title"] for e in client.get("/library", params={"favourite": True}).json()["items"]] == ["Noon"]
    first = client.get("/library", params={"limit": 2}).json()
    rest = client.get("/library", params={"limit": 2, "offset": 2}).json()
    assert first["more"] and not rest["more"]
    assert len({e["file"] for e in first["items"] + rest["items"]}) == 3


def test_get_music_patch_and_delete(client):
    e = upload(client, melody_song(title="Tune"))
    assert client.get(f"/library/{e['file']}").json() == e
    mid = client.get(f"/library/{e['file']}/music")
    assert mid.content == midi(melody_song(title="Tune")), "the bytes as uploaded"
    notes = client.get(f"/library/{e['file']}/music", params={"format": "json"}).json()["tracks"][0]["notes"]
    assert [n["pitch"] for n in notes] == [60, 62, 64, 65, 67, 65, 64, 62]
    changed = client.patch(f"/library/{e['file']}", json={"tags": ["a", "b"], "style": "fiddle", "favourite": True,
                                                          "title": "Renamed"}).json()
    assert (changed["tags"], changed["style"], changed["favourite"], changed["title"]) == (["a", "b"], "fiddle", True,
                                                                                           "Renamed")
    assert changed["file"] != e["file"] and client.get(f"/library/{e['file']}").status_code == 404
    assert client.patch(f"/library/{changed['file']}", json={"favourite": "maybe"}).status_code == 422
    assert client.delete(f"/library/{changed['file']}").status_code == 204
    assert client.get(f"/library/{changed['file']}").status_code == 404
    assert client.get("/library").json()["items"] == []


def test_uploads_that_are_not_music_or_have_no_notes_are_refused(client):
    r = client.post("/library", files={"file": ("x.mid", io.BytesIO(b"MThd nope"), "audio/midi")})
    assert r.status_code == 400 and "error" in r.json()
    empty = melody_song(())
    r = client.post("/library", files={"file": mid_file(empty)})
    assert r.status_code == 400 and "no notes" in r.json()["error"]
    assert client.get("/library").json()["items"] == []


def test_a_hostile_title_stays_inside_the_library(client, settings):
    e = upload(client, melody_song(), title="../../outside")
    assert "/" not in e["file"] and (settings.library / e["file"]).is_file()
    assert not (settings.library.parent / "outside.mid").exists()


def test_more_like_this_finds_the_nearest_melody_first(client):
    up = (60, 62, 64, 65, 67, 69, 71, 72)
    q = upload(client, melody_song(up, title="Query"))
    near = upload(client, melody_song(tuple(p + 2 for p in up), title="Near"))
    upload(client, melody_song((84, 60, 79, 55, 88, 50, 81, 53), title="Far"))
    upload(client, drum_song(), title="Beat")  # no melody: never a neighbour
    r = client.get(f"/library/{q['file']}/similar", params={"k": 5})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["entry"]["title"] for i in items][0] == "Near"
    assert {i["entry"]["title"] for i in items} == {"Near", "Far"}
    assert items[0]["score"] >= items[-1]["score"]
    assert client.get(f"/library/{q['file']}/similar", params={"style": "irish"}).json()["items"] == []
    beat = next(e for e in client.get("/library").json()["items"] if e["title"] == "Beat")
    assert client.get(f"/library/{beat['file']}/similar").status_code == 422
    assert near["file"] != q["file"]
