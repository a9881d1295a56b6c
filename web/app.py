"""The web application: ``create_app`` builds it from the same settings and database engine
the command line uses (``cchc web`` serves it with uvicorn)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from application.settings import Settings
from web.env import WebEnv, wall_clock

if TYPE_CHECKING:
    from sqlalchemy import Engine

STATIC = Path(__file__).resolve().parent / "static"


def create_app(
    settings: Settings,
    *,
    engine: Engine,
    now: Callable[[], dt.datetime] = wall_clock,
) -> FastAPI:
    """The pages, the JSON API (``/api/v1``, its OpenAPI at ``/api/v1/openapi.json``), the
    static files and ``/healthz``, on ``engine``; ``now`` is the clock (the wall clock)."""
    from web import (
        admin,
        api,
        appraisal,
        appraisal_items,
        approvals,
        assessment,
        audit_admin,
        errors,
        indicators,
        pages,
        people_admin,
        plans_admin,
        progress,
        province,
        province_kpis,
        ranking,
        two_step,
    )
    from web.security import SecurityHeaders

    app = FastAPI(
        title="cchc",
        openapi_url=api.PREFIX + "/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.env = WebEnv(settings=settings, engine=engine, now=now)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    pages.ROUTES.install(app)
    two_step.ROUTES.install(app)
    api.ROUTES.install(app)
    progress.ROUTES.install(app)
    province.ROUTES.install(app)
    province_kpis.ROUTES.install(app)
    appraisal.ROUTES.install(app)
    appraisal_items.ROUTES.install(app)
    ranking.ROUTES.install(app)
    approvals.ROUTES.install(app)
    admin.ROUTES.install(app)
    indicators.ROUTES.install(app)
    assessment.ROUTES.install(app)
    plans_admin.ROUTES.install(app)
    people_admin.ROUTES.install(app)
    audit_admin.ROUTES.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    return app


def from_env() -> FastAPI:
    """The application of the installation the environment names (``CCHC_*``), on a database
    already brought to the current schema (``cchc web`` checks that first): uvicorn's factory."""
    from application.audit_key import read_key
    from storage.db import make_engine

    settings = Settings.from_env()
    engine = make_engine(settings.database_url, audit_key=read_key(settings.audit_key_path))
    return create_app(settings, engine=engine)
