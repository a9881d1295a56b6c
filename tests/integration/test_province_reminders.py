"""Reminders of the province's deadlines, on SQLite and PostgreSQL, through the sweep job the
embedded runner and the Prefect flow run (``run_job("remind")``).

A city (tp-hcm) with three wards under quan-9, each with its chairman and CCHC officer (the
bundled plan's ladder: reminders 5, 2 and 0 working days before, escalations 1 and 3 after, at
07:30). The city's CCHC staff set the 2020 self-assessment's deadline on Thursday 18 February
2021, right after Tết (10–16 February 2021):

    reminder 5 → Thu 4/2   reminder 2 → Tue 9/2   (Tết: nothing)   reminder 0 → Thu 18/2
    escalation 1 → Fri 19/2   escalation 2 → Tue 23/2
"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from smtp_server import LocalSmtp
from sqlmodel import Session, SQLModel, col, select

from application import appraisal as ap
from application import assessment as par
from application.access import Identity, Refused
from application.deadline_sweep import deadline_sweep
from application.jobs import JobEnv, SweepRun, run_job
from application.province_deadlines import set_self_assessment_due
from application.settings import Settings
from application.uow import UnitOfWork
from domain.errors import LocalizedError
from models import AuditEntry, DeadlineReminderLog, OutboxMessage
from notifications.channels import MemoryChannel
from notifications.smtp import SmtpChannel, SmtpSettings
from storage.db import with_base_url
from storage.frameworks import load_framework, read_framework_record
from storage.migrate import alembic_config, upgrade
from storage.officers import add_officer, assign, end_assignment
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
WARDS = ("w1", "w2", "w3")
STAFF = Identity.officer("staff@hcm.gov.vn")
STAFF2 = Identity.officer("thu.lt@hcm.gov.vn")
COUNCIL = Identity.officer("council@hcm.gov.vn")
OPERATOR = Identity.operator("root")
DUE = dt.date(2021, 2, 18)  # Thursday, two days after Tết


def local(y: int, m: int, d: int, h: int = 7, mi: int = 35) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


SET_AT = local(2021, 1, 25, 9, 0)
REMINDER_5, REMINDER_2, REMINDER_0 = local(2021, 2, 4), local(2021, 2, 9), local(2021, 2, 18)
ESCALATION_1, ESCALATION_2 = local(2021, 2, 19), local(2021, 2, 23)


def chair(ward: str) -> str:
    return f"chair@{ward}.gov.vn"


def cchc(ward: str) -> str:
    return f"cchc@{ward}.gov.vn"


@pytest.fixture
def province(session, load, bundled_framework):  # type: ignore[no-untyped-def]
    """tp-hcm with three wards, their chairmen and CCHC officers, and two CCHC staff."""
    load_framework(bundled_framework, session=session, actor="test", now=SET_AT)
    for ward in WARDS:
        load(unit_code=ward)
        uid = get_unit(ward, session=session).id or 0
        for email, position, name in (
            (chair(ward), "chairman", f"Chủ tịch {ward}"),
            (cchc(ward), "cchc_officer", f"Công chức CCHC {ward}"),
        ):
            add_officer(name, email, session=session, unit_id=uid, actor="t", now=SET_AT)
            assign(
                email, position, dt.date(2020, 1, 1), session=session, unit_id=uid, actor="t",
                now=SET_AT,
            )  # fmt: skip
    city = get_unit("tp-hcm", session=session).id or 0
    for ident, name in ((STAFF, "Sở Nội vụ"), (STAFF2, "Lê Thị Thu"), (COUNCIL, "Hội đồng")):
        add_officer(name, ident.name, session=session, unit_id=city, actor="t", now=SET_AT)
    session.commit()
    return bundled_framework


@pytest.fixture
def uow(engine) -> UnitOfWork:  # type: ignore[no-untyped-def]
    return UnitOfWork(engine)


@pytest.fixture
def staffed(uow, province) -> UnitOfWork:  # type: ignore[no-untyped-def]
    """The operator makes two officers of the city its CCHC staff; one sets the deadline."""
    for who in (STAFF, STAFF2):
        ap.grant_role(uow, OPERATOR, SET_AT, unit="tp-hcm", email=who.name,
                      role="province_staff", start=dt.date(2021, 1, 1))  # fmt: skip
    result = set_self_assessment_due(uow, STAFF, SET_AT, unit="tp-hcm", year=2020, due=DUE)
    assert (result.units, result.submitted, result.before) == (3, 0, None)
    return uow  # type: ignore[no-any-return]


@pytest.fixture
def env(engine, tmp_path: Path) -> JobEnv:  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path, database_url=str(engine.url), lang="vi")
    return JobEnv(settings, engine, {"email": MemoryChannel()})


def remind(env: JobEnv, now: dt.datetime) -> Any:
    """One run of the sweep job; its report of the province's deadlines."""
    run = run_job(env, "remind", now)
    assert isinstance(run, SweepRun)
    return run.deadlines


