"""File tools without a model: what a file holds (info) and changing its format (convert)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from latentroll.app.cli.commands.info import song_summary
from latentroll.app.runtime.file_jobs import run_file_job
from latentroll.core.io.midi import song_to_midi_bytes
from latentroll.core.io.music21_export import song_to_musicxml_bytes

from ..music import MIDI_TYPE, music_body, music_request, one_file, read_upload
from ..schemas import ConvertParams, InfoParams

router = APIRouter(tags=["files"])
ONE = {"file": "one"}
MEDIA = {"mid": MIDI_TYPE, "musicxml": "application/vnd.recordare.musicxml+xml",
         "mxl": "application/vnd.recordare.musicxml"}


@router.post("/info", summary="what a music file holds: tracks, tempo, meter, key, length",
             openapi_extra=music_body(InfoParams, ONE))
async def info(request: Request):
    p, music = await music_request(request, InfoParams, tuple(ONE))
    upload = one_file(music)

    def work():
        song = read_upload(upload, p.tune if upload.name.lower().endswith(".abc") else None)
        return JSONResponse(song_summary(song, upload.name))

    return await run_in_threadpool(work)


@router.post("/convert", summary="the file in another format (mid, musicxml, mxl)",
             openapi_extra=music_body(ConvertParams, ONE))
async def convert(request: Request):
    p, music = await music_request(request, ConvertParams, tuple(ONE))
    upload = one_file(music)

    def work():
        song = read_upload(upload, p.tune if upload.name.lower().endswith(".abc") else None)
        data = song_to_midi_bytes(song) if p.to == "mid" else run_file_job(song_to_musicxml_bytes, song, p.to == "mxl")
        return Response(data, media_type=MEDIA[p.to],
                        headers={"Content-Disposition": f'attachment; filename="converted.{p.to}"'})

    return await run_in_threadpool(work)
