"""``create_app(settings)``: the FastAPI application behind ``latentroll serve``.

What every request passes first (``Guard``, a plain ASGI middleware): the token, when the server
has one, and the body size limit, checked on the declared length and again on the bytes as they
arrive (a chunked upload without a length is cut off at the limit too).
"""
from __future__ import annotations

import hmac
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException

from latentroll.core.library import MusicLibrary

from .errors import error_response, install_error_handlers
from .jobs import JobManager
from .runner import ModelRunner
from .settings import ApiSettings


@dataclass
class ApiState:
    """What the endpoints share: the settings, the model runner, the jobs and the library."""

    settings: ApiSettings
    runner: ModelRunner
    jobs: JobManager
    library: MusicLibrary


def api_state(request: Request) -> ApiState:
    return request.app.state.api


class BodyTooLarge(HTTPException):
    """413; the connection is closed after the answer, so the rest of the body is never read."""

    def __init__(self, limit: int):
        super().__init__(413, f"the request is larger than the limit of {limit / 1024 / 1024:g} MB",
                         headers={"Connection": "close"})


class Guard:
    """Token and body size, before any endpoint reads the request."""

    def __init__(self, app, settings: ApiSettings):
        self.app = app
        self.limit = settings.max_body_bytes
        self.expected = f"Bearer {settings.token}".encode() if settings.token else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        if self.expected is not None and not hmac.compare_digest(headers.get(b"authorization", b""), self.expected):
            response = error_response(401, "missing or wrong token: send the header 'Authorization: Bearer TOKEN'",
                                      {"WWW-Authenticate": "Bearer"})
            return await response(scope, receive, send)
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            too_large = BodyTooLarge(self.limit)
            return await error_response(413, too_large.detail, too_large.headers)(scope, receive, send)
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited_receive, send)


def model_env(settings: ApiSettings) -> dict[str, str]:
    """The settings the model process must share with this server: its style folder, so that a
    style trained here is the one that ``style=NAME`` samples."""
    from latentroll.models.mystyle.store import DIR_ENV

    return {DIR_ENV: str(settings.mystyle_folder)} if settings.mystyle_folder is not None else {}


def create_app(settings: ApiSettings, runner: ModelRunner | None = None) -> FastAPI:
    from .routes import files, health, jobs, library, mystyle, tools

    state = ApiState(settings, runner or ModelRunner(settings.model_folders, env=model_env(settings)),
                     JobManager(settings.job_workers, settings.kept_jobs), MusicLibrary(settings.library))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        state.jobs.shutdown()

    app = FastAPI(title="LatentRoll", version="1", lifespan=lifespan,
                  description="Generate, transform and store music with LatentRoll's models, offline. "
                              "Music goes in as a multipart file (.mid, .musicxml, .abc) or base64 MIDI in "
                              "JSON, and comes back as a .mid (or JSON notes with ?format=json).")
    app.state.api = state
    install_error_handlers(app)
    for module in (health, tools, files, jobs, library, mystyle):
        app.include_router(module.router)
    app.add_middleware(Guard, settings=settings)
    return app
