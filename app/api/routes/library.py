"""The user's music library (``core.library.MusicLibrary``, the one the app's Library panel shows):
list and search, upload, get, change, delete, and "more like this" by VAE latent.

Clients name a piece by its library file name; every name goes through the library's own lookup
(``entry``), so ``../x`` or any name not in the catalogue is a 404, never a path."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from latentroll.app.calls.library import encode_latents
from latentroll.core.io.formats import MIDI_SUFFIXES, suffix_of
from latentroll.core.library import LibraryEntry, LibraryError, MusicLibrary, describe_song

from ..app import ApiState, api_state
from ..errors import ApiError
from ..music import (
    MIDI_TYPE,
    OutFormat,
    Upload,
    music_body,
    music_request,
    one_file,
    read_upload,
    song_response,
)
from ..runner import ModelRunner
from ..schemas import LibraryPatch, LibraryUploadParams

router = APIRouter(prefix="/library", tags=["library"])
LATENT_MODEL = "vae"
MAX_BACKFILL = 500  # latents computed in one "more like this" request, at most


def _entry(lib: MusicLibrary, file: str) -> LibraryEntry:
    try:
        return lib.entry(file)
    except LibraryError:
        raise ApiError(404, f"no piece {file!r} in the library") from None


def _json(entry: LibraryEntry) -> dict:
    return entry.to_json()


@router.get("", summary="list or search the library (paged)")
def list_library(text: str = Query("", max_length=200), style: str | None = Query(None, max_length=40),
                 tag: str | None = Query(None, max_length=40), key: str | None = Query(None, max_length=40),
                 favourite: bool = False, offset: int = Query(0, ge=0, le=10**7), limit: int = Query(50, ge=1, le=500),
                 state: ApiState = Depends(api_state)) -> dict:
    found = state.library.search(text, tag, style, favourite, key, offset + limit + 1)
    page = found[offset:offset + limit]
    return {"items": [_json(e) for e in page], "offset": offset, "limit": limit,
            "more": len(found) > offset + limit}


@router.post("", status_code=201, summary="add a music file to the library",
             openapi_extra=music_body(LibraryUploadParams, {"file": "one"}))
async def upload(request: Request, state: ApiState = Depends(api_state)):
    p, music = await music_request(request, LibraryUploadParams, ("file",))
    got = one_file(music)

    def work():
        song = read_upload(got)  # 400 unless it is music
        title = p.title.strip() or _stem(got) or song.title
        lib = state.library
        if suffix_of(got.name) in MIDI_SUFFIXES and song.note_count():
            entry = lib.add_file(got.data, title, p.style, p.tags, source="api", favourite=p.favourite,
                                 described=describe_song(song))
        else:
            entry = lib.add(song, title, p.style, p.tags, source="api", favourite=p.favourite)
        fill_latents(lib, state.runner, [entry.file])
        return JSONResponse(_json(entry), status_code=201, headers={"Location": f"/library/{entry.file}"})

    return await run_in_threadpool(work)


def _stem(upload: Upload) -> str:
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    return "" if name == "input.mid" else stem


@router.get("/{file}", summary="one piece's catalogue entry")
def get_entry(file: str, state: ApiState = Depends(api_state)) -> dict:
    return _json(_entry(state.library, file))


@router.get("/{file}/music", summary="one piece's music: the .mid as saved, or JSON notes")
def get_music(file: str, format: OutFormat = "mid", state: ApiState = Depends(api_state)):
    entry = _entry(state.library, file)
    if format == "json":
        return song_response(state.library.load(entry.file), format)
    return Response(state.library.path_of(entry.file).read_bytes(), media_type=MIDI_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="library.mid"'})


@router.patch("/{file}", summary="change title, style, tags or favourite (a new title renames the file)")
def patch_entry(file: str, change: LibraryPatch, state: ApiState = Depends(api_state)) -> dict:
    lib = state.library
    entry = _entry(lib, file)
    if change.style is not None:
        entry = lib.set_style(entry.file, change.style)
    if change.tags is not None:
        entry = lib.set_tags(entry.file, change.tags)
    if change.favourite is not None:
        entry = lib.set_favourite(entry.file, change.favourite)
    if change.title is not None:
        entry = lib.rename(entry.file, change.title)
    return _json(entry)


@router.delete("/{file}", status_code=204, summary="remove a piece and its file")
def delete_entry(file: str, state: ApiState = Depends(api_state)) -> Response:
    entry = _entry(state.library, file)
    state.library.delete(entry.file)
    return Response(status_code=204)


@router.get("/{file}/similar", summary="more like this: the nearest pieces by VAE latent (cosine)")
def similar(file: str, k: int = Query(10, ge=1, le=100), style: str | None = Query(None, max_length=40),
            key: str | None = Query(None, max_length=40), tag: list[str] = Query([], max_length=10),
            state: ApiState = Depends(api_state)) -> dict:
    lib = state.library
    entry = _entry(lib, file)
    fill_latents(lib, state.runner, lib.latents_to_compute(LATENT_MODEL)[:MAX_BACKFILL])
    if lib.latent(entry.file, LATENT_MODEL) is None:
        raise ApiError(422, f"{entry.file!r} has no melody the VAE can read (drums only, or no notes in its "
                            "first two bars)")
    hits = lib.similar(entry.file, LATENT_MODEL, k, style, key, tag)
    return {"query": _json(entry), "items": [{"entry": _json(e), "score": round(float(s), 4)} for e, s in hits]}


def fill_latents(lib: MusicLibrary, runner: ModelRunner, files: list[str]) -> int:
    """Store the VAE latent of each of ``files`` as the app does (``app.calls.library``: its
    melody's first two bars); a piece the VAE cannot read is marked and not tried again until its
    file changes. Runs in a worker thread; the model runs in the model process."""
    if not files or not runner.weights_present(LATENT_MODEL):
        return 0
    return encode_latents(runner.service(LATENT_MODEL), lib, files, LATENT_MODEL).encoded
