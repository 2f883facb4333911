"""``latentroll serve``: the local REST API (FastAPI + uvicorn) over the app's models and library.

It binds 127.0.0.1 by default. Any other address needs a token: ``--token`` or one made up and
printed here; every request must then carry ``Authorization: Bearer TOKEN`` (a token given on
loopback is checked too). The docs are at ``http://HOST:PORT/docs``.
"""
from __future__ import annotations

from ..errors import UsageError


def register(sub) -> None:
    p = sub.add_parser("serve", help="run the local REST API (docs at http://127.0.0.1:8765/docs)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--token", help="require 'Authorization: Bearer TOKEN' (made up and printed when --host is "
                                   "not a loopback address)")
    p.add_argument("--library", metavar="DIR", help="music library folder (default: the app's)")
    p.add_argument("--max-upload-mb", type=float, default=10.0, help="largest request body in MB (default 10)")
    p.add_argument("--jobs", type=int, default=2, help="long jobs running at once (default 2)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from latentroll.app.api.settings import MB, ApiSettings, is_loopback, new_token
    from latentroll.core.app_paths import AppPaths

    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535, not {args.port}")
    if not 0.01 <= args.max_upload_mb <= 1024:
        raise UsageError("--max-upload-mb must be between 0.01 and 1024")
    if not 1 <= args.jobs <= 16:
        raise UsageError("--jobs must be between 1 and 16")
    token = args.token
    if token is not None and not token.strip():
        raise UsageError("--token must not be empty")
    if token is None and not is_loopback(args.host):
        token = new_token()
        print(f"{args.host} is reachable from other computers: requests need the header\n"
              f"  Authorization: Bearer {token}", flush=True)
    library = Path(args.library) if args.library else AppPaths.default().library_dir
    settings = ApiSettings(library=library, host=args.host, port=args.port, token=token,
                           max_body_bytes=int(args.max_upload_mb * MB), job_workers=args.jobs)
    serve(settings)
    return 0


def serve(settings) -> None:
    import uvicorn

    from latentroll.app.api.app import create_app

    print(f"LatentRoll API on http://{settings.host}:{settings.port} (docs: /docs; library: {settings.library})",
          flush=True)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")