def delivered(env: JobEnv, now: dt.datetime) -> list[Any]:
    """One delivery pass; the messages it sent about deadlines."""
    channel = env.channels["email"]
    assert isinstance(channel, MemoryChannel)
    before = len(channel.sent)
    run_job(env, "deliver", now)
    return [m for m in channel.sent[before:] if m.kind.startswith("deadline")]


def to(messages: list[Any]) -> Counter[str]:
    return Counter(m.recipient for m in messages)


def test_reminders_go_to_each_units_chairman_and_cchc_officer_until_it_submits(
    staffed, env
) -> None:  # type: ignore[no-untyped-def]
    par.submit(staffed, Identity.officer(chair("w1")), local(2021, 2, 1, 9), unit="w1", year=2020)
    assert remind(env, local(2021, 2, 3, 17)).messages == 0  # a day before the first step

    report = remind(env, REMINDER_5)
    assert (report.reminders, report.escalations, report.messages) == (2, 0, 4)
    sent = delivered(env, REMINDER_5)
    assert to(sent) == Counter({chair("w2"): 1, cchc("w2"): 1, chair("w3"): 1, cchc("w3"): 1})
    first = next(m for m in sent if m.recipient == chair("w2"))
    assert first.subject == (
        "[CCHC] Nhắc hạn nộp bản tự đánh giá Chỉ số CCHC năm 2020: Thứ Năm, 18/02/2021"
    )
    assert "Kính gửi đồng chí Chủ tịch w2," in first.body
    assert "chậm nhất Thứ Năm, 18/02/2021" in first.body
    assert "Còn 5 ngày làm việc." in first.body  # Tết does not count
    assert "cchc par submit --year 2020" in first.body

    assert remind(env, REMINDER_2).messages == 4
    assert "Còn 2 ngày làm việc." in delivered(env, REMINDER_2)[0].body
    # during Tết: nothing is due
    assert remind(env, local(2021, 2, 12, 9)).messages == 0
    assert remind(env, REMINDER_0).messages == 4
    today = delivered(env, REMINDER_0)
    assert all("Hạn là hôm nay." in m.body for m in today)
    assert "hôm nay, Thứ Năm, 18/02/2021" in today[0].subject


