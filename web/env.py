"""What every request shares: the settings, the database engine, the clock and the templates.

Built once by ``web.app.create_app`` from the same settings and engine the command line uses,
kept on ``app.state.env``; a request reads it with ``env_of(request)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from application.settings import Settings
from application.uow import Clock, UnitOfWork

if TYPE_CHECKING:
    from fastapi import Request
    from sqlalchemy import Engine


def wall_clock() -> dt.datetime:
    """The real time, read only at the edge (tests give the application their own)."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class WebEnv:
    settings: Settings
    engine: Engine
    now: Callable[[], dt.datetime] = wall_clock

    def uow(self) -> UnitOfWork:
        """A unit of work on the installation's database, for one use case."""
        return UnitOfWork(self.engine, Clock())

    @property
    def base_url(self) -> str:
        """``CCHC_BASE_URL`` when the installation has one (the public address)."""
        return self.settings.base_url or ""

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over https when the public address is https."""
        return self.base_url.lower().startswith("https://")

    @property
    def evidence_home(self) -> Path:
        return self.settings.home

    @property
    def max_upload_bytes(self) -> int:
        return self.settings.evidence_max_bytes


def env_of(request: Request) -> WebEnv:
    env: WebEnv = request.app.state.env
    return env
