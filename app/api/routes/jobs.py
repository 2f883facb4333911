"""Long work as jobs: harmonize, infill and render answer 202 with a job id; the job's state,
its progress as server-sent events, its result and cancel are under ``/jobs/{id}``."""
from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from tempfile import TemporaryDirectory

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from latentroll.app.calls.tools import HarmonizeRequest, InfillRequest, harmonize_job, infill_job
from latentroll.core.audio.render import RenderOptions, render_to_wav
from latentroll.core.song import Song

from ..app import ApiState, api_state
from ..errors import ApiError
from ..jobs import DONE, FINISHED, Job
from ..music import OutFormat, music_body, music_request, one_file, pick_melody, read_upload, song_json, song_response
from ..schemas import VOICES, HarmonizeParams, InfillParams, RenderParams

router = APIRouter(tags=["jobs"])
ONE = {"file": "one"}
EVENT_POLL_S = 0.05
HEARTBEAT_S = 10.0


def accepted(job: Job) -> JSONResponse:
    return JSONResponse({"job_id": job.id, "status": f"/jobs/{job.id}", "events": f"/jobs/{job.id}/events"},
                        status_code=202, headers={"Location": f"/jobs/{job.id}"})


def _songs(songs: list[Song]) -> dict:
    return {"songs": songs}


@router.post("/harmonize", status_code=202, summary="job: harmonize a melody in four parts (chorale CNN)",
             openapi_extra=music_body(HarmonizeParams, ONE))
async def harmonize(request: Request, state: ApiState = Depends(api_state)):
    p, music = await music_request(request, HarmonizeParams, tuple(ONE))
    upload = one_file(music)
    state.runner.service("cnn")  # missing weights: 503 now, not a failed job later

    def work(progress, cancel: threading.Event):
        song = read_upload(upload)
        melody = pick_melody(song, p.track)
        req = HarmonizeRequest(melody, p.candidates, p.temperature, p.scale(), p.seed, p.voice_leading)
        songs = []
        for voices in state.runner.run("cnn", harmonize_job, req, progress, cancel):
            out = song.copy()
            out.tracks += voices
            songs.append(out)
        return _songs(songs)

    return accepted(state.jobs.submit("harmonize", work))


@router.post("/infill", status_code=202, summary="job: redraw voices of a four-part passage (chorale CNN)",
             openapi_extra=music_body(InfillParams, ONE))
async def infill(request: Request, state: ApiState = Depends(api_state)):
    p, music = await music_request(request, InfillParams, tuple(ONE))
    if p.last_bar < p.first_bar:
        raise ApiError(422, "last_bar must not come before first_bar")
    upload = one_file(music)
    state.runner.service("cnn")

    def work(progress, cancel: threading.Event):
        song = read_upload(upload)
        if p.first_bar > song.bar_count():
            raise ApiError(422, f"the piece has {song.bar_count()} bars; first_bar is {p.first_bar}")
        svc = state.runner.service("cnn", cancel)
        tracks = svc.voice_tracks(song)  # four pitched voices, else ChoraleError (422)
        slots = [i for i, t in enumerate(song.tracks) if not t.is_drum and len(t.notes)]
        order = svc.voice_order(tracks)
        roles = sorted({VOICES.index(v) for v in p.voices})
        last = min(p.last_bar, song.bar_count())
        req = InfillRequest(tuple(tracks), song.bar_start(p.first_bar - 1), song.bar_start(last),
                            tuple(order[r] for r in roles), p.candidates, p.temperature, p.scale(), p.seed,
                            p.voice_leading)
        songs = []
        for new in state.runner.run("cnn", infill_job, req, progress, cancel):
            out = song.copy()
            for slot, track in zip(slots, new):
                out.tracks[slot] = track
            songs.append(out)
        return _songs(songs)

    return accepted(state.jobs.submit("infill", work))


@router.post("/render", status_code=202, summary="job: render a song to a WAV file (FluidSynth)",
             openapi_extra=music_body(RenderParams, ONE))
async def render(request: Request, state: ApiState = Depends(api_state)):
    p, music = await music_request(request, RenderParams, tuple(ONE))
    upload = one_file(music)
    options = RenderOptions(sample_rate=p.sample_rate, bits=p.bits, tail_seconds=p.tail, gain=p.gain,
                            effects=p.effects)

    def work(progress, cancel: threading.Event):
        song = read_upload(upload)
        with TemporaryDirectory(prefix="latentroll-api-") as folder:
            path = Path(folder) / "render.wav"
            render_to_wav(song, path, options, progress=progress, cancel=cancel)
            return {"wav": path.read_bytes()}

    return accepted(state.jobs.submit("render", work))


# ---- the jobs ---------------------------------------------------------------------------------

def _job(state: ApiState, job_id: str) -> Job:
    job = state.jobs.get(job_id)
    if job is None:
        raise ApiError(404, f"no job {job_id!r} (finished jobs are kept for a while, then forgotten)")
    return job


@router.get("/jobs/{job_id}", summary="a job's state, progress and result link")
def job_status(job_id: str, state: ApiState = Depends(api_state)) -> dict:
    return _job(state, job_id).status()


@router.get("/jobs/{job_id}/result", summary="a finished job's result: .mid / JSON notes, or the WAV")
def job_result(job_id: str, format: OutFormat = "mid",
               candidate: int | None = Query(None, ge=1, le=8, description="which candidate (default: all in "
                                                                         "JSON, the first as .mid)"),
               state: ApiState = Depends(api_state)):
    job = _job(state, job_id)
    if job.state != DONE:
        if job.error is not None:
            raise ApiError(job.error_status or 500, job.error)
        raise ApiError(409, f"job {job_id} is {job.state}; its result is not ready")
    result = job.result
    if "json" in result:
        return JSONResponse(result["json"])
    if "wav" in result:
        return Response(result["wav"], media_type="audio/wav",
                        headers={"Content-Disposition": 'attachment; filename="render.wav"'})
    songs = result["songs"]
    if format == "json" and candidate is None:
        return JSONResponse({"candidates": [song_json(s) for s in songs]})
    candidate = candidate or 1
    if candidate > len(songs):
        raise ApiError(404, f"the job made {len(songs)} candidate(s); there is no candidate {candidate}")
    return song_response(songs[candidate - 1], format, f"{job.kind}-{candidate}")


@router.delete("/jobs/{job_id}", summary="cancel a job (or forget a finished one)")
def cancel_job(job_id: str, state: ApiState = Depends(api_state)) -> dict:
    job = _job(state, job_id)
    if job.finished:
        state.jobs.forget(job_id)
        return job.status()
    state.jobs.cancel(job_id)
    return job.status()


@router.get("/jobs/{job_id}/events", summary="server-sent events: the job's progress until it ends")
async def job_events(job_id: str, request: Request, state: ApiState = Depends(api_state)):
    job = _job(state, job_id)

    async def stream():
        seen, quiet = -1, 0.0
        while True:
            version, status = job.version, job.status()
            if version != seen:
                seen, quiet = version, 0.0
                name = status["state"] if status["state"] in FINISHED else "progress"
                yield f"event: {name}\ndata: {json.dumps(status)}\n\n"
                if status["state"] in FINISHED:
                    return
            elif quiet >= HEARTBEAT_S:
                quiet = 0.0
                yield ": still working\n\n"
            if await request.is_disconnected():
                return
            await asyncio.sleep(EVENT_POLL_S)
            quiet += EVENT_POLL_S

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