def test_a_late_unit_is_reported_to_the_province_staff_once_in_one_message_each(
    staffed, env, engine
) -> None:  # type: ignore[no-untyped-def]
    for ward, at in (("w1", local(2021, 2, 1, 9)), ("w2", local(2021, 2, 18, 10))):
        par.submit(staffed, Identity.officer(chair(ward)), at, unit=ward, year=2020)
    remind(env, REMINDER_0)
    delivered(env, REMINDER_0)

    report = remind(env, ESCALATION_1)
    assert (report.reminders, report.escalations) == (0, 1)
    sent = delivered(env, ESCALATION_1)
    assert to(sent) == Counter(
        {STAFF.name: 1, STAFF2.name: 1, chair("w3"): 1, cchc("w3"): 1}
    )  # w2 submitted on the day: nothing about it
    staff = next(m for m in sent if m.recipient == STAFF2.name)
    assert staff.subject == "[CCHC] 1 đơn vị quá hạn nộp bản tự đánh giá Chỉ số CCHC năm 2020"
    assert "w3 (w3): chưa nộp bản tự đánh giá Chỉ số CCHC năm 2020" in staff.body
    assert "hạn Thứ Năm, 18/02/2021, quá hạn 1 ngày làm việc." in staff.body
    assert "Chủ tịch: Chủ tịch w3; công chức phụ trách CCHC: Công chức CCHC w3." in staff.body
    assert "cchc province progress --unit tp-hcm --year 2020" in staff.body
    assert "w2" not in staff.body and "w1 (" not in staff.body
    late = next(m for m in sent if m.recipient == chair("w3"))
    assert late.subject.startswith("[CCHC] Quá hạn nộp bản tự đánh giá Chỉ số CCHC năm 2020")
    assert "Đã quá hạn 1 ngày làm việc." in late.body
    assert "đã được báo cáo cán bộ CCHC của tỉnh/thành phố: Sở Nội vụ, Lê Thị Thu." in late.body

    # the same moment again, or a later look before the next step: nothing more
    assert remind(env, ESCALATION_1).messages == 0
    assert remind(env, ESCALATION_1 + dt.timedelta(hours=3)).messages == 0
    # the second escalation; w3 submits after it: nothing more after that
    assert remind(env, ESCALATION_2).escalations == 1
    par.submit(staffed, Identity.officer(chair("w3")), local(2021, 2, 23, 10), unit="w3", year=2020)
    assert remind(env, local(2021, 3, 1)).messages == 0
    with Session(engine) as session:
        steps = [
            (r.unit_id, r.kind, r.step)
            for r in session.exec(select(DeadlineReminderLog))
            if r.outcome == "sent"
        ]
    assert len(steps) == len(set(steps))


def test_a_reminder_about_a_unit_that_submitted_before_it_went_is_dropped(
    staffed, env, engine
) -> None:  # type: ignore[no-untyped-def]
    assert remind(env, REMINDER_5).messages == 6
    # the mail server was down, or the message held: w2 submits before it goes
    par.submit(staffed, Identity.officer(chair("w2")), local(2021, 2, 4, 8), unit="w2", year=2020)
    sent = delivered(env, local(2021, 2, 4, 9))
    assert to(sent) == Counter(
        {chair(w): 1 for w in ("w1", "w3")} | {cchc(w): 1 for w in ("w1", "w3")}
    )
    with Session(engine) as session:
        dropped = [
            r.recipient for r in session.exec(select(OutboxMessage)) if r.status == "dropped"
        ]
    assert sorted(dropped) == sorted([chair("w2"), cchc("w2")])


def test_two_sweeps_at_the_same_time_send_each_step_once(staffed, env, engine) -> None:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(2, timeout=30)

    def one_sweep() -> Any:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            report = deadline_sweep(session=own, now=ESCALATION_1)
            own.commit()
            return report

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = [f.result(timeout=120) for f in [pool.submit(one_sweep) for _ in range(2)]]

    # three wards late: each escalated once (a catch-up: the reminders before were missed)
    assert sum(r.escalations for r in reports) == 3
    assert sum(r.reminders for r in reports) == 0
    with Session(engine) as session:
        rows = list(session.exec(select(OutboxMessage)))
        log = list(session.exec(select(DeadlineReminderLog)))
    assert sum(r.messages for r in reports) == len(rows)
    assert len({r.key for r in rows}) == len(rows)
    units = Counter(
        d["unit"] for r in rows if r.kind == "deadline_overdue" for d in r.facts["deadlines"]
    )
    # each staff member hears of each ward once, whichever sweep told them
    assert units == Counter({"w1": 2, "w2": 2, "w3": 2})
    assert Counter(r.recipient for r in rows if r.kind == "deadline") == Counter(
        {chair(w): 1 for w in WARDS} | {cchc(w): 1 for w in WARDS}
    )
    sent = [(r.unit_id, r.kind, r.step) for r in log if r.outcome == "sent"]
    assert len(sent) == len(set(sent)) == 3
    assert {(r.kind, r.step) for r in log if r.outcome == "skipped"} == {
        ("reminder", 5),
        ("reminder", 2),
        ("reminder", 0),
    }


def test_a_crash_before_commit_leaves_nothing_and_the_next_sweep_sends_once(
    staffed, env, engine
) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        report = deadline_sweep(session=session, now=REMINDER_5)
        assert report.messages == 6
        session.rollback()  # the process died before its commit
        assert session.exec(select(OutboxMessage)).first() is None
        assert session.exec(select(DeadlineReminderLog)).first() is None
    assert remind(env, REMINDER_5).messages == 6
    assert remind(env, REMINDER_5).messages == 0


