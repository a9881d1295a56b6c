"""Nhắc ngay: the CCHC officer or the chairman reminds the officer holding one occurrence now,
through the outbox, at most once a day per occurrence — on SQLite and PostgreSQL.

The ward and plan of the web tests: T.A9 (due 10 June 2020) is led by the culture officer
Phát; on Monday 15 June it is three working days late.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from application.access import Identity, Refused
from application.occurrences import act
from application.remind_now import ReminderRefused, remind_now
from application.uow import UnitOfWork
from models import AuditEntry, OutboxMessage
from storage.db import with_base_url
from tests.web.conftest import NHUNG, PHAT, local, roster  # noqa: F401  (a fixture)

HUNG = "hung.nv@phuhuu.gov.vn"  # the chairman
BASE = "https://cchc.phuhuu.gov.vn"
MONDAY = local(2020, 6, 15, 9)
pytestmark = pytest.mark.usefixtures("roster")


def nudges(engine) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        rows = s.exec(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "nudge")
            .order_by(col(OutboxMessage.id))
        )
        return list(rows)


def remind(engine, who: str, when, task: str = "T.A9", period: str = "năm 2020"):  # type: ignore[no-untyped-def]
    uow = UnitOfWork(with_base_url(engine, BASE))
    return remind_now(uow, Identity.officer(who), when, task=task, period=period)


def test_a_reminder_goes_once_a_day_and_links_to_the_occurrence(engine) -> None:  # type: ignore[no-untyped-def]
    done = remind(engine, NHUNG, MONDAY)
    assert (done.task, done.period, done.officer) == ("T.A9", "2020", PHAT)
    [sent] = nudges(engine)
    assert sent.recipient == PHAT and sent.status == "pending"
    assert "T.A9" in sent.subject and "năm 2020" in sent.subject
    assert "2020-" not in sent.subject
    page = BASE + "/nhiem-vu/T.A9/2020"
    assert page in sent.body and f'href="{page}"' in sent.html
    assert "Phạm Thị Hồng Nhung" in sent.body  # who asks
    assert "đã quá hạn 3 ngày làm việc" in sent.body.lower()

    # the same day, by anyone: refused, and nothing more in the outbox
    for who, when in ((NHUNG, local(2020, 6, 15, 16)), (HUNG, local(2020, 6, 15, 23, 30))):
        with pytest.raises(ReminderRefused) as refused:
            remind(engine, who, when)
        assert "đã được nhắc ngay hôm nay (15/06/2020)" in refused.value.render("vi")
        assert "năm 2020" in refused.value.render("vi")
        assert "already reminded today" in refused.value.render("en")
    assert len(nudges(engine)) == 1

    # the next (local) day it may go again
    remind(engine, HUNG, local(2020, 6, 16, 7))
    assert [m.recipient for m in nudges(engine)] == [PHAT, PHAT]

    with Session(engine) as s:
        audited = s.exec(select(AuditEntry).where(AuditEntry.action == "remind")).all()
    assert [(a.actor, a.key) for a in audited] == [(NHUNG, "T.A9/2020"), (HUNG, "T.A9/2020")]
    assert audited[0].after is not None and audited[0].after["to"] == PHAT


def test_a_plain_officer_may_not_remind_and_the_refusal_is_audited(engine) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Refused) as refused:
        remind(engine, PHAT, MONDAY, task="T.A3")
    assert "Công chức phụ trách công tác CCHC" in refused.value.render("vi")
    assert nudges(engine) == []
    with Session(engine) as s:
        refusals = s.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
    assert any(r.actor == PHAT for r in refusals)


def test_closed_work_is_not_reminded(engine) -> None:  # type: ignore[no-untyped-def]
    act(
        UnitOfWork(engine),
        Identity.officer(HUNG),
        MONDAY,
        action="waive",
        task="T.A9",
        period="2020",
        reason="Không phát sinh",
    )
    with pytest.raises(ReminderRefused) as refused:
        remind(engine, NHUNG, MONDAY)
    assert "đã kết thúc (được miễn)" in refused.value.render("vi")
    assert nudges(engine) == []


def test_a_nudge_goes_at_once_even_at_night_and_not_once_the_work_is_closed(engine) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from application.delivery import deliver
    from notifications.channels import MemoryChannel

    night = local(2020, 6, 15, 21)  # quiet hours: a scheduled reminder would wait
    remind(engine, NHUNG, night)
    email = MemoryChannel()
    report = deliver(engine, {"email": email}, now=night + dt.timedelta(minutes=1))
    assert report.sent == 1
    assert [m.recipient for m in email.sent] == [PHAT]
    assert "T.A9" in email.sent[0].subject

    # queued, then the chairman waives the work before the delivery pass: it is not sent
    remind(engine, NHUNG, local(2020, 6, 16, 9), task="T.A3")
    act(
        UnitOfWork(engine),
        Identity.officer(HUNG),
        local(2020, 6, 16, 9, 5),
        action="waive",
        task="T.A3",
        period="2020",
        reason="Không phát sinh",
    )
    later = MemoryChannel()
    deliver(engine, {"email": later}, now=local(2020, 6, 16, 9, 10))
    assert later.sent == []
    assert [m.status for m in nudges(engine)] == ["sent", "dropped"]


def test_with_two_units_an_officer_works_in_their_own(engine, load, bundled_plan) -> None:  # type: ignore[no-untyped-def]
    from application.completeness import may, progress_board
    from domain.errors import Conflict

    load(bundled_plan, now=local(2020, 6, 1, 6), unit_code="other-ward")
    board = progress_board(UnitOfWork(engine), Identity.officer(NHUNG), MONDAY)
    assert board.first.unit == "phu-huu"
    assert may(UnitOfWork(engine), Identity.officer(NHUNG), MONDAY)
    assert remind(engine, NHUNG, MONDAY).officer == PHAT
    with pytest.raises(Conflict):  # the operator names the unit
        progress_board(UnitOfWork(engine), Identity.operator("t"), MONDAY)
    assert progress_board(UnitOfWork(engine), Identity.operator("t"), MONDAY, unit="phu-huu")
