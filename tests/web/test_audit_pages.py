"""Nhật ký and Hộp thư đi in the browser's HTML: the CCHC officer filters the log, pages
through it (the queries do not grow with the log), sees a refused attempt marked, checks the
chain (a row changed behind the application's back is found), reads the outbox and sends a
dead letter again (logged); the culture officer Phát is refused; text in the log is escaped."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import AuditEntry, OutboxMessage
from storage.audit import record
from storage.units import get_unit
from tests.web.conftest import MAI, NHUNG, NOW, PHAT, csrf_of

ENTRY_LINK = re.compile(r'href="/quan-tri/nhat-ky/(\d+)"')


def add_entries(engine: Any, n: int, *, action: str = "note", after: dict | None = None) -> None:
    with Session(engine) as session:
        for i in range(n):
            record(
                session=session,
                actor="test:bulk",
                now=NOW,
                action=action,
                entity="note",
                key=str(i),
                after=after,
            )
        session.commit()


def add_message(engine: Any, *, status: str, subject: str = "Nhắc việc T.A9", **extra: Any) -> int:
    with Session(engine) as session:
        row = OutboxMessage(
            key=f"test-{status}-{subject}-{extra.get('attempts', 0)}",
            kind="reminder",
            recipient=PHAT,
            recipient_name="Huỳnh Tấn Phát",
            subject=subject,
            body="Xin nhắc nhiệm vụ T.A9.",
            status=status,
            created_at=NOW,
            **extra,
        )
        session.add(row)
        session.commit()
        return row.id or 0


def entry_ids(html: str) -> list[int]:
    return [int(i) for i in ENTRY_LINK.findall(html)]


@contextmanager
def statements(engine: Any) -> Iterator[list[str]]:
    """Every SQL statement run on ``engine`` inside the block."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_the_cchc_officer_reads_the_log_with_names_and_filters(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    page = client.get("/quan-tri/nhat-ky")
    assert page.status_code == 200, page.text
    assert "<h1>Nhật ký</h1>" in page.text
    entries = entry_ids(page.text)
    assert entries and entries == sorted(entries, reverse=True)  # newest first
    # the filter's actors are named, not emailed
    assert f'<option value="{NHUNG}">Phạm Thị Hồng Nhung</option>' in page.text
    # the roster's import is by "test", the occurrences' materialisation by "t"
    only_t = client.get("/quan-tri/nhat-ky", params={"nguoi": "t"}).text
    assert entry_ids(only_t) and set(entry_ids(only_t)) < set(entries)
    assert 'class="actor">test<' not in only_t
    by_action = client.get("/quan-tri/nhat-ky", params={"thao-tac": "no-such-action"})
    assert by_action.status_code == 200
    assert not entry_ids(by_action.text)
    assert "Không có mục nào khớp với bộ lọc." in by_action.text
    # dates: the log was written on the real clock, today, not in 2019
    old = client.get("/quan-tri/nhat-ky", params={"den-ngay": "2019-12-31"}).text
    assert not entry_ids(old)
    today = dt.date.today().isoformat()
    new = client.get("/quan-tri/nhat-ky", params={"tu-ngay": "2019-01-01", "den-ngay": today})
    assert len(entry_ids(new.text)) == len(entries)
    bad = client.get("/quan-tri/nhat-ky", params={"tu-ngay": "31/12/2020x"})
    assert bad.status_code == 422