def test_a_dry_run_says_what_without_writing(staffed, env, engine) -> None:  # type: ignore[no-untyped-def]
    run = run_job(env, "remind", ESCALATION_1)  # noqa: F841  (the real one, for comparison)
    with Session(engine) as session:
        written = len(list(session.exec(select(OutboxMessage))))
        session.rollback()
    with Session(engine) as session:
        for table in (OutboxMessage, DeadlineReminderLog):
            session.exec(sa.delete(table))  # type: ignore[call-overload]
        session.commit()
    from application.jobs import remind_job

    dry = remind_job(env, ESCALATION_1, dry_run=True).deadlines
    assert [(p["unit"], p["kind"], p["step"], p["catch_up"]) for p in dry.planned] == [
        (w, "escalation", 1, True) for w in WARDS
    ]
    assert len(dry.planned_messages) == written
    staff = next(m for m in dry.planned_messages if m["to"] == STAFF.name)
    assert (staff["kind"], [i["unit"] for i in staff["items"]]) == ("deadline_overdue", list(WARDS))
    with Session(engine) as session:
        assert session.exec(select(OutboxMessage)).first() is None
        assert session.exec(select(DeadlineReminderLog)).first() is None


def test_the_people_are_those_holding_the_posts_on_the_day(staffed, env, session) -> None:  # type: ignore[no-untyped-def]
    # w2's CCHC officer leaves on 5 February; an acting one covers from 8 February
    uid = get_unit("w2", session=session).id or 0
    end_assignment(cchc("w2"), "cchc_officer", dt.date(2021, 2, 5), session=session, unit_id=uid,
                actor="t", now=SET_AT)  # fmt: skip
    add_officer("Quyền CCHC w2", "acting@w2.gov.vn", session=session, unit_id=uid, actor="t",
                now=SET_AT)  # fmt: skip
    assign("acting@w2.gov.vn", "cchc_officer", dt.date(2021, 2, 8), session=session,
           unit_id=uid, actor="t", now=SET_AT, kind="acting")  # fmt: skip
    session.commit()
    remind(env, REMINDER_5)
    assert cchc("w2") in to(delivered(env, REMINDER_5))
    remind(env, REMINDER_2)
    people = to(delivered(env, REMINDER_2))
    assert "acting@w2.gov.vn" in people and cchc("w2") not in people


def test_only_the_province_staff_set_the_deadline_and_it_is_audited(uow, province, engine) -> None:  # type: ignore[no-untyped-def]
    ap.grant_role(uow, OPERATOR, SET_AT, unit="tp-hcm", email=STAFF.name,
                  role="province_staff", start=dt.date(2021, 1, 1))  # fmt: skip
    for who in (Identity.officer(chair("w1")), COUNCIL, OPERATOR):
        with pytest.raises(Refused):
            set_self_assessment_due(uow, who, SET_AT, unit="tp-hcm", year=2020, due=DUE)
    with pytest.raises(LocalizedError) as past:
        set_self_assessment_due(uow, STAFF, SET_AT, unit="tp-hcm", year=2020,
                                due=dt.date(2021, 1, 22))  # fmt: skip
    assert "đã qua" in past.value.render("vi")
    with pytest.raises(LocalizedError) as tet:
        set_self_assessment_due(uow, STAFF, SET_AT, unit="tp-hcm", year=2020,
                                due=dt.date(2021, 2, 12))  # fmt: skip
    assert "không phải ngày làm việc" in tet.value.render(
        "vi"
    ) and "17/02/2021" in tet.value.render("vi")
    with pytest.raises(LocalizedError) as ward:
        set_self_assessment_due(uow, STAFF, SET_AT, unit="w1", year=2020, due=DUE)
    assert "Gợi ý" in ward.value.render("vi") and "Hint" in ward.value.render("en")

    set_self_assessment_due(uow, STAFF, SET_AT, unit="tp-hcm", year=2020, due=DUE)
    moved = set_self_assessment_due(
        uow, STAFF, SET_AT, unit="tp-hcm", year=2020, due=dt.date(2021, 2, 26)
    )
    assert moved.before == DUE and moved.due == dt.date(2021, 2, 26)
    with Session(engine) as session:
        entries = [
            (e.actor, e.after)
            for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))
            if e.action == "appraisal_deadline"
        ]
        refused = [e for e in session.exec(select(AuditEntry)) if e.action == "refused"]
    assert entries == [(STAFF.name, {"due": "2021-02-18"}), (STAFF.name, {"due": "2021-02-26"})]
    assert len(refused) == 3


