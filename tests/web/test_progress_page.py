"""Tiến độ: the CCHC officer sees the progress and completeness bars and who owes what,
reminds an officer now (once a day), downloads the workbook; the JSON API gives the same;
a plain officer is refused, with the rule named.

The pages' clock here is Monday 15 June 2020, three working days after T.A3 and T.A9 were
due: both are owed (T.A3 by Nhung, T.A9 by Phát).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlmodel import Session, select

from application.settings import Settings
from models import OutboxMessage
from tests.web.conftest import MAI, NHUNG, PHAT, csrf_of, local

MONDAY = local(2020, 6, 15, 9)


@pytest.fixture
def app(ward, engine, db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    from tests.web.apps import web_app

    settings = Settings(home=tmp_path / "home", database_url=db_url, lang="vi")
    return web_app(settings, engine=engine, now=lambda: MONDAY)


def nudges(engine) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")))


def test_the_cchc_officer_sees_bars_categories_and_who_owes_what(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    home = client.get("/")
    assert 'href="/tien-do"' in home.text  # the navigation offers it
    page = client.get("/tien-do")
    assert page.status_code == 200
    text = page.text
    assert "<h1>Tiến độ</h1>" in text
    for heading in ("theo lĩnh vực", "theo chức danh", "theo cán bộ"):
        assert heading in text
    assert text.count("<meter") >= 10
    assert 'style="' not in text  # no inline style (CSP)
    for category in ("Đã hoàn thành đúng hạn", "Đang thực hiện quá hạn", "Chưa đến hạn"):
        assert category in text
    assert "Huỳnh Tấn Phát" in text and "Phạm Thị Hồng Nhung" in text
    owed = text.split('id="owed"')[1]
    assert "T.A9" in owed and "T.A3" in owed and "năm 2020" in owed
    assert "trễ 3 ngày làm việc" in owed
    assert owed.count(">Nhắc ngay</button>") == 2
    assert 'action="/tien-do/nhac/T.A9/2020"' in owed
    assert 'href="/tien-do.xlsx"' in text


def test_a_plain_officer_is_refused_with_the_rule_named(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    for who in (PHAT, MAI):
        client.cookies.clear()
        sign_in(who)
        assert 'href="/tien-do"' not in client.get("/").text
        page = client.get("/tien-do")
        assert page.status_code == 403
        assert "Công chức phụ trách công tác CCHC" in page.text and "Chủ tịch" in page.text
        assert client.get("/tien-do.xlsx").status_code == 403
        assert client.get("/api/v1/completeness").status_code == 403
        form = client.get("/").text
        remind = client.post("/tien-do/nhac/T.A9/2020", data={"csrf_token": csrf_of(form)})
        assert remind.status_code == 403


def test_remind_now_from_the_page_once_a_day(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get("/tien-do")
    sent = client.post("/tien-do/nhac/T.A9/2020", data={"csrf_token": csrf_of(page.text)})
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/tien-do?")
    back = client.get(sent.headers["location"])
    assert "Đã gửi lời nhắc nhiệm vụ T.A9 kỳ năm 2020" in back.text
    [message] = nudges(engine)
    assert message.recipient == PHAT

    again = client.post("/tien-do/nhac/T.A9/2020", data={"csrf_token": csrf_of(back.text)})
    assert again.status_code == 409
    assert "đã được nhắc ngay hôm nay (15/06/2020)" in again.text
    assert "<h1>Tiến độ</h1>" in again.text  # the page itself, saying so
    assert len(nudges(engine)) == 1
    history = client.get("/nhiem-vu/T.A9/2020").text.split("history")[-1]
    assert "nhắc ngay cán bộ thực hiện" in history


def test_a_form_without_its_csrf_token_reminds_nobody(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    assert client.post("/tien-do/nhac/T.A9/2020", data={}).status_code == 403
    assert nudges(engine) == []


def test_the_api_gives_the_report_and_reminds_once_a_day(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    token = csrf_of(client.get("/").text)
    report = client.get("/api/v1/completeness", params={"by": "area", "year": 2020})
    assert report.status_code == 200
    data = report.json()
    assert data["by"] == "area" and data["year"] == 2020
    assert {o["task"] for o in data["owed"]} == {"T.A3", "T.A9"}
    assert data["progress"]["categories"]["in_progress_late"]["count"] >= 2
    officers = client.get("/api/v1/completeness", params={"by": "officer"}).json()
    assert {g["key"] for g in officers["groups"]} >= {NHUNG, PHAT}
    assert client.get("/api/v1/completeness", params={"by": "colour"}).status_code == 422

    path = "/api/v1/occurrences/T.A3/2020/remind"
    assert client.post(path).status_code == 403  # no CSRF header with the cookie
    first = client.post(path, headers={"X-CSRF-Token": token})
    assert first.status_code == 200
    assert first.json()["officer"] == NHUNG and first.json()["day"] == "2020-06-15"
    second = client.post(path, headers={"X-CSRF-Token": token})
    assert second.status_code == 409
    assert "đã được nhắc ngay hôm nay" in second.json()["error"]
    assert [m.recipient for m in nudges(engine)] == [NHUNG]


def test_the_workbook_downloads_and_opens(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    sign_in(NHUNG)
    response = client.get("/tien-do.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Theo nhóm", "Còn nợ", "Tiến độ"]
    owes = [row for row in book["Còn nợ"].iter_rows(min_row=2, values_only=True)]
    assert {row[2] for row in owes} == {"T.A3", "T.A9"}
    assert all(row[4] == "năm 2020" for row in owes)
