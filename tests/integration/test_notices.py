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
from storage.officers import import_roster, set_contact
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
    assert [m.kind for m in outbox(session)] == ["reminder", "returned"]

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
    assert "T.SOON kỳ 2020" in parts["SẮP ĐẾN HẠN"]
    assert "Hạn: Thứ Tư, 10/06/2020 — còn 2 ngày làm việc" in parts["SẮP ĐẾN HẠN"]
    assert "T.LATE kỳ 2020" in parts["QUÁ HẠN"]
    assert "quá hạn 1 ngày làm việc" in parts["QUÁ HẠN"]
    assert "T.BACK kỳ 2020" in parts["BỊ TRẢ LẠI ĐỂ BỔ SUNG"]
    assert f"Lý do trả lại: {REASON}" in parts["BỊ TRẢ LẠI ĐỂ BỔ SUNG"]
    for name, text in parts.items():
        others = {"T.SOON", "T.LATE", "T.BACK"} - {
            {"SẮP ĐẾN HẠN": "T.SOON", "QUÁ HẠN": "T.LATE"}.get(name, "T.BACK")
        }
        assert not any(code in text for code in others), (name, text)
    assert "T.FAR" not in mine.body and "T.CHAIR" not in mine.body
    assert "&lt;Mẫu 06&gt; &amp;" in mine.html

    chair = next(m for m in digests if m.recipient == HUNG)
    assert chair.subject.endswith("1 sắp đến hạn, 0 quá hạn, 0 bị trả lại")
    assert "Không có việc nào quá hạn." in sections(chair.body)["QUÁ HẠN"]
    assert "T.CHAIR kỳ 2020" in sections(chair.body)["SẮP ĐẾN HẠN"]

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
    act(session, ward, "T.SOON", "return", MAI, night, reason=REASON)
    [returned] = outbox(session)
    assert (returned.kind, returned.recipient) == ("returned", NHUNG)
    assert returned.created_at == night
    assert returned.next_attempt_at == local(2020, 6, 9, 7)  # Tuesday 07:00 (+07:00)

    assert deliver(engine, channels(smtp), now=night + dt.timedelta(minutes=5)).claimed == 0
    assert deliver(engine, channels(smtp), now=local(2020, 6, 9, 6, 59)).claimed == 0
    assert deliver(engine, channels(smtp), now=local(2020, 6, 9, 7)).sent == 1
    [got] = smtp.received
    assert str(got.parsed()["Subject"]) == returned.subject

    # on a Friday evening, the message waits for Monday morning
    act(session, ward, "T.FAR", "submit", NHUNG, local(2020, 6, 12, 10))
    act(session, ward, "T.FAR", "return", MAI, local(2020, 6, 12, 21), reason=REASON)
    [weekend] = outbox(session, returned.id or 0)
    assert weekend.next_attempt_at == local(2020, 6, 15, 7)

    # an officer who does not ask for quiet gets it at once, at night too
    contact(session, ward, HUNG, quiet=False)
    act(session, ward, "T.CHAIR", "submit", HUNG, local(2020, 6, 8, 10))
    act(session, ward, "T.CHAIR", "return", BAO, night, reason=REASON)
    [at_once] = outbox(session, weekend.id or 0)
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
    queued = outbox(session)
    escalations = [m for m in queued if m.kind == "escalation"]
    reminders = [m for m in queued if m.kind == "reminder"]
    assert escalations and reminders
    assert {m.next_attempt_at for m in escalations} == {night}
    assert {m.next_attempt_at for m in reminders} == {local(2020, 6, 12, 7)}
    assert {m.recipient for m in escalations} == {MAI, HUNG}  # areas 1 and 3

    report = deliver(engine, channels(smtp), now=night + dt.timedelta(minutes=1))
    assert (report.claimed, report.sent) == (len(escalations), len(escalations))
    assert sorted(r.message_id for r in smtp.received) == sorted(
        r.message_id for r in smtp.received if "Báo cáo trễ hạn" in str(r.parsed()["Subject"])
    )


# --- review notices ------------------------------------------------------------------------------


def test_returning_and_accepting_tell_the_lead_officer(session, ward) -> None:  # type: ignore[no-untyped-def]
    occ = act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 8, 9))
    assert outbox(session) == []  # a submission tells nobody
    act(session, ward, "T.SOON", "return", MAI, local(2020, 6, 8, 10), reason=REASON)
    [returned] = outbox(session)
    assert (returned.kind, returned.recipient, returned.occurrence_id) == (
        "returned",
        NHUNG,
        occ.id,
    )
    assert returned.recipient_name == "Phạm Thị Hồng Nhung"
    assert returned.key.startswith(f"occ{occ.id}:returned:")
    assert returned.subject == "[CCHC] Trả lại để bổ sung: T.SOON kỳ 2020 (hạn Thứ Tư, 10/06/2020)"
    assert "Đồng chí Trần Thị Mai đã xem xét và trả lại" in returned.body
    assert f"Lý do trả lại: {REASON}" in returned.body
    assert "Thiếu sổ theo dõi hồ sơ &lt;Mẫu 06&gt; &amp; chữ ký" in returned.html
    assert "<Mẫu 06>" not in returned.html

    act(session, ward, "T.SOON", "submit", NHUNG, local(2020, 6, 9, 9))
    act(session, ward, "T.SOON", "accept", MAI, local(2020, 6, 9, 14))
    [accepted] = outbox(session, returned.id or 0)
    assert (accepted.kind, accepted.recipient) == ("accepted", NHUNG)
    assert accepted.subject == "[CCHC] Đã chấp nhận: T.SOON kỳ 2020"
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