def test_a_moved_deadline_reminds_again_for_the_new_date(staffed, env) -> None:  # type: ignore[no-untyped-def]
    assert remind(env, REMINDER_5).messages == 6
    new = dt.date(2021, 2, 26)  # Friday: 5 working days before is Friday 19 February
    set_self_assessment_due(staffed, STAFF, local(2021, 2, 8, 9), unit="tp-hcm", year=2020,
                            due=new)  # fmt: skip
    assert remind(env, REMINDER_2).messages == 0  # the old date's steps are gone
    report = remind(env, local(2021, 2, 19))
    assert (report.reminders, report.escalations) == (3, 0)
    assert all("Còn 5 ngày làm việc." in m.body for m in delivered(env, local(2021, 2, 19)))


def test_messages_link_to_the_pages_when_the_web_address_is_known(staffed, env, engine) -> None:  # type: ignore[no-untyped-def]
    linked = JobEnv(env.settings, with_base_url(engine, "https://cchc.hcm.gov.vn"), env.channels)
    remind(linked, ESCALATION_1)
    sent = delivered(linked, ESCALATION_1)
    unit = next(m for m in sent if m.recipient == chair("w1"))
    assert "Đồng chí thực hiện tại: https://cchc.hcm.gov.vn/tu-danh-gia" in unit.body
    assert "cchc par submit" not in unit.body
    staff = next(m for m in sent if m.recipient == STAFF.name)
    assert "Xem tại: https://cchc.hcm.gov.vn/tinh/tien-do?nam=2020&don_vi=tp-hcm" in staff.body


def test_an_officer_reads_it_in_english(staffed, env, session) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import select as sel

    from models import Officer

    officer = session.exec(sel(Officer).where(Officer.email == chair("w2"))).one()
    officer.lang = "en"
    session.add(officer)
    session.commit()
    remind(env, REMINDER_0)
    message = next(m for m in delivered(env, REMINDER_0) if m.recipient == chair("w2"))
    assert message.subject == (
        "[CCHC] Reminder: the PAR Index self-assessment 2020, due today, Thursday, 18/02/2021"
    )
    assert "Due today." in message.body and "Dear Chủ tịch w2," in message.body


def test_escalations_go_through_the_smtp_server(staffed, env, engine) -> None:  # type: ignore[no-untyped-def]
    server = LocalSmtp().start()
    try:
        smtp = SmtpChannel(
            SmtpSettings.from_url(server.url, timeout=10),
            parseaddr("Hệ thống CCHC <cchc@hcm.gov.vn>"),
        )
        real = JobEnv(env.settings, engine, {"email": smtp})
        remind(real, ESCALATION_1)
        run_job(real, "deliver", ESCALATION_1)
        got = {r.rcpt_tos[0]: r.parsed() for r in server.received}
    finally:
        server.stop()
    message = got[STAFF.name]
    assert str(message["Subject"]) == (
        "[CCHC] 3 đơn vị quá hạn nộp bản tự đánh giá Chỉ số CCHC năm 2020"
    )
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and "chưa nộp bản tự đánh giá" in body.get_content()
    assert len(server.received) == 2 + 2 * len(WARDS)


# --- the explanation window -------------------------------------------------------------------

ROUND1 = dt.datetime(2021, 1, 11, 2, 0, tzinfo=dt.UTC)
CLOSE1 = dt.datetime(2021, 1, 15, 2, 0, tzinfo=dt.UTC)  # Friday 09:00: 5 working days → 22/01


