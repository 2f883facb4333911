"""``latentroll serve`` for real: a uvicorn process on a free loopback port, driven over HTTP (a
job's progress as server-sent events and a cancel, the body limit on a socket, the README's
examples); and the token rule of the command."""
import json
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from api_helpers import melody_song, midi, start_server, stop_server

from latentroll.app.api.settings import MB, is_loopback
from latentroll.app.cli import main as cli_main
from latentroll.app.cli.commands import serve as serve_command

README = Path(__file__).parents[3] / "README.md"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc, base = start_server(tmp_path_factory.mktemp("library"))
    yield base
    out = stop_server(proc)
    assert "Traceback" not in out, out


def events(response):
    """(event, data) pairs of a server-sent event stream."""
    name = None
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            yield name, json.loads(line[6:])


def test_a_job_streams_its_progress_and_can_be_cancelled_over_http(server):
    long_song = melody_song(pitches=tuple(60 + i % 12 for i in range(400 * 4)))  # a 400-bar render
    with httpx.Client(base_url=server, timeout=60) as api:
        job = api.post("/render", files={"file": ("long.mid", midi(long_song), "audio/midi")}).json()
        seen, cancel_sent = [], False
        with api.stream("GET", f"/jobs/{job['job_id']}/events") as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            for name, data in events(stream):
                seen.append((name, data["state"], data["progress"]["done"]))
                if not cancel_sent and name == "progress" and data["progress"]["done"] > 0:
                    assert api.delete(f"/jobs/{job['job_id']}").status_code == 200
                    cancel_sent = True
        assert cancel_sent
        assert seen[-1][:2] == ("cancelled", "cancelled"), seen
        progress = [done for name, state, done in seen if name == "progress" and state == "running"]
        assert progress and progress == sorted(progress)
        assert api.get(f"/jobs/{job['job_id']}").json()["state"] == "cancelled"


def test_a_job_runs_to_its_end_over_http(server):
    with httpx.Client(base_url=server, timeout=60) as api:
        job = api.post("/render", files={"file": ("tune.mid", midi(melody_song()), "audio/midi")}).json()
        with api.stream("GET", f"/jobs/{job['job_id']}/events") as stream:
            last = list(events(stream))[-1]
        assert last[0] == "done" and last[1]["result"] == f"/jobs/{job['job_id']}/result"
        assert api.get(last[1]["result"]).content[:4] == b"RIFF"


def test_the_server_stops_reading_a_50_mb_upload_at_the_limit(server):
    sent = 0

    def stream():
        nonlocal sent
        chunk = b"\0" * MB  # one chunk, sent again and again
        for i in range(50):
            if i > 11:
                time.sleep(0.1)  # past the limit: the server has time to answer and hang up
            sent += len(chunk)
            yield chunk

    try:
        r = httpx.post(f"{server}/info", content=stream(), headers={"content-type": "application/octet-stream"},
                       timeout=30)
        assert r.status_code == 413 and "limit" in r.json()["error"]
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        pass  # the server answered 413 and closed the connection while the client was still sending
    assert sent < 50 * MB
    assert httpx.get(f"{server}/health").json() == {"status": "ok"}, "and it still serves"


def readme_api_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## REST API", 1)[1].split("\n## ", 1)[0]


def test_the_readme_python_client_works(server, tmp_path, monkeypatch):
    code = re.search(r"```python\n(.*?)```", readme_api_section(), re.S).group(1)
    assert len(code.strip().splitlines()) <= 14
    monkeypatch.chdir(tmp_path)
    exec(compile(code.replace("http://127.0.0.1:8765", server), "README", "exec"), {})
    from latentroll.core.io.formats import read_song

    assert len(read_song(tmp_path / "irish.mid").tracks) == 2
    assert [t.name for t in read_song(tmp_path / "chorale.mid").tracks][-3:] == ["Alto", "Tenor", "Bass"]


def test_the_readme_curl_example_works(server, tmp_path):
    block = re.search(r"```bash\n(.*?)```", readme_api_section(), re.S).group(1)
    commands = [c for c in block.replace("\\\n", " ").splitlines() if c.strip().startswith("curl")]
    assert commands
    for command in commands:
        subprocess.run(["bash", "-c", command.replace("http://127.0.0.1:8765", server)], cwd=tmp_path, check=True,
                       timeout=120)
    from latentroll.core.io.formats import read_song

    assert len(read_song(tmp_path / "irish.mid").tracks) == 2
    assert len(read_song(tmp_path / "chinese.mid").tracks) == 3


def test_serve_makes_up_a_token_for_a_non_loopback_address(monkeypatch, capsys, tmp_path):
    got = []
    monkeypatch.setattr(serve_command, "serve", got.append)
    assert cli_main.main(["serve", "--host", "0.0.0.0", "--library", str(tmp_path)]) == 0
    token = got[0].token
    assert token and len(token) >= 20 and f"Bearer {token}" in capsys.readouterr().out
    assert cli_main.main(["serve", "--library", str(tmp_path)]) == 0
    assert got[1].token is None and got[1].host == "127.0.0.1" and got[1].port == 8765
    assert cli_main.main(["serve", "--token", "abc", "--library", str(tmp_path)]) == 0
    assert got[2].token == "abc"
    assert cli_main.main(["serve", "--port", "70000"]) == 2
    assert is_loopback("::1") and is_loopback("localhost") and not is_loopback("192.168.1.4")