def test_an_object_filter_and_the_object_named(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    with Session(engine) as session:
        record(
            session=session,
            actor=NHUNG,
            now=NOW,
            action="start",
            entity="occurrence",
            key="T.A3/2020",
            unit_id=get_unit("phu-huu", session=session).id,
        )
        session.commit()
    page = client.get("/quan-tri/nhat-ky", params={"doi-tuong": "occurrence:T.A3/2020"}).text
    ids = entry_ids(page)
    assert ids
    assert "Phạm Thị Hồng Nhung" in page  # the actor by name
    assert "T.A3 " in page and "năm 2020" in page  # the object by its task and period
    assert 'class="object">occurrence:T.A3/2020<' not in page


def test_the_log_is_paged_and_its_queries_do_not_grow_with_it(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    add_entries(engine, 60)  # a page's worth: the first page is the same kind of entries
    client.get("/quan-tri/nhat-ky")  # the plan read once per process, as in production
    with statements(engine) as small:
        first = client.get("/quan-tri/nhat-ky")
    add_entries(engine, 600)
    with statements(engine) as large:
        page = client.get("/quan-tri/nhat-ky")
    assert first.status_code == page.status_code == 200
    assert len(large) == len(small), (len(small), len(large))
    ids = entry_ids(page.text)
    assert len(ids) == 50
    older = re.search(r'href="(/quan-tri/nhat-ky\?truoc=\d+)" rel="next"', page.text)
    assert older
    second = client.get(older.group(1).replace("&amp;", "&"))
    more = entry_ids(second.text)
    assert len(more) == 50 and max(more) < min(ids)  # the next 50, older, none twice
    # filters are kept from page to page
    filtered = client.get("/quan-tri/nhat-ky", params={"thao-tac": "note"}).text
    link = re.search(r'href="([^"]+)" rel="next"', filtered)
    assert link and "thao-tac=note" in link.group(1)


def test_a_refused_attempt_is_marked_with_a_word(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(PHAT)
    assert client.get("/tien-do").status_code == 403
    client.post("/dang-xuat", data={"csrf_token": csrf_of(client.get("/ho-so").text)})
    sign_in(NHUNG)
    page = client.get("/quan-tri/nhat-ky", params={"thao-tac": "refused"}).text
    items = re.findall(r'<li class="item audit-entry([^"]*)">(.*?)</li>', page, re.S)
    assert items
    classes, body = items[0]
    assert "refused" in classes
    assert "Bị từ chối" in body and "Huỳnh Tấn Phát" in body
    # an ordinary entry is not marked
    everything = client.get("/quan-tri/nhat-ky", params={"nguoi": "t"}).text
    assert 'class="item audit-entry"' in everything
    assert "Bị từ chối" not in everything.split('class="items audit-log"')[1]
    # one entry's page says who was refused what, and the rule
    entry = client.get(f"/quan-tri/nhat-ky/{entry_ids(page)[0]}")
    assert entry.status_code == 200
    assert "Bị từ chối" in entry.text and PHAT in entry.text
    assert "completeness.read" in entry.text  # the attempted action, in the details


def test_the_integrity_check_finds_a_row_changed_behind_the_applications_back(  # type: ignore[no-untyped-def]
    client, sign_in, engine
) -> None:
    sign_in(NHUNG)
    token = csrf_of(client.get("/quan-tri/nhat-ky").text)
    intact = client.post("/quan-tri/nhat-ky/kiem-tra", data={"csrf_token": token})
    assert intact.status_code == 200
    assert "Nhật ký toàn vẹn" in intact.text and "chain-broken" not in intact.text
    with Session(engine) as session:
        target = session.exec(select(AuditEntry.id).order_by(col(AuditEntry.id))).all()[3]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        else:
            connection.execute(sa.text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        connection.execute(
            sa.text("UPDATE audit_log SET actor = 'mallory' WHERE id = :id"), {"id": target}
        )
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change"))
    broken = client.post("/quan-tri/nhat-ky/kiem-tra", data={"csrf_token": token})
    assert broken.status_code == 200
    assert "Nhật ký không còn toàn vẹn" in broken.text
    alert = broken.text.split('class="alert chain-broken"')[1].split("</div>")[0]
    assert f'href="/quan-tri/nhat-ky/{target}"' in alert
    assert "nội dung đã bị sửa" in alert
    # without the form's token nothing is checked
    assert client.post("/quan-tri/nhat-ky/kiem-tra", data={}).status_code == 403


def test_html_in_the_log_is_shown_as_text(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sign_in(NHUNG)
    add_entries(engine, 1, action="<b>x</b>", after={"reason": "<script>alert(1)</script>"})
    page = client.get("/quan-tri/nhat-ky").text
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    entry = client.get(f"/quan-tri/nhat-ky/{entry_ids(page)[0]}").text
    assert "<script>alert(1)</script>" not in entry
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in entry
    assert client.get("/quan-tri/nhat-ky/999999").status_code == 404


def test_the_outbox_filters_by_status_and_names_the_recipient(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    sent = add_message(engine, status="sent", subject="Đã gửi <i>rồi</i>")
    dead = add_message(engine, status="dead", attempts=8, last_error="550 mailbox unavailable")
    sign_in(NHUNG)
    page = client.get("/quan-tri/hop-thu-di")
    assert page.status_code == 200, page.text
    assert f'href="/quan-tri/hop-thu-di/{sent}"' in page.text
    assert f'href="/quan-tri/hop-thu-di/{dead}"' in page.text
    assert "Huỳnh Tấn Phát" in page.text and "nhắc việc" in page.text
    assert "&lt;i&gt;rồi&lt;/i&gt;" in page.text and "<i>rồi</i>" not in page.text
    only_dead = client.get("/quan-tri/hop-thu-di", params={"trang-thai": "dead"}).text
    assert f'href="/quan-tri/hop-thu-di/{dead}"' in only_dead
    assert f'href="/quan-tri/hop-thu-di/{sent}"' not in only_dead
    assert "550 mailbox unavailable" in only_dead and "8 lần gửi" in only_dead
    assert only_dead.count("gui-lai") == 1  # Gửi lại only for the dead letter
    assert client.get("/quan-tri/hop-thu-di", params={"trang-thai": "x"}).status_code == 422
    one = client.get(f"/quan-tri/hop-thu-di/{dead}")
    assert one.status_code == 200
    assert "Xin nhắc nhiệm vụ T.A9." in one.text and "550 mailbox unavailable" in one.text
    assert client.get("/quan-tri/hop-thu-di/999999").status_code == 404


def test_a_dead_letter_sent_again_is_pending_and_logged(client, sign_in, engine) -> None:  # type: ignore[no-untyped-def]
    dead = add_message(engine, status="dead", attempts=8, last_error="550")
    sent = add_message(engine, status="sent", subject="Khác")
    sign_in(NHUNG)
    token = csrf_of(client.get("/quan-tri/hop-thu-di").text)
    assert client.post(f"/quan-tri/hop-thu-di/{dead}/gui-lai", data={}).status_code == 403
    done = client.post(
        f"/quan-tri/hop-thu-di/{dead}/gui-lai",
        data={"csrf_token": token, "trang-thai": "dead"},
    )
    assert done.status_code == 303
    after = client.get(done.headers["location"]).text
    assert f"Đã đưa thư số {dead} trở lại hàng đợi" in after
    with Session(engine) as session:
        row = session.get(OutboxMessage, dead)
        assert row is not None and row.status == "pending" and row.attempts == 0
        logged = session.exec(select(AuditEntry).where(AuditEntry.action == "outbox_retry")).all()
    assert [(e.actor, e.key) for e in logged] == [(NHUNG, str(dead))]
    assert logged[0].before and logged[0].before["status"] == "dead"
    # again, now that it is pending: a conflict, nothing done
    again = client.post(f"/quan-tri/hop-thu-di/{dead}/gui-lai", data={"csrf_token": token})
    assert again.status_code == 409
    assert "không phải thư không gửi được" in again.text
    assert (
        client.post(f"/quan-tri/hop-thu-di/{sent}/gui-lai", data={"csrf_token": token}).status_code
        == 409
    )
    missing = client.post("/quan-tri/hop-thu-di/999999/gui-lai", data={"csrf_token": token})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/quan-tri/nhat-ky"),
        ("GET", "/quan-tri/nhat-ky/1"),
        ("POST", "/quan-tri/nhat-ky/kiem-tra"),
        ("GET", "/quan-tri/hop-thu-di"),
        ("GET", "/quan-tri/hop-thu-di/{dead}"),
        ("POST", "/quan-tri/hop-thu-di/{dead}/gui-lai"),
    ],
)
def test_the_culture_officer_and_the_vice_chairman_are_refused(  # type: ignore[no-untyped-def]
    client, sign_in, engine, method: str, path: str
) -> None:
    dead = add_message(engine, status="dead", attempts=8)
    for who in (PHAT, MAI):
        sign_in(who)
        token = csrf_of(client.get("/ho-so").text)
        url = path.format(dead=dead)
        response = client.request(
            method, url, data={"csrf_token": token} if method == "POST" else None
        )
        assert response.status_code == 403, (who, response.text)
        client.post("/dang-xuat", data={"csrf_token": token})
    with Session(engine) as session:
        row = session.get(OutboxMessage, dead)
        assert row is not None and row.status == "dead"
