"""Every error the API answers is JSON ``{"error": "one line"}`` with a 4xx (or 503 when a model
cannot run): the user errors core and the models raise map to status codes here, once."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from latentroll.app.runtime.models import ModelUnavailable
from latentroll.core.audio.errors import AudioUnavailable
from latentroll.core.audio.soundfont import SoundFontNotFound
from latentroll.core.cancel import Cancelled
from latentroll.core.io.errors import MusicFileError, one_line
from latentroll.core.theory import ScaleError
from latentroll.models.common.errors import MelodyError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A request the API refuses: ``status`` and a message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": one_line(Exception(message), 300)}, status_code=status, headers=headers)


# exception type -> status; the most specific class a raised error is an instance of wins
STATUS: dict[type[BaseException], int] = {
    ModelUnavailable: 503,   # missing weights, or the model process died
    MelodyError: 422,        # and ChoraleError: input the model cannot use (drums, no notes, ...)
    ScaleError: 422,
    MusicFileError: 400,     # not a music file, truncated, unreadable
    AudioUnavailable: 503,   # no synthesizer here
    SoundFontNotFound: 503,  # no SoundFont here
    Cancelled: 409,
}


def status_of(exc: BaseException) -> int | None:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return None


def _validation_text(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError):
        return error_response(exc.status, exc.message)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return error_response(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return error_response(422, _validation_text(exc))

    async def _user_error(request: Request, exc: Exception):
        return error_response(status_of(exc) or 500, str(exc))

    for cls in STATUS:  # handled here, not by the server-error middleware (which logs and re-raises)
        app.add_exception_handler(cls, _user_error)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error in %s %s", request.method, request.url.path)
        return error_response(500, f"internal error: {type(exc).__name__}: {exc}")
