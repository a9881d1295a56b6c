"""One web application per test process, handed to each test with its own settings, engine
and clock.

Building the application (``web.app.create_app``) is mostly FastAPI setting up some two
hundred routes: 0.4-1 s, paid by every web test. Nothing a request reads is kept in the
routes: the settings, the engine and the clock are on ``app.state.env``. So the fixtures
build the application once and give each test that same application with a ``WebEnv`` of its
own; tests run one after the other in a process, never two on one application.
``test_pages`` and ``test_api`` still build theirs with ``create_app`` itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy import Engine

    from application.settings import Settings

_BUILT: list[FastAPI] = []


def web_app(settings: Settings, *, engine: Engine, now: Callable[[], dt.datetime]) -> FastAPI:
    """The application on ``engine`` with ``settings`` and the clock ``now``."""
    from web.app import create_app
    from web.env import WebEnv

    if not _BUILT:
        _BUILT.append(create_app(settings, engine=engine, now=now))
    else:
        _BUILT[0].state.env = WebEnv(settings=settings, engine=engine, now=now)
    return _BUILT[0]
