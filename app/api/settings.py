"""What a server is started with: where it listens, who may call it, what it accepts."""
from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

MB = 1024 * 1024
LOOPBACK_NAMES = {"localhost"}


@dataclass(frozen=True)
class ApiSettings:
    """``token`` None: no token is asked for (only allowed on loopback; ``serve`` makes one
    otherwise). ``model_folders``: registry key → role → folder, over the registry's defaults."""

    library: Path
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    max_body_bytes: int = 10 * MB
    job_workers: int = 2              # jobs (harmonize, infill, render) running at once
    kept_jobs: int = 200              # finished jobs kept for their results; the oldest go first
    model_folders: Mapping[str, Mapping[str, Path]] = field(default_factory=dict)
    mystyle_folder: Path | None = None  # None: the user's (models.mystyle.store.default_folder)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(24)
