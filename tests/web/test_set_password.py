"""The page an invitation email links to (``/dat-mat-khau/{token}``): the officer sets a
password and is signed in; the link works once."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from application.access import Identity
from tests.web.conftest import NOW, csrf_of

HUNG = "hung.nv@phuhuu.gov.vn"  # the chairman, who has no password yet
BASE = "https://cchc.phuhuu.gov.vn"


def invitation_token(engine, email: str) -> str:  # type: ignore[no-untyped-def]
    from application.identity import invite
    from application.uow import UnitOfWork
    from models import OutboxMessage

    invite(UnitOfWork(engine), Identity.operator("test"), email=email, base_url=BASE, now=NOW)
    with Session(engine) as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).all()[-1]
    found = re.search(BASE + r"/dat-mat-khau/([A-Za-z0-9_-]+)", row.body)
    assert found, row.body
    return found.group(1)


def test_an_invited_officer_sets_a_password_and_is_signed_in_once(client, engine) -> None:  # type: ignore[no-untyped-def]
    token = invitation_token(engine, HUNG)
    path = f"/dat-mat-khau/{token}"
    form = client.get(path)
    assert form.status_code == 200 and 'type="password"' in form.text
    csrf = csrf_of(form.text)
    no_csrf = client.post(path, data={"password": "x" * 12, "again": "x" * 12})
    assert no_csrf.status_code == 403
    differ = client.post(
        path, data={"password": "mot-mat-khau-dai", "again": "khac-han", "csrf_token": csrf}
    )
    assert differ.status_code == 422 and 'role="alert"' in differ.text
    short = client.post(path, data={"password": "ngan", "again": "ngan", "csrf_token": csrf})
    assert short.status_code == 422 and 'role="alert"' in short.text
    done = client.post(
        path,
        data={"password": "mat-khau-moi-2020", "again": "mat-khau-moi-2020", "csrf_token": csrf},
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert client.get("/").status_code == 200  # signed in
    client.cookies.clear()
    again = client.get(path)
    csrf = csrf_of(again.text)
    spent = client.post(
        path, data={"password": "mat-khau-khac-20", "again": "mat-khau-khac-20", "csrf_token": csrf}
    )
    assert spent.status_code in (404, 410, 422) and 'role="alert"' in spent.text
    assert "cchc_session" not in spent.headers.get("set-cookie", "")
