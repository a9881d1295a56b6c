"""Hồ sơ cá nhân (``/ho-so``): the signed-in officer's own settings, password and sessions."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.conftest import MAI, NHUNG, PASSWORD, csrf_of


def second_browser(app, email: str) -> TestClient:  # type: ignore[no-untyped-def]
    other = TestClient(app, follow_redirects=False)
    form = other.get("/dang-nhap")
    signed = other.post(
        "/dang-nhap", data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(form.text)}
    )
    assert signed.status_code == 303
    return other


def test_settings_are_saved_and_shown(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    profile = client.get("/ho-so")
    assert profile.status_code == 200
    assert 'href="/ho-so"' in profile.text  # in the nav
    saved = client.post(
        "/ho-so",
        data={
            "csrf_token": csrf_of(profile.text),
            "lang": "en",
            "digest": "on",
            "channels": ["email", "apprise"],
            "apprise_urls": "ntfy://cchc-nhung",
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/ho-so"
    shown = client.get("/ho-so")
    assert "ntfy://cchc-nhung" in shown.text
    assert re.search(r'name="digest"[^>]*checked', shown.text)
    assert not re.search(r'name="quiet"[^>]*checked', shown.text)
    assert '<html lang="en">' in shown.text  # the page now speaks the chosen language


def test_settings_without_csrf_change_nothing(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    refused = client.post("/ho-so", data={"lang": "en", "apprise_urls": "ntfy://x"})
    assert refused.status_code == 403
    assert "ntfy://x" not in client.get("/ho-so").text


def test_send_test_puts_a_message_in_the_outbox(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    from models import OutboxMessage

    sign_in(NHUNG)
    csrf = csrf_of(client.get("/ho-so").text)
    sent = client.post("/ho-so/gui-thu", data={"csrf_token": csrf})
    assert sent.status_code == 303
    with Session(engine) as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "test")).all()
    assert [r.recipient for r in rows] == [NHUNG]


def test_password_change_keeps_this_session_and_ends_the_others(app, client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    other = second_browser(app, NHUNG)
    csrf = csrf_of(client.get("/ho-so").text)
    wrong = client.post(
        "/ho-so/mat-khau",
        data={"csrf_token": csrf, "current": "sai", "password": "x" * 12, "again": "x" * 12},
    )
    assert wrong.status_code in (401, 422) and 'role="alert"' in wrong.text
    assert other.get("/").status_code == 200
    new = "mat-khau-moi-hon-2020"
    done = client.post(
        "/ho-so/mat-khau",
        data={"csrf_token": csrf, "current": PASSWORD, "password": new, "again": new},
    )
    assert done.status_code == 303
    assert client.get("/").status_code == 200  # this session stays
    assert other.get("/").status_code == 303  # the other one ended


def test_ending_another_session_and_never_someone_elses(app, client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    other = second_browser(app, NHUNG)
    mai = second_browser(app, MAI)
    page = client.get("/ho-so").text
    ids = re.findall(r'action="/ho-so/phien/(\d+)/dang-xuat"', page)
    assert len(ids) == 1  # the other session; this one is marked, not offered
    assert 'aria-current="true"' in page
    assert len(re.findall(r'data-session="(\d+)"', page)) == 2
    mai_ids = re.findall(r'data-session="(\d+)"', mai.get("/ho-so").text)
    assert mai_ids
    csrf = csrf_of(page)
    for foreign in mai_ids:
        refused = client.post(f"/ho-so/phien/{foreign}/dang-xuat", data={"csrf_token": csrf})
        assert refused.status_code in (403, 404)
    assert mai.get("/").status_code == 200
    ended = client.post(f"/ho-so/phien/{ids[0]}/dang-xuat", data={"csrf_token": csrf})
    assert ended.status_code == 303
    assert other.get("/").status_code == 303
    assert client.get("/").status_code == 200
