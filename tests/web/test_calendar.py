"""Lịch (``/lich``): my deadlines, and a private iCalendar subscription address whose secret
token is the only credential of ``/lich/{token}.ics``."""

from __future__ import annotations

import re

import icalendar
from fastapi.testclient import TestClient

from tests.web.conftest import NHUNG, PHAT, csrf_of

FEED = re.compile(r"/lich/([A-Za-z0-9_-]{20,})\.ics")


def new_feed(client) -> str:  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get("/lich").text)
    made = client.post("/lich/lien-ket", data={"csrf_token": csrf})
    assert made.status_code == 200
    found = FEED.search(made.text)
    assert found, "the new subscription address is shown once"
    return found.group(0)


def summaries(body: bytes) -> list[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]


def test_the_calendar_page_shows_my_deadlines_in_the_month(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    june = client.get("/lich?thang=2020-06")
    assert june.status_code == 200
    assert 'href="/lich"' in june.text  # in the nav
    assert "T.A3" in june.text and "T.A9" not in june.text
    assert "T.LATE" not in june.text  # due in December
    december = client.get("/lich?thang=2020-12")
    assert "T.LATE" in december.text
    september = client.get("/lich?thang=2020-09").text
    assert "Quốc khánh" in september  # the holiday, named
    assert september.count('class="off') >= 8 + 1  # the weekends and 2 September
    bad = client.get("/lich?thang=2020-13")
    assert bad.status_code == 422 and 'role="alert"' in bad.text


def test_the_feed_serves_my_deadlines_without_a_session_until_revoked(app, client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    path = new_feed(client)
    stranger = TestClient(app, follow_redirects=False)
    feed = stranger.get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    names = " ".join(summaries(feed.content))
    assert "T.A3" in names and "T.LATE" in names and "T.A9" not in names
    csrf = csrf_of(client.get("/lich").text)
    revoked = client.post("/lich/lien-ket/thu-hoi", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    assert stranger.get(path).status_code == 404
    assert stranger.get("/lich/khong-co-ma-nay.ics").status_code == 404


def test_renewing_replaces_the_address_and_another_officers_feed_is_theirs(
    app, client, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    first = new_feed(client)
    second = new_feed(client)
    stranger = TestClient(app, follow_redirects=False)
    assert first != second and stranger.get(first).status_code == 404
    client.cookies.clear()
    sign_in(PHAT)
    phat = new_feed(client)
    names = " ".join(summaries(stranger.get(phat).content))
    assert "T.A9" in names and "T.A3" not in names
    mine = " ".join(summaries(stranger.get(second).content))
    assert "T.A3" in mine and "T.A9" not in mine
