"""The web application on the real databases (SQLite and PostgreSQL): a ward with a small plan
materialised on 1 June 2020, officers with passwords, and a test client that can sign in.

T.A3 (three required documents) and T.LATE are led by the CCHC officer Nhung; T.A9 by the
culture officer Phát. The vice-chairman Mai approves T.A3. The pages' clock is 8 June 2020.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import socket
import threading
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from application.access import Identity
from application.settings import Settings
from application.uow import UnitOfWork
from cchc.tables import read_table
from domain.plan import Due, Plan, Reminders, Schedule
from plans import HERE
from responsibilities.roster import read_roster
from storage.occurrences import materialise
from storage.officers import import_roster
from storage.plans import find_plan
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer: leads T.A3 and T.LATE
PHAT = "phat.ht@phuhuu.gov.vn"  # culture officer: leads T.A9
MAI = "mai.tt@phuhuu.gov.vn"  # vice-chairman for area 3: approves T.A3
PASSWORD = "mat-khau-rat-dai-2020"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def local(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


NOW = local(2020, 6, 8, 9)


def small_plan(plan: Plan) -> Plan:
    def task(code: str, like: str, lead: str, due: dt.date):  # type: ignore[no-untyped-def]
        base = next(t for t in plan.tasks if t.code == like)
        schedule = Schedule("once", dt.date(2020, 1, 1), dt.date(2020, 12, 31), Due(date=due))
        return dataclasses.replace(
            base, code=code, lead=lead, schedule=schedule, reminders=Reminders()
        )

    tasks = (
        task("T.A3", "II.3.1", "cchc_officer", dt.date(2020, 6, 10)),
        task("T.A9", "II.9.2", "culture_info", dt.date(2020, 6, 10)),
        task("T.LATE", "II.3.1", "cchc_officer", dt.date(2020, 12, 10)),
    )
    return dataclasses.replace(plan, tasks=tasks)


@pytest.fixture
def roster(engine, session: Session, load, bundled_plan) -> UnitOfWork:  # type: ignore[no-untyped-def]
    """The small plan and the demo roster, materialised on 1 June."""
    plan = small_plan(bundled_plan)
    load(plan, now=local(2020, 6, 1, 6))
    unit_id = get_unit("phu-huu", session=session).id
    assert unit_id is not None
    header, rows = read_table(HERE / "demo-roster.csv")
    rows = [(n, r) for n, r in rows if r.get("kind") != "acting"]
    entries = read_roster(
        header,
        rows,
        file="demo-roster.csv",
        positions=[r.code for r in plan.roles],
        areas=[a.code for a in plan.areas],
    )
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=local(2020, 6, 1))
    materialise(
        find_plan(session=session, unit_id=unit_id),
        session=session,
        actor="t",
        now=local(2020, 6, 1),
    )
    session.commit()
    return UnitOfWork(engine)


@pytest.fixture
def ward(roster: UnitOfWork, engine) -> UnitOfWork:  # type: ignore[no-untyped-def]
    """The roster's Nhung, Phát and Mai have passwords."""
    from application.identity import set_password

    for email in (NHUNG, PHAT, MAI):
        set_password(
            UnitOfWork(engine), Identity.operator("test"), email=email, password=PASSWORD, now=NOW
        )
    return UnitOfWork(engine)


@pytest.fixture
def app(ward: UnitOfWork, engine, db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.web.apps import web_app

    settings = Settings(home=tmp_path / "home", database_url=db_url, lang="vi")
    return web_app(settings, engine=engine, now=lambda: NOW)


@pytest.fixture
def client(app) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


@pytest.fixture
def sign_in(client) -> Callable[..., object]:  # type: ignore[no-untyped-def]
    """Sign ``client`` in as ``email``; returns the response to the form's POST."""

    def run(email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        form = client.get("/dang-nhap")
        assert form.status_code == 200
        return client.post(
            "/dang-nhap",
            data={"email": email, "password": password, "csrf_token": csrf_of(form.text)},
        )

    return run


_TOKENS = itertools.count()


def bearer(ward, email: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """An ``Authorization`` header with a new API token of ``email`` (made by the operator)."""
    from application.access import Identity
    from application.identity import create_token

    name = f"script-{next(_TOKENS)}"
    made = create_token(ward, Identity.operator("test"), email=email, name=name, now=NOW)
    return {"Authorization": f"Bearer {made.token}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The application served by uvicorn on a free loopback port, for the browser."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
