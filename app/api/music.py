"""Music in and out of the API: uploads (multipart files or base64 MIDI in JSON) become core Songs
through core/io, and results go back as a ``.mid`` or as JSON notes.

core/io reads paths, so an upload is written to a temporary folder under a fixed name (never
the client's); MusicXML and ABC are parsed in the file helper process, as in the app.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Literal

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from latentroll.app.runtime.file_jobs import run_file_job
from latentroll.core.io.formats import ABC_SUFFIXES, MIDI_SUFFIXES, MUSICXML_SUFFIXES, read_song, suffix_of
from latentroll.core.io.midi import song_to_midi_bytes
from latentroll.core.song import Song, Track

from .errors import ApiError

UPLOAD_SUFFIXES = MIDI_SUFFIXES + MUSICXML_SUFFIXES + ABC_SUFFIXES
MIDI_TYPE = "audio/midi"
OutFormat = Literal["mid", "json"]


@dataclass(frozen=True)
class Upload:
    """A music file as the client sent it; ``name`` only picks the format."""

    data: bytes
    name: str = "input.mid"


def read_upload(upload: Upload, tune: int | None = None) -> Song:
    """The song in an upload (MusicFileError → 400 when it is not music or is damaged)."""
    suffix = suffix_of(upload.name) or ".mid"
    if suffix not in UPLOAD_SUFFIXES:
        raise ApiError(400, f"cannot read {Path(upload.name).name}: send a {', '.join(UPLOAD_SUFFIXES)} file")
    if not upload.data:
        raise ApiError(400, "the uploaded file is empty")
    with TemporaryDirectory(prefix="latentroll-api-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(upload.data)
        index = None if tune is None else tune - 1
        if suffix in MIDI_SUFFIXES:
            return read_song(path, index)
        return run_file_job(read_song, path, index)


def pick_melody(song: Song, track: int | None = None) -> Track:
    """The melody a melody tool works on: ``track``, else the first pitched track with notes."""
    if track is not None:
        if not 0 <= track < len(song.tracks):
            raise ApiError(422, f"no track {track}: the file has {len(song.tracks)} track(s)")
        chosen = song.tracks[track]
        if chosen.is_drum:
            raise ApiError(422, f"track {track} is a drum track; send a melody")
        return chosen
    for t in song.tracks:
        if len(t.notes) and not t.is_drum:
            return t
    raise ApiError(422, "the file has no pitched track with notes (drums only, or empty); send a melody")


# ---- requests ---------------------------------------------------------------------------------

async def music_request(request: Request, params: type[BaseModel],
                        files: tuple[str, ...]) -> tuple[BaseModel, dict[str, list[Upload]]]:
    """The request's parameters (validated by ``params`` → 422) and its music files.

    multipart/form-data: each name in ``files`` is a file field (a list field may repeat), the
    other fields are parameters. JSON: the same names hold base64 MIDI (a string, or a list)."""
    kind = request.headers.get("content-type", "")
    music: dict[str, list[Upload]] = {}
    if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form(max_files=16, max_fields=64)
        fields: dict[str, object] = {}
        for key, value in form.multi_items():
            if key in files:
                if not isinstance(value, UploadFile):
                    raise ApiError(400, f"{key} must be a file upload")
                music.setdefault(key, []).append(Upload(await value.read(), value.filename or "input.mid"))
            elif isinstance(value, str):
                fields[key] = value
    else:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(400, "send multipart/form-data with a music file, or a JSON object") from None
        if not isinstance(body, dict):
            raise ApiError(400, "the JSON body must be an object")
        fields = {k: v for k, v in body.items() if k not in files}
        for key in files:
            if key in body:
                items = body[key] if isinstance(body[key], list) else [body[key]]
                music[key] = [Upload(_b64(key, item)) for item in items]
    try:
        parsed = params.model_validate(fields)
    except ValidationError as exc:
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError(exc.errors()) from None
    return parsed, music


def one_file(music: dict[str, list[Upload]], name: str = "file") -> Upload:
    got = music.get(name, [])
    if len(got) != 1:
        raise ApiError(422, f"send one music file as {name!r} (a multipart file, or base64 MIDI in JSON)")
    return got[0]


def _b64(key: str, item: object) -> bytes:
    if not isinstance(item, str):
        raise ApiError(400, f"{key} must be base64-encoded MIDI")
    try:
        return base64.b64decode(item, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, f"{key} is not valid base64") from None


def music_body(params: type[BaseModel], files: dict[str, str]) -> dict:
    """OpenAPI for a request that takes music: the parameters plus file fields, as multipart or
    JSON (``files``: field name → "one" or "many")."""
    schema = params.model_json_schema()
    props = dict(schema.get("properties", {}))
    multipart, js = dict(props), dict(props)
    for name, count in files.items():
        one = {"type": "string", "format": "binary"}
        multipart[name] = one if count == "one" else {"type": "array", "items": one}
        b64 = {"type": "string", "format": "byte", "description": "base64 MIDI"}
        js[name] = b64 if count == "one" else {"type": "array", "items": b64}
    required = list(files)
    return {"requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": multipart, "required": required}},
        "application/json": {"schema": {"type": "object", "properties": js, "required": required}},
    }}}


# ---- responses --------------------------------------------------------------------------------

def song_json(song: Song) -> dict:
    """A song as JSON notes: times in ticks at ``ppq`` per quarter note."""
    ts, key = song.time_signature, song.key
    return {
        "title": song.title, "ppq": song.ppq, "tempo_bpm": song.bpm,
        "time_signature": f"{ts.numerator}/{ts.denominator}", "key": {"tonic": key.tonic, "mode": key.mode},
        "tracks": [track_json(t) for t in song.tracks],
    }


def track_json(track: Track) -> dict:
    notes = track.sorted_notes()
    return {
        "name": track.name, "program": track.program, "channel": track.channel, "is_drum": track.is_drum,
        "notes": [{"start": int(n["start"]), "pitch": int(n["pitch"]), "duration": int(n["duration"]),
                   "velocity": int(n["velocity"])} for n in notes],
    }


def song_response(song: Song, fmt: OutFormat, name: str = "latentroll") -> Response:
    if fmt == "json":
        return JSONResponse(song_json(song))
    return Response(song_to_midi_bytes(song), media_type=MIDI_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}.mid"'})


def songs_response(songs: list[Song], fmt: OutFormat, name: str = "latentroll") -> Response:
    """Several results (candidates): JSON lists them all; MIDI is one file per song, so a list
    of several is refused with the way to get one (``candidate``)."""
    if fmt == "json":
        return JSONResponse({"candidates": [song_json(s) for s in songs]})
    return song_response(songs[0], fmt, name)
