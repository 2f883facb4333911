""""My style" (``models.mystyle``): the user's own styles, fitted on 3-50 of their melodies.
List, train (a job), rename, delete; a style's name then works as ``style`` for the VAE."""
from __future__ import annotations

import threading

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import Field

from latentroll.models.mystyle.store import MAX_MELODIES, MyStyleInfo, MyStyleStore
from latentroll.models.mystyle.train import train_my_style

from ..app import ApiState, api_state
from ..errors import ApiError
from ..music import music_body, music_request, pick_melody, read_upload
from ..schemas import Params
from .jobs import accepted

router = APIRouter(prefix="/mystyles", tags=["my style"])


class TrainParams(Params):
    name: str = Field(..., min_length=1, max_length=40)


class RenameParams(Params):
    name: str = Field(..., min_length=1, max_length=40)


def store(state: ApiState) -> MyStyleStore:
    """The user's styles (``name in store(state)`` asks whether a name is one)."""
    return MyStyleStore(state.settings.mystyle_folder)


def _json(info: MyStyleInfo) -> dict:
    return {"name": info.name, "description": info.description, "base_style": info.base_style,
            "melodies": info.melodies, "windows": info.windows, "created": info.created}


@router.get("", summary="your styles")
def list_styles(state: ApiState = Depends(api_state)) -> list[dict]:
    return [_json(i) for i in store(state).list()]


@router.post("", status_code=202, summary="job: fit a new style on 3-50 melodies",
             openapi_extra=music_body(TrainParams, {"melodies": "many"}))
async def train(request: Request, state: ApiState = Depends(api_state)):
    p, music = await music_request(request, TrainParams, ("melodies",))
    uploads = music.get("melodies", [])
    if not 1 <= len(uploads) <= MAX_MELODIES:
        raise ApiError(422, f"send 3 to {MAX_MELODIES} melodies as 'melodies'")
    state.runner.service("vae")  # missing weights: 503 now

    def work(progress, cancel: threading.Event):
        melodies = [pick_melody(read_upload(u)) for u in uploads]
        info = train_my_style(p.name, melodies, state.runner.service("vae", cancel), store(state), progress, cancel)
        return {"json": _json(info)}

    return accepted(state.jobs.submit("mystyle", work))


@router.patch("/{name}", summary="rename a style")
def rename(name: str, change: RenameParams, state: ApiState = Depends(api_state)) -> dict:
    s = store(state)
    if name not in s:
        raise ApiError(404, f"no style named {name!r}")
    return _json(s.rename(name, change.name))


@router.delete("/{name}", status_code=204, summary="delete a style")
def delete(name: str, state: ApiState = Depends(api_state)):
    s = store(state)
    if name not in s:
        raise ApiError(404, f"no style named {name!r}")
    s.delete(name)
    return Response(status_code=204)