def test_a_unit_is_reminded_of_its_unexplained_items_and_the_staff_told_when_it_lets_the_window_pass(
    staffed, province, env
) -> None:  # type: ignore[no-untyped-def]
    ap.grant_role(staffed, STAFF, ROUND1, unit="tp-hcm", email=COUNCIL.name, role="appraiser",
                  start=dt.date(2021, 1, 1))  # fmt: skip
    par.submit(staffed, Identity.officer(chair("w1")), local(2021, 1, 5, 9), unit="w1", year=2020)
    ap.open_round(staffed, STAFF, ROUND1, unit="w1", year=2020)
    with staffed as session:
        items = [
            (i.code, i.max) for i in read_framework_record(province.code, session=session).items()
        ]
    commented = ("3.2.1", "5.1.1")
    for code, maximum in items:
        note = "Thiếu tài liệu" if code in commented else ""
        ap.score(staffed, COUNCIL, ROUND1, unit="w1", year=2020, item=code, points=maximum,
                 comment=note)  # fmt: skip
    (closed,) = ap.close_round(staffed, STAFF, CLOSE1, unit="w1", year=2020)
    assert closed.due == dt.date(2021, 1, 22)

    report = remind(env, local(2021, 1, 15, 9, 5))  # the first step (15/01 07:30) has come
    assert report.reminders == 1
    (first, other) = sorted(delivered(env, local(2021, 1, 15, 9, 5)), key=lambda m: m.recipient)
    assert {first.recipient, other.recipient} == {chair("w1"), cchc("w1")}
    assert "giải trình 2 tiêu chí có ý kiến ở vòng 1" in first.body
    assert "cchc appraisal show --unit w1 --year 2020" in first.body

    ap.explain(staffed, Identity.officer(cchc("w1")), local(2021, 1, 19, 9), unit="w1",
               year=2020, item="3.2.1", text="Đã bổ sung sổ theo dõi")  # fmt: skip
    remind(env, local(2021, 1, 20))  # 2 working days before 22/01
    assert all(
        "giải trình 1 tiêu chí có ý kiến" in m.body for m in delivered(env, local(2021, 1, 20))
    )

    report = remind(env, local(2021, 1, 25))  # the window closed on Friday
    assert report.escalations == 1
    sent = delivered(env, local(2021, 1, 25))
    assert to(sent) == Counter({STAFF.name: 1, STAFF2.name: 1})  # the unit can no longer act
    staff = sent[0]
    assert "chưa giải trình 1 tiêu chí có ý kiến ở vòng 1" in staff.body
    assert "cchc appraisal show --unit w1 --year 2020" in staff.body


def test_a_unit_that_has_explained_everything_is_not_reminded(staffed, province, env) -> None:  # type: ignore[no-untyped-def]
    ap.grant_role(staffed, STAFF, ROUND1, unit="tp-hcm", email=COUNCIL.name, role="appraiser",
                  start=dt.date(2021, 1, 1))  # fmt: skip
    par.submit(staffed, Identity.officer(chair("w2")), local(2021, 1, 5, 9), unit="w2", year=2020)
    ap.open_round(staffed, STAFF, ROUND1, unit="w2", year=2020)
    with staffed as session:
        items = [
            (i.code, i.max) for i in read_framework_record(province.code, session=session).items()
        ]
    for code, maximum in items:  # full marks, no comment: nothing to explain
        ap.score(staffed, COUNCIL, ROUND1, unit="w2", year=2020, item=code, points=maximum)
    ap.close_round(staffed, STAFF, CLOSE1, unit="w2", year=2020)
    for moment in (local(2021, 1, 15, 9, 5), local(2021, 1, 22), local(2021, 1, 25)):
        assert remind(env, moment).messages == 0


# --- the schema ---------------------------------------------------------------------------------


def test_the_migration_matches_the_model_and_goes_back(engine) -> None:  # type: ignore[no-untyped-def]
    import models  # noqa: F401  (registers every table)

    tables = ("province_deadline", "deadline_reminder_log")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [
            d
            for d in compare_metadata(context, SQLModel.metadata)
            if any(t in repr(d) for t in tables)
        ]
    assert diffs == []
    command.downgrade(alembic_config(engine), "0015")
    assert not set(tables) & set(sa.inspect(engine).get_table_names())
    upgrade(engine)
    assert set(tables) <= set(sa.inspect(engine).get_table_names())
