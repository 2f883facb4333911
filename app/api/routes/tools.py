"""The model tools that answer at once: generate, transfer, interpolate, grid, continue, repair.

Each runs the job function the app's panels run (``app.calls``) against the model process, in
a worker thread of the request pool (``run_in_threadpool``), never on the event loop."""
from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from latentroll.app.calls.explorer import GridRequest, InterpolateRequest, grid_clips, interpolate_clips
from latentroll.app.calls.generate import (
    GenerateRequest,
    TransferRequest,
    generate_candidates,
    generate_model,
    transfer_selection,
)
from latentroll.app.calls.phrases import PhraseRoute, model_for, route_phrase, track_bars
from latentroll.app.calls.tools import ContinueRequest, RepairRequest, continue_job, repair_job
from latentroll.app.cli.clips import clips_song
from latentroll.core.channels import free_channels
from latentroll.core.song import Song, Track

from ..app import ApiState, api_state
from ..errors import ApiError
from ..music import (
    OutFormat,
    music_body,
    music_request,
    one_file,
    pick_melody,
    read_upload,
    song_json,
    song_response,
)
from ..schemas import (
    ContinueParams,
    GenerateParams,
    GridParams,
    InterpolateParams,
    RepairParams,
    TransferParams,
    check_style,
)
from .mystyle import store as my_styles

router = APIRouter(tags=["tools"])
ONE = {"file": "one"}


def _clips(clips: list[Track], title: str, scale=None) -> Song:
    """Clips as one song, one track each (the order of the request's variations)."""
    return clips_song(clips, title, scale=scale, separate_tracks=True)


NOTES_HEADER = "X-LatentRoll-Notes"  # what a phrase request left out of its clips (``PhraseRoute.note``)


def _phrase_response(song: Song, route: PhraseRoute, fmt: OutFormat, name: str):
    """The clips, with what was cut (a clip over 16 bars, clips of different lengths) in a
    ``notes`` field (JSON) and in the ``X-LatentRoll-Notes`` header (either format)."""
    notes = [route.note] if route.note else []
    resp = JSONResponse(song_json(song) | {"notes": notes}) if fmt == "json" else song_response(song, fmt, name)
    if notes:  # headers are latin-1: the note's dashes become plain ones
        resp.headers[NOTES_HEADER] = route.note.replace("–", "-").encode("latin-1", "replace").decode("latin-1")
    return resp


@router.post("/generate", summary="new melodies from the VAE or the GAN")
def generate(params: GenerateParams, format: OutFormat = "mid", state: ApiState = Depends(api_state)):
    style = check_style(params.style, mine=my_styles(state) if params.model == "vae" else ())
    scale = params.scale()
    req = GenerateRequest(style, params.temperature, params.variations, params.bars, scale, params.seed)
    clips = state.runner.run(generate_model(params.model, req.bars, style), generate_candidates, req)
    return song_response(_clips(clips, f"LatentRoll {style or 'any style'}", scale), format, "generated")


@router.post("/transfer", summary="re-play a melody in another style (VAE)",
             openapi_extra=music_body(TransferParams, ONE))
async def transfer(request: Request, format: OutFormat = "mid", state: ApiState = Depends(api_state)):
    p, music = await music_request(request, TransferParams, tuple(ONE))
    style = check_style(p.style, allow_any=False, mine=my_styles(state))

    def work():
        song = read_upload(one_file(music))
        melody = pick_melody(song, p.track)
        new = state.runner.run(model_for("vae", track_bars(melody), style), transfer_selection,
                               TransferRequest(melody, style, p.temperature, p.scale(), p.seed))
        new.channel = free_channels(song)[0]
        out = song.copy()
        out.tracks.append(new)
        return song_response(out, format, "transferred")

    return await run_in_threadpool(work)


@router.post("/interpolate", summary="the clips between clip a and clip b (VAE)",
             openapi_extra=music_body(InterpolateParams, {"a": "one", "b": "one"}))
async def interpolate(request: Request, format: OutFormat = "mid", state: ApiState = Depends(api_state)):
    p, music = await music_request(request, InterpolateParams, ("a", "b"))

    def work():
        a = pick_melody(read_upload(one_file(music, "a")))
        b = pick_melody(read_upload(one_file(music, "b")))
        route = route_phrase({"a": track_bars(a), "b": track_bars(b)})
        req = InterpolateRequest(a, b, p.steps, p.method, p.temperature, p.scale(), p.seed, p.near_real,
                                 bars=route.bars)
        clips = state.runner.run(route.model, interpolate_clips, req)
        return _phrase_response(_clips(clips, "Interpolation", p.scale()), route, format, "interpolation")

    return await run_in_threadpool(work)


@router.post("/grid", summary="an n×n grid between four corner clips (VAE)",
             openapi_extra=music_body(GridParams, {"corners": "many"}))
async def grid(request: Request, format: OutFormat = "mid", state: ApiState = Depends(api_state)):
    p, music = await music_request(request, GridParams, ("corners",))
    if len(music.get("corners", [])) != 4:
        raise ApiError(422, "send exactly four corner clips as 'corners' (top-left, top-right, bottom-left, "
                            "bottom-right)")

    def work():
        corners = tuple(pick_melody(read_upload(u)) for u in music["corners"])
        route = route_phrase({f"corner {i + 1}": track_bars(t) for i, t in enumerate(corners)})
        rows = state.runner.run(route.model, grid_clips,
                                GridRequest(corners, p.n, p.temperature, p.scale(), bars=route.bars))
        return _phrase_response(_clips([t for row in rows for t in row], "Grid", p.scale()), route, format, "grid")

    return await run_in_threadpool(work)


@router.post("/continue", summary="continue a melody (LSTM); one track per variation",
             openapi_extra=music_body(ContinueParams, ONE))
async def continue_(request: Request, format: OutFormat = "mid", state: ApiState = Depends(api_state)):
    p, music = await music_request(request, ContinueParams, tuple(ONE))
    style = check_style(p.style)

    def work():
        song = read_upload(one_file(music))
        melody = pick_melody(song, p.track)
        ts = song.time_signature_at(max(0, melody.end_tick() - 1))
        req = ContinueRequest(melody, p.bars, p.variations, p.temperature, style, p.scale(),
                              (ts.numerator, ts.denominator), p.seed)
        conts = state.runner.run("lstm", continue_job, req)
        out = song.copy()
        out.tracks = [Track(name=f"{melody.name or 'Melody'} + continuation {i + 1}", program=melody.program,
                            channel=melody.channel, notes=np.concatenate([melody.sorted_notes(), c.notes]))
                      for i, c in enumerate(conts)]
        return song_response(out, format, "continued")

    return await run_in_threadpool(work)


@router.post("/repair", summary="fix a rough melody's wrong notes",
             openapi_extra=music_body(RepairParams, ONE))
async def repair(request: Request, format: OutFormat = "mid", state: ApiState = Depends(api_state)):
    p, music = await music_request(request, RepairParams, tuple(ONE))

    def work():
        song = read_upload(one_file(music))
        melody = pick_melody(song, p.track)
        ts = song.time_signature_at(int(melody.notes["start"].min()) if len(melody.notes) else 0)
        fixed = state.runner.run("repair", repair_job, RepairRequest(melody, p.strength, (ts.numerator, ts.denominator)))
        out = song.copy()
        out.tracks[next(i for i, t in enumerate(song.tracks) if t is melody)] = fixed
        return song_response(out, format, "repaired")

    return await run_in_threadpool(work)
