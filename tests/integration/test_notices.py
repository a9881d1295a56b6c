"""What goes into the outbox for whom and when: digests, quiet hours, review notices, language.

The ward runs a plan of one-off tasks with the default reminder ladder, in June 2020 (no
public holidays; weekends off):

    T.LATE  cchc_officer  due Fri 5/6      T.SOON   cchc_officer  due Wed 10/6
    T.BACK  cchc_officer  due Fri 12/6     T.FAR    cchc_officer  due Tue 30/6
    T.CHAIR chairman      due Wed 10/6     T.DESK   one_stop      due Wed 10/6
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Iterator

import pytest
from smtp_server import LocalSmtp
from sqlmodel import Session, col, select

from application.delivery import deliver
from application.digest import send_digests
from application.message_audit import check_outbox
from application.notices import Recipient, enqueue
from application.occurrences import materialise_plan as materialise
from application.occurrences import transition
from application.sweep import sweep
from cchc.tables import read_table
from domain.plan import Due, Plan, Reminders, Schedule
from models import Occurrence, OutboxMessage
from notifications.render import Rendered
from notifications.smtp import SmtpChannel, SmtpSettings
from plans import HERE
from responsibilities.roster import read_roster
from storage.calendar import load_calendar
from storage.occurrences import find_occurrence
from storage.officers import assign, import_roster, set_contact
from storage.plans import find_plan
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
HUNG = "hung.nv@phuhuu.gov.vn"  # chairman
MAI = "mai.tt@phuhuu.gov.vn"  # vice-chairman, areas 3, 6, 7
BAO = "bao.lq@phuhuu.gov.vn"  # vice-chairman, areas 1, 2, 4, 5, 8, 9
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer
ANH = "anh.btn@phuhuu.gov.vn"  # one-stop desk

TASKS = (
    ("T.LATE", "3", "cchc_officer", D(2020, 6, 5)),
    ("T.SOON", "3", "cchc_officer", D(2020, 6, 10)),
    ("T.BACK", "9", "cchc_officer", D(2020, 6, 12)),
    ("T.FAR", "3", "cchc_officer", D(2020, 6, 30)),
    ("T.CHAIR", "1", "chairman", D(2020, 6, 10)),
    ("T.DESK", "3", "one_stop", D(2020, 6, 10)),
)
REASON = "Thiếu sổ theo dõi hồ sơ <Mẫu 06> & chữ ký của lãnh đạo."


def local(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


MATERIALISED_AT = local(2020, 6, 1, 6)


def notices_plan(plan: Plan) -> Plan:
    base = next(t for t in plan.tasks if t.code == "II.3.1")
    tasks = tuple(
        dataclasses.replace(
            base,
            code=code,
            area=area,
            lead=lead,
            schedule=Schedule("once", D(2020, 1, 1), D(2020, 12, 31), Due(date=due)),
            reminders=Reminders(),
            evidence=(),  # submitting needs no upload here
        )
        for code, area, lead, due in TASKS
    )
    return dataclasses.replace(plan, tasks=tasks)


@pytest.fixture
def ward(session, load, bundled_plan) -> int:  # type: ignore[no-untyped-def]
    """The plan above with the demo roster (no acting row), materialised on 1 June; unit id."""
    plan = notices_plan(bundled_plan)
    load(plan, now=MATERIALISED_AT)
    unit_id = get_unit("phu-huu", session=session).id
    assert unit_id is not None
    header, rows = read_table(HERE / "demo-roster.csv")
    entries = read_roster(
        header,
        [(n, r) for n, r in rows if r.get("kind") != "acting"],
        file="demo-roster.csv",
        positions=[r.code for r in plan.roles],
        areas=[a.code for a in plan.areas],
    )
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=MATERIALISED_AT)
    materialise(
        find_plan(session=session, unit_id=unit_id),
        session=session,
        actor="test",
        now=MATERIALISED_AT,
    )
    session.commit()
    return unit_id


@pytest.fixture
def smtp() -> Iterator[LocalSmtp]:
    server = LocalSmtp().start()
    try:
        yield server
    finally:
        server.stop()


def channels(smtp: LocalSmtp) -> dict[str, SmtpChannel]:
    settings = SmtpSettings.from_url(smtp.url, timeout=10)
    return {"email": SmtpChannel(settings, ("Hệ thống CCHC", "cchc@phuhuu.gov.vn"))}


def outbox(session: Session, since: int = 0) -> list[OutboxMessage]:
    session.expire_all()
    return list(
        session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.id) > since)
            .order_by(col(OutboxMessage.id))
        )
    )


def contact(session: Session, unit_id: int, email: str, **prefs: object) -> None:
    set_contact(email, session=session, unit_id=unit_id, actor="test", now=MATERIALISED_AT, **prefs)  # type: ignore[arg-type]
    session.commit()


def act(
    session: Session,
    unit_id: int,
    task: str,
    action: str,
    actor: str,
    now: dt.datetime,
    reason: str | None = None,
) -> Occurrence:
    occ = find_occurrence(unit_id, task, "2020", session=session)
    transition(occ, action, session=session, actor=actor, now=now, reason=reason)
    session.commit()
    return occ


def sections(body: str) -> dict[str, str]:
    """The three numbered sections of a Vietnamese digest, by their first word."""
    heads = ("1. SẮP ĐẾN HẠN", "2. QUÁ HẠN", "3. BỊ TRẢ LẠI ĐỂ BỔ SUNG", "Trân trọng.")
    starts = [body.index(h) for h in heads]
    assert starts == sorted(starts), body
    return {heads[i][3:]: body[starts[i] : starts[i + 1]] for i in range(3)}


# --- the daily digest ----------------------------------------------------------------------------


def test_digest_officers_get_no_reminders_and_one_digest_each_working_morning(
    session, ward
) -> None:  # type: ignore[no-untyped-def]
    contact(session, ward, NHUNG, digest=True)
    contact(session, ward, HUNG, digest=True)

    # Monday 1 June: nothing within three working days, nothing late, nothing returned
    assert send_digests(session=session, now=local(2020, 6, 1, 7)) == 0
    session.commit()
    assert outbox(session) == []

    # the sweep on Wednesday 3 June: the digest officers get no individual reminders
    report = sweep(session=session, now=local(2020, 6, 3, 7, 30), actor="test")
    session.commit()
    queued = outbox(session)
    assert report.reminders > report.messages == len(queued) == 1
    assert [(m.kind, m.recipient) for m in queued] == [("reminder", ANH)]

    act(session, ward, "T.BACK", "submit", NHUNG, local(2020, 6, 5, 9))
    act(session, ward, "T.BACK", "return", BAO, local(2020, 6, 5, 10), reason=REASON)
    before = outbox(session)[-1].id
    assert [(m.kind, m.recipient) for m in outbox(session)] == [
        ("reminder", ANH),
        ("submitted", BAO),  # the approver is told
        ("returned", NHUNG),
    ]

    # Sunday 7 June: work is due and late, but it is not a working day
    assert send_digests(session=session, now=local(2020, 6, 7, 7)) == 0
    session.commit()
    assert outbox(session, before) == []

    monday = local(2020, 6, 8, 7)
    assert send_digests(session=session, now=monday) == 2
    session.commit()
    digests = outbox(session, before)
    assert Counter((m.kind, m.recipient) for m in digests) == {
        ("digest", NHUNG): 1,
        ("digest", HUNG): 1,
    }
    mine = next(m for m in digests if m.recipient == NHUNG)
    assert mine.next_attempt_at == monday
    assert mine.subject == (
        "[CCHC] Tổng hợp công việc ngày Thứ Hai, 08/06/2020: 1 sắp đến hạn, 1 quá hạn, 1 bị trả lại"
    )
    parts = sections(mine.body)
    assert "T.SOON kỳ năm 2020" in parts["SẮP ĐẾN HẠN"]
    assert "Hạn: Thứ Tư, 10/06/2020 — còn 2 ngày làm việc" in parts["SẮP ĐẾN HẠN"]
    assert "T.LATE kỳ năm 2020" in parts["QUÁ HẠN"]
    assert "quá hạn 1 ngày làm việc" in parts["QUÁ HẠN"]
    assert "T.BACK kỳ năm 2020" in parts["BỊ TRẢ LẠI ĐỂ BỔ SUNG"]
    assert f"Lý do trả lại: {REASON}" in parts["BỊ TRẢ LẠI ĐỂ BỔ SUNG"]
    for name, text in parts.items():
        others = {"T.SOON", "T.LATE", "T.BACK"} - {
            {"SẮP ĐẾN HẠN": "T.SOON", "QUÁ HẠN": "T.LATE"}.get(name, "T.BACK")
        }
        assert not any(code in text for code in others), (name, text)
    assert "T.FAR" not in mine.body and "T.CHAIR" not in mine.body
    assert "&lt;Mẫu 06&gt; &amp;" in mine.html
    # then the progress of all the officer's work, in the five categories, with shares
    progress = (
        "Tiến độ: 4 nhiệm vụ: 0 đã hoàn thành đúng hạn (0%); 0 đã hoàn thành quá hạn (0%); "
        "3 đang thực hiện trong hạn (75%); 1 đang thực hiện quá hạn (25%); 0 chưa đến hạn (0%)."
    )
    flat = " ".join(mine.body.split())
    assert progress in flat and flat.index(progress) > flat.index("BỊ TRẢ LẠI ĐỂ BỔ SUNG")
    assert progress in " ".join(mine.html.split())

    chair = next(m for m in digests if m.recipient == HUNG)
    assert chair.subject.endswith("1 sắp đến hạn, 0 quá hạn, 0 bị trả lại")
    assert "Không có việc nào quá hạn." in sections(chair.body)["QUÁ HẠN"]
    assert "T.CHAIR kỳ năm 2020" in sections(chair.body)["SẮP ĐẾN HẠN"]

    # again the same day: nothing more (the count returned: see the enqueue test below)
    send_digests(session=session, now=monday + dt.timedelta(minutes=5))
    session.commit()
    assert len(outbox(session, before)) == 2


def test_enqueuing_the_same_notice_twice_adds_nothing_and_says_so(session, engine) -> None:  # type: ignore[no-untyped-def]
    calendar = load_calendar(session=session, years=[2020])
    to = Recipient(email=NHUNG, name="Phạm Thị Hồng Nhung")
    rendered = Rendered(subject="[CCHC] Tổng hợp", text="Kính gửi\n", html="<p>Kính gửi</p>\n")
    monday = local(2020, 6, 8, 7)
    kwargs = {
        "to": to,
        "kind": "digest",
        "key": "digest:1:2020-06-08",
        "rendered": rendered,
        "now": monday,
        "calendar": calendar,
        "timezone": "Asia/Ho_Chi_Minh",
        "unit_id": None,
    }
    assert enqueue(session, **kwargs) == 1
    session.commit()
    again = enqueue(session, **kwargs)
    session.commit()
    assert len(outbox(session)) == 1
    assert again == 0


# --- quiet hours ---------------------------------------------------------------------------------


def test_a_notice_composed_at_night_waits_for_the_next_working_morning(
    session, ward, engine, smtp
) -> None:  # type: ignore[no-untyped-def]
    act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 8, 10))
    night = local(2020, 6, 8, 21)  # Monday evening
    [submitted] = outbox(session)  # the approver is asked to review it, during the day
    assert deliver(engine, channels(smtp), now=local(2020, 6, 8, 10, 1)).sent == 1
    assert smtp.received[0].rcpt_tos == (MAI,)
    act(session, ward, "T.SOON", "return", MAI, night, reason=REASON)
    [returned] = outbox(session, submitted.id or 0)
    assert (returned.kind, returned.recipient) == ("returned", NHUNG)
    assert returned.created_at == night
    assert returned.next_attempt_at == local(2020, 6, 9, 7)  # Tuesday 07:00 (+07:00)

    assert deliver(engine, channels(smtp), now=night + dt.timedelta(minutes=5)).claimed == 0
    assert deliver(engine, channels(smtp), now=local(2020, 6, 9, 6, 59)).claimed == 0
    assert deliver(engine, channels(smtp), now=local(2020, 6, 9, 7)).sent == 1
    _, got = smtp.received
    assert str(got.parsed()["Subject"]) == returned.subject

    # on a Friday evening, the message waits for Monday morning
    act(session, ward, "T.FAR", "submit", NHUNG, local(2020, 6, 12, 10))
    act(session, ward, "T.FAR", "return", MAI, local(2020, 6, 12, 21), reason=REASON)
    [weekend] = [m for m in outbox(session, returned.id or 0) if m.kind == "returned"]
    assert weekend.next_attempt_at == local(2020, 6, 15, 7)

    # an officer who does not ask for quiet gets it at once, at night too
    contact(session, ward, HUNG, quiet=False)
    act(session, ward, "T.CHAIR", "submit", HUNG, local(2020, 6, 8, 10))
    act(session, ward, "T.CHAIR", "return", BAO, night, reason=REASON)
    [at_once] = [m for m in outbox(session, weekend.id or 0) if m.kind == "returned"]
    assert (at_once.kind, at_once.recipient) == ("returned", HUNG)
    assert at_once.next_attempt_at == night
    assert deliver(engine, channels(smtp), now=night + dt.timedelta(minutes=5)).sent == 1
    assert str(smtp.received[-1].parsed()["Subject"]) == at_once.subject


def test_an_escalation_at_night_goes_at_once_and_a_reminder_waits(
    session, ward, engine, smtp
) -> None:  # type: ignore[no-untyped-def]
    night = local(2020, 6, 11, 21)  # Thursday evening, first sweep since 1 June
    sweep(session=session, now=night, actor="test")
    session.commit()
    queued = {m.recipient: m for m in outbox(session)}
    # one message per person; those carrying an escalation to their reader go at once
    assert {to: m.kind for to, m in queued.items()} == {
        HUNG: "escalation",  # T.LATE, second escalation (areas 3)
        MAI: "bundle",  # T.SOON and T.DESK, first escalation (area 3)
        NHUNG: "bundle",  # the chairman's own T.CHAIR, her T.LATE and T.SOON reported up, T.BACK
        ANH: "bundle",  # her desk's T.DESK was reported up
    }
    urgent = {HUNG, MAI, NHUNG}
    assert {to for to, m in queued.items() if m.next_attempt_at == night} == urgent
    assert queued[ANH].next_attempt_at == local(2020, 6, 12, 7)
    assert "T.BACK kỳ năm 2020" in queued[NHUNG].body  # her reminder rides with the escalation

    report = deliver(engine, channels(smtp), now=night + dt.timedelta(minutes=1))
    assert (report.claimed, report.sent) == (3, 3)
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == sorted(urgent)
    assert all("báo cáo lãnh đạo" in str(r.parsed()["Subject"]) for r in smtp.received)
    assert not any("trễ hạn" in str(r.parsed()["Subject"]) for r in smtp.received)

    report = deliver(engine, channels(smtp), now=local(2020, 6, 12, 7))
    assert (report.claimed, report.sent) == (1, 1)
    assert smtp.received[-1].rcpt_tos == (ANH,)
    assert str(smtp.received[-1].parsed()["Subject"]) == (
        "[CCHC] Đã báo cáo lên cấp trên: T.DESK kỳ năm 2020 chậm 2 ngày làm việc"
    )


# --- review notices ------------------------------------------------------------------------------


def test_returning_and_accepting_tell_the_lead_officer(session, ward) -> None:  # type: ignore[no-untyped-def]
    occ = act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 8, 9))
    [submitted] = outbox(session)  # a submission tells the approver (see below)
    assert (submitted.kind, submitted.recipient) == ("submitted", MAI)
    act(session, ward, "T.SOON", "return", MAI, local(2020, 6, 8, 10), reason=REASON)
    [returned] = outbox(session, submitted.id or 0)
    assert (returned.kind, returned.recipient, returned.occurrence_id) == (
        "returned",
        NHUNG,
        occ.id,
    )
    assert returned.recipient_name == "Phạm Thị Hồng Nhung"
    assert returned.key.startswith(f"occ{occ.id}:returned:")
    assert (
        returned.subject == "[CCHC] Trả lại để bổ sung: T.SOON kỳ năm 2020 (hạn Thứ Tư, 10/06/2020)"
    )
    assert "Đồng chí Trần Thị Mai đã xem xét và trả lại" in returned.body
    assert f"Lý do trả lại: {REASON}" in returned.body
    assert "Thiếu sổ theo dõi hồ sơ &lt;Mẫu 06&gt; &amp; chữ ký" in returned.html
    assert "<Mẫu 06>" not in returned.html

    act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 9, 9))
    act(session, ward, "T.SOON", "accept", MAI, local(2020, 6, 9, 14))
    [again, accepted] = outbox(session, returned.id or 0)
    assert (again.kind, again.recipient) == ("submitted", MAI)
    assert (accepted.kind, accepted.recipient) == ("accepted", NHUNG)
    assert accepted.subject == "[CCHC] Đã chấp nhận: T.SOON kỳ năm 2020"
    assert "Đồng chí Trần Thị Mai đã chấp nhận kết quả" in accepted.body
    assert accepted.key != returned.key


def test_an_acceptance_with_no_words_after_a_return_has_no_reviewer_comment(session, ward) -> None:  # type: ignore[no-untyped-def]
    act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 8, 9))
    act(session, ward, "T.SOON", "return", MAI, local(2020, 6, 8, 10), reason=REASON)
    act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 9, 9))
    act(session, ward, "T.SOON", "accept", MAI, local(2020, 6, 9, 14))
    accepted = outbox(session)[-1]
    assert accepted.kind == "accepted"
    assert "Ý kiến của người duyệt" not in accepted.body
    assert REASON not in accepted.body


# --- language ------------------------------------------------------------------------------------


def test_an_officer_who_reads_english_gets_english(session, ward) -> None:  # type: ignore[no-untyped-def]
    contact(session, ward, HUNG, lang="en")
    sweep(session=session, now=local(2020, 6, 3, 7, 30), actor="test")
    session.commit()
    queued = outbox(session)
    [english] = [m for m in queued if m.recipient == HUNG]
    assert english.subject == "[CCHC] Reminder T.CHAIR (2020): due Wednesday, 10/06/2020"
    assert "Wednesday, 10/06/2020" in english.body
    assert "Publish, update and control administrative procedures" in english.body
    assert "Thứ" not in english.body and "đồng chí" not in english.body
    assert "Wednesday, 10/06/2020" in english.html
    for other in (m for m in queued if m.recipient != HUNG):
        assert "Thứ Tư, 10/06/2020" in other.subject or "Thứ" in other.body

    contact(session, ward, HUNG, digest=True)
    before = queued[-1].id or 0
    assert send_digests(session=session, now=local(2020, 6, 8, 7), unit_ids=[ward]) == 1
    session.commit()
    [digest] = outbox(session, before)
    assert digest.recipient == HUNG
    assert digest.subject == (
        "[CCHC] Daily summary for Monday, 08/06/2020: 1 due soon, 0 overdue, 0 returned"
    )
    assert "Monday, 08/06/2020" in digest.body and "Thứ" not in digest.body
    assert (
        "Progress: 1 tasks: 0 done on time (0%); 0 done late (0%); 1 in progress, on time "
        "(100%); 0 in progress, overdue (0%); 0 not yet due (0%)."
    ) in " ".join(digest.body.split())


# --- a held message is re-checked when it goes ----------------------------------------------------


def late_returned_on_friday(session, ward, engine, smtp) -> OutboxMessage:  # type: ignore[no-untyped-def]
    """T.LATE (due Friday 5 June) is submitted on Thursday, so its last reminder (Friday 07:30)
    is never sent; returned on Friday afternoon, it is chased by the Saturday sweep: a
    reminder to the CCHC officer written on Saturday and held by quiet hours until Monday."""
    for moment in (local(2020, 6, 3, 7, 30), local(2020, 6, 5, 7, 30)):
        if moment.day == 5:
            act(session, ward, "T.LATE", "submit", NHUNG, local(2020, 6, 4, 9))
        sweep(session=session, now=moment, actor="test")
        session.commit()
        deliver(engine, channels(smtp), now=moment + dt.timedelta(minutes=1))
    act(session, ward, "T.LATE", "return", MAI, local(2020, 6, 5, 16), reason=REASON)
    deliver(engine, channels(smtp), now=local(2020, 6, 5, 16, 1))
    before = outbox(session)[-1].id or 0
    saturday = local(2020, 6, 6, 8)
    sweep(session=session, now=saturday, actor="test")
    session.commit()
    [held] = outbox(session, before)
    assert (held.kind, held.recipient, held.created_at) == ("reminder", NHUNG, saturday)
    assert held.next_attempt_at == local(2020, 6, 8, 7)
    # written on Saturday, a Friday deadline has passed: never "today is the last day"
    assert "Hạn là hôm nay" not in held.body and "Hôm nay là ngày cuối" not in held.body
    assert deliver(engine, channels(smtp), now=saturday + dt.timedelta(minutes=1)).claimed == 0
    return held


def test_a_reminder_held_over_the_weekend_says_on_monday_how_late_it_is(
    session, ward, engine, smtp
) -> None:  # type: ignore[no-untyped-def]
    held = late_returned_on_friday(session, ward, engine, smtp)
    received = len(smtp.received)

    monday = local(2020, 6, 8, 7)
    assert deliver(engine, channels(smtp), now=monday).sent == 1
    [got] = smtp.received[received:]
    mail = got.parsed()
    assert got.rcpt_tos == (NHUNG,)
    assert str(mail["Subject"]) == (
        "[CCHC] Quá hạn T.LATE kỳ năm 2020 (hạn Thứ Sáu, 05/06/2020, trễ 1 ngày làm việc)"
    )
    body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Đã quá hạn 1 ngày làm việc." in body
    assert "Hạn là hôm nay" not in body and "Còn " not in body
    assert mail["Date"].datetime == monday  # dated when it went, not on Saturday
    [row] = [m for m in outbox(session) if m.id == held.id]
    assert (row.status, row.body) == ("sent", body)
    assert check_outbox(session) == []  # the check the demo runs finds nothing wrong


def test_a_held_reminder_about_work_submitted_meanwhile_is_dropped(
    session, ward, engine, smtp
) -> None:  # type: ignore[no-untyped-def]
    held = late_returned_on_friday(session, ward, engine, smtp)
    received = len(smtp.received)
    act(session, ward, "T.LATE", "submit", NHUNG, local(2020, 6, 7, 20))  # Sunday evening

    report = deliver(engine, channels(smtp), now=local(2020, 6, 8, 7))
    assert (report.sent, report.dropped) == (1, 1)
    assert [r.rcpt_tos for r in smtp.received[received:]] == [(MAI,)]  # "waiting for review"
    [row] = [m for m in outbox(session) if m.id == held.id]
    assert row.status == "dropped"


def test_only_the_newest_of_two_waiting_reminders_goes(session, ward, engine, smtp) -> None:  # type: ignore[no-untyped-def]
    # the delivery job is down from Monday to Wednesday: Monday's reminders ("còn 2 ngày")
    # and Wednesday's ("hạn là hôm nay") wait together
    monday, wednesday = local(2020, 6, 8, 7, 30), local(2020, 6, 10, 7, 30)
    for moment in (monday, wednesday):
        sweep(session=session, now=moment, actor="test")
        session.commit()
    queued = outbox(session)
    [old, new] = [m for m in queued if m.recipient == ANH]
    assert "Còn 2 ngày làm việc." in old.body
    assert "Hạn là hôm nay." in new.body and "còn 0" not in new.body.lower()

    report = deliver(engine, channels(smtp), now=wednesday + dt.timedelta(minutes=1))
    to_anh = [r for r in smtp.received if r.rcpt_tos == (ANH,)]
    assert len(to_anh) == 1, [r.parsed()["Subject"] for r in to_anh]
    [got] = to_anh
    assert report.sent == len(smtp.received) and report.dropped >= 1
    body = got.parsed().get_body(("plain",)).get_content()
    assert "Hạn là hôm nay." in body and "Còn 2 ngày" not in body
    statuses = {m.id: m.status for m in outbox(session)}
    assert (statuses[old.id], statuses[new.id]) == ("superseded", "sent")
    # nobody gets two things about the same occurrence in one delivery
    codes = {o.id: o.task_code for o in session.exec(select(Occurrence))}
    told = Counter(
        (m.recipient, codes[i["occurrence"]])
        for m in outbox(session)
        if m.status == "sent"
        for i in m.facts["items"]
    )
    assert told.most_common(1)[0][1] == 1, told
    assert check_outbox(session) == []


# --- approvers are told --------------------------------------------------------------------------


def test_a_submission_tells_the_approvers_of_the_area_not_the_submitter(
    session, ward, engine, smtp
) -> None:  # type: ignore[no-untyped-def]
    # the CCHC officer is also a vice-chairman for area 3: she never reviews her own work
    assign(
        NHUNG,
        "vice_chairman",
        D(2020, 6, 1),
        session=session,
        unit_id=ward,
        actor="test",
        now=MATERIALISED_AT,
        scope=["3"],
    )
    session.commit()
    act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 8, 9))  # area 3
    act(session, ward, "T.BACK", "submit", NHUNG, local(2020, 6, 8, 9, 5))  # area 9
    act(session, ward, "T.DESK", "submit", ANH, local(2020, 6, 8, 9, 10))  # one-stop, area 3
    act(session, ward, "T.CHAIR", "submit", HUNG, local(2020, 6, 8, 9, 15))  # area 1
    queued = outbox(session)
    assert [(m.kind, m.recipient) for m in queued] == [
        ("submitted", MAI),
        ("submitted", BAO),
        ("submitted", MAI),
        ("submitted", NHUNG),  # she may review the one-stop desk's work
        ("submitted", BAO),
    ]
    first = queued[0]
    assert first.subject == (
        "[CCHC] Chờ duyệt: T.SOON kỳ năm 2020 — Phạm Thị Hồng Nhung đã nộp kết quả "
        "(hạn Thứ Tư, 10/06/2020)"
    )
    assert "Kính gửi đồng chí Trần Thị Mai — Phó Chủ tịch UBND phường," in first.body
    assert "cchc occurrence accept T.SOON 2020" in first.body
    assert deliver(engine, channels(smtp), now=local(2020, 6, 8, 9, 30)).sent == 5
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == sorted([MAI, BAO, MAI, NHUNG, BAO])


def test_an_approvers_digest_lists_what_waits_for_them(session, ward) -> None:  # type: ignore[no-untyped-def]
    contact(session, ward, MAI, digest=True)
    act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 8, 9))
    act(session, ward, "T.DESK", "submit", ANH, local(2020, 6, 8, 9, 10))
    act(session, ward, "T.BACK", "submit", NHUNG, local(2020, 6, 8, 9, 20))  # area 9: not hers
    before = outbox(session)[-1].id or 0

    assert send_digests(session=session, now=local(2020, 6, 9, 7), unit_ids=[ward]) == 1
    session.commit()
    [digest] = outbox(session, before)
    assert digest.recipient == MAI
    assert digest.subject.endswith("0 sắp đến hạn, 0 quá hạn, 0 bị trả lại, 2 chờ duyệt")
    queue = digest.body[digest.body.index("4. CHỜ ĐỒNG CHÍ DUYỆT") :]
    assert "T.SOON kỳ năm 2020" in queue and "T.DESK kỳ năm 2020" in queue and "T.BACK" not in queue
    assert "Nộp bởi: Phạm Thị Hồng Nhung" in queue
    assert "cchc occurrence accept T.SOON 2020" in queue

    # reviewed: it leaves the queue
    act(session, ward, "T.SOON", "accept", MAI, local(2020, 6, 9, 9))
    act(session, ward, "T.DESK", "accept", MAI, local(2020, 6, 9, 9, 5))
    before = outbox(session)[-1].id or 0
    assert send_digests(session=session, now=local(2020, 6, 10, 7), unit_ids=[ward]) == 0


# --- the outbox check the demo runs -----------------------------------------------------------------


def test_the_outbox_check_finds_self_escalations_and_stale_messages(session, ward) -> None:  # type: ignore[no-untyped-def]
    from application.composer import Item, facts
    from application.message_audit import SELF_ESCALATION, STALE

    act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 8, 9))
    occ = {
        code: find_occurrence(ward, code, "2020", session=session)
        for code in ("T.CHAIR", "T.SOON", "T.LATE", "T.BACK")
    }

    def sent(n: int, kind: str, to: str, item: Item, body: str, at: dt.datetime) -> int:
        row = OutboxMessage(
            key=f"check:{n}",
            unit_id=ward,
            occurrence_id=item.occurrence_id,
            kind=kind,
            recipient=to,
            subject="[CCHC] …",
            body=body,
            status="sent",
            created_at=at,
            next_attempt_at=at,
            sent_at=at,
            facts=facts(to, [item]),
        )
        session.add(row)
        session.commit()
        return row.id or 0

    monday = local(2020, 6, 8, 10)
    chair = occ["T.CHAIR"].id or 0
    own = sent(
        1,
        "escalation",
        HUNG,
        Item(chair, "escalation", 1, role="chairman"),
        "Nhiệm vụ T.CHAIR: …\nĐã quá hạn 1 ngày làm việc.\n",
        local(2020, 6, 11, 8),
    )
    after_submit = sent(
        2,
        "reminder",
        NHUNG,
        Item(occ["T.SOON"].id or 0, "reminder", 2),
        "Nhiệm vụ T.SOON: …\nCòn 2 ngày làm việc.\n",
        monday,
    )
    passed = sent(
        3,
        "reminder",
        NHUNG,
        Item(occ["T.LATE"].id or 0, "reminder", 0),
        "Nhiệm vụ T.LATE: …\nHạn là hôm nay.\n",
        monday,
    )
    miscounted = sent(
        4,
        "reminder",
        NHUNG,
        Item(occ["T.BACK"].id or 0, "reminder", 5),
        "Nhiệm vụ T.BACK: …\nCòn 5 ngày làm việc.\n",
        monday,
    )
    sent(
        5,
        "reminder",
        NHUNG,
        Item(occ["T.BACK"].id or 0, "reminder", 5),
        "Nhiệm vụ T.BACK: …\nCòn 4 ngày làm việc.\n",
        monday,
    )

    bundled = sent(  # a bundle names each item's period as officers write it
        6,
        "bundle",
        NHUNG,
        Item(occ["T.BACK"].id or 0, "reminder", 5),
        "- T.BACK kỳ năm 2020: …\n  Còn 5 ngày làm việc.\n",
        monday,
    )

    found = sorted((f.outbox_id, f.problem) for f in check_outbox(session))
    assert found == sorted(
        [
            (own, SELF_ESCALATION),
            (after_submit, STALE),
            (passed, STALE),
            (miscounted, STALE),
            (bundled, STALE),
        ]
    )
