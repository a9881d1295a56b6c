"""The reminder sweep, the outbox and its channels, on SQLite and PostgreSQL.

Most tests use a small plan cut from the bundled one: three one-off tasks due on Wednesday
10 June 2020, with the default ladder (reminders 5, 2 and 0 working days before, escalations
1 and 3 working days after, at 07:30 local time):

    reminder 5 → Wed 3/6   reminder 2 → Mon 8/6   reminder 0 → Wed 10/6
    escalation 1 → Thu 11/6   escalation 2 → Mon 15/6
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import zoneinfo
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from application.delivery import deliver
from application.occurrences import materialise_plan as materialise
from application.occurrences import transition
from application.sweep import SweepReport, due_occurrences, sweep
from cchc.tables import read_table
from domain.plan import Due, Plan, Reminders, Schedule
from domain.reminders import ladder
from models import AuditEntry, Occurrence, Officer, OutboxMessage, PlanRecord, ReminderLog
from notifications.channels import FileChannel, MemoryChannel, Outgoing, message_id
from plans import HERE
from responsibilities.roster import read_roster
from storage.calendar import load_calendar, set_override
from storage.occurrences import find_occurrence
from storage.officers import import_roster
from storage.outbox import backoff
from storage.plans import find_plan
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# these tests are not about evidence: submissions carry a written reason instead
NO_EVIDENCE = "Nộp không kèm tài liệu (kiểm thử)"
D = dt.date

HUNG = "hung.nv@phuhuu.gov.vn"  # chairman
MAI = "mai.tt@phuhuu.gov.vn"  # vice-chairman, areas 3, 6, 7
BAO = "bao.lq@phuhuu.gov.vn"  # vice-chairman, areas 1, 2, 4, 5, 8, 9
NHUNG = "nhung.pth@phuhuu.gov.vn"  # CCHC officer

DUE = D(2020, 6, 10)


def local(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


MATERIALISED_AT = local(2020, 6, 1, 6)
REMINDER_5, REMINDER_2, REMINDER_0 = (local(2020, 6, d, 7, 30) for d in (3, 8, 10))
ESCALATION_1, ESCALATION_2 = local(2020, 6, 11, 7, 30), local(2020, 6, 15, 7, 30)
MINUTE = dt.timedelta(minutes=1)


def stored(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware datetime: SQLite gives back the wall-clock time it was
    handed (local time here) without its offset; PostgreSQL gives it back aware."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=TZ)


def small_plan(plan: Plan, due: dt.date = DUE, *extra: str) -> Plan:
    """Three one-off tasks due on ``due`` (two led by the CCHC officer, in areas 3 and 9,
    one by the chairman), plus the bundled tasks named in ``extra``."""
    base = next(t for t in plan.tasks if t.code == "II.3.1")
    schedule = Schedule("once", D(2020, 1, 1), D(2020, 12, 31), Due(date=due))
    tasks = [
        dataclasses.replace(
            base, code=code, area=area, lead=lead, schedule=schedule, reminders=Reminders()
        )
        for code, area, lead in (
            ("T.A3", "3", "cchc_officer"),
            ("T.A9", "9", "cchc_officer"),
            ("T.CHAIR", "1", "chairman"),
        )
    ]
    tasks += [t for t in plan.tasks if t.code in extra]
    return dataclasses.replace(plan, tasks=tuple(tasks))


def setup_ward(session: Session, load, plan: Plan) -> tuple[int, PlanRecord]:  # type: ignore[no-untyped-def]
    """Load ``plan`` and the demo roster (without its acting row), materialise; ids back."""
    load(plan, now=MATERIALISED_AT)
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
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=MATERIALISED_AT)
    plan_row = find_plan(session=session, unit_id=unit_id)
    materialise(plan_row, session=session, actor="test", now=MATERIALISED_AT)
    session.commit()
    return unit_id, plan_row


@pytest.fixture
def ward(session, load, bundled_plan):  # type: ignore[no-untyped-def]
    """The small plan, loaded with the roster and materialised on 1 June 2020."""
    return setup_ward(session, load, small_plan(bundled_plan))


def run(session: Session, now: dt.datetime, **kw: object) -> SweepReport:
    report = sweep(session=session, now=now, actor="test", **kw)  # type: ignore[arg-type]
    session.commit()
    return report


def outbox(session: Session, since_id: int = 0) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.id) > since_id)
            .order_by(col(OutboxMessage.id))
        )
    )


def last_id(session: Session) -> int:
    return session.exec(select(func.coalesce(func.max(OutboxMessage.id), 0))).one()


def items(session: Session, message: OutboxMessage | None) -> list[tuple[str, str]]:
    """(task, kind) of what a message says, from what its row stores about it."""
    if message is None:
        return []
    codes = {o.id: o.task_code for o in session.exec(select(Occurrence))}
    return [(codes[i["occurrence"]], i["kind"]) for i in message.facts["items"]]


def log(session: Session) -> list[tuple[str, str, int, str]]:
    codes = {o.id: o.task_code for o in session.exec(select(Occurrence))}
    return sorted(
        (codes[r.occurrence_id], r.kind, r.step, r.outcome)
        for r in session.exec(select(ReminderLog))
    )


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


# --- timing and recipients -------------------------------------------------------------------


def test_each_step_goes_out_at_its_time_to_the_right_people(session, ward) -> None:  # type: ignore[no-untyped-def]
    occurrences = list(session.exec(select(Occurrence).order_by(col(Occurrence.id))))
    assert len(occurrences) == 3
    assert {stored(o.next_reminder_at) for o in occurrences} == {REMINDER_5}

    # what each person gets from each sweep, in one message: (task, kind) of its items.
    # T.A3 and T.A9 are the CCHC officer's own work: she is told when it is reported up; the
    # chairman's own T.CHAIR is never escalated to himself — only the CCHC officer is told.
    reminders = {
        NHUNG: [("T.A3", "reminder"), ("T.A9", "reminder")],
        HUNG: [("T.CHAIR", "reminder")],
    }
    expected_to = {
        "reminder": reminders,
        ("escalation", 1): {
            MAI: [("T.A3", "escalation")],
            BAO: [("T.A9", "escalation")],
            NHUNG: [("T.A3", "reported"), ("T.A9", "reported"), ("T.CHAIR", "escalation")],
        },
        ("escalation", 2): {
            HUNG: [("T.A3", "escalation"), ("T.A9", "escalation")],
            NHUNG: [("T.A3", "reported"), ("T.A9", "reported"), ("T.CHAIR", "escalation")],
        },
    }
    ladder_ = [
        (REMINDER_5, "reminder", 5),
        (REMINDER_2, "reminder", 2),
        (REMINDER_0, "reminder", 0),
        (ESCALATION_1, "escalation", 1),
        (ESCALATION_2, "escalation", 2),
    ]
    for moment, kind, step in ladder_:
        early = moment - MINUTE
        assert due_occurrences(session, early, None, 100) == []
        before = last_id(session)
        report = run(session, early)
        assert (report.looked_at, report.messages) == (0, 0), (kind, step)
        assert outbox(session, before) == []

        assert len(due_occurrences(session, moment, None, 100)) == 3
        session.rollback()  # let go of the rows PostgreSQL locked FOR UPDATE
        wanted = expected_to["reminder" if kind == "reminder" else (kind, step)]
        report = run(session, moment)
        assert (report.looked_at, report.messages, report.catch_ups) == (3, len(wanted), 0)
        assert (report.reminders, report.escalations) == ((3, 0) if kind == "reminder" else (0, 3))
        sent = {m.recipient: m for m in outbox(session, before)}
        assert len(sent) == len(outbox(session, before))  # one message per person
        assert {to: sorted(items(session, m)) for to, m in sent.items()} == wanted, (kind, step)
        for to, message in sent.items():
            if len(wanted[to]) > 1:
                assert message.kind == "bundle"
                assert message.subject.startswith(f"[CCHC] {len(wanted[to])} việc cần đồng chí")
                for code, _ in wanted[to]:
                    assert f"- {code} kỳ năm 2020:" in message.body
                continue
            [(code, _)] = wanted[to]
            assert message.kind == kind
            assert message.key.endswith(f":{kind}:{step}:{message.recipient}")
            if kind == "reminder":
                assert message.cc == []
                assert message.subject.startswith(f"[CCHC] Nhắc việc {code} kỳ năm 2020")
            else:
                late = 1 if step == 1 else 3
                assert message.subject.startswith(
                    f"[CCHC] Nhiệm vụ quá hạn – báo cáo lãnh đạo (lần {step}): {code} kỳ năm 2020"
                )
                assert f"chậm {late} ngày làm việc" in message.subject
                assert message.cc == []  # the CCHC officer is the late officer here
            assert "tổng hợp" not in message.body
        # nobody is ever sent an escalation about their own work
        assert "đôn đốc đồng chí Nguyễn Văn Hùng" not in (sent[HUNG].body if HUNG in sent else "")
        if kind == "escalation":  # the chairman's own lateness goes to the CCHC officer
            assert "đồng chí Nguyễn Văn Hùng — Chủ tịch UBND phường" in sent[NHUNG].body

    # every step handled: nothing left to look at, ever
    assert all(o.next_reminder_at is None for o in session.exec(select(Occurrence)))
    assert due_occurrences(session, local(2020, 12, 31), None, 100) == []
    session.rollback()
    assert run(session, local(2020, 12, 31)).looked_at == 0
    assert count(session, OutboxMessage) == 2 + 2 + 2 + 3 + 2
    assert Counter(outcome for *_, outcome in log(session)) == {"sent": 15}


def test_sweep_looks_only_at_occurrences_whose_next_reminder_has_come(
    session, load, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    setup_ward(session, load, bundled_plan)
    now = local(2020, 3, 10)
    rows = list(session.exec(select(Occurrence)))
    wanted = sorted(
        (o for o in rows if o.next_reminder_at is not None and stored(o.next_reminder_at) <= now),
        key=lambda o: (stored(o.next_reminder_at), o.id),
    )
    assert 0 < len(wanted) < len(rows)
    assert [o.id for o in due_occurrences(session, now, None, 1000)] == [o.id for o in wanted]
    assert [o.id for o in due_occurrences(session, now, None, 2)] == [o.id for o in wanted[:2]]
    session.rollback()

    report = run(session, now)
    assert report.looked_at == len(wanted)
    assert due_occurrences(session, now, None, 1000) == []
    session.rollback()


def test_a_submitted_or_accepted_occurrence_gets_no_more_messages(session, ward) -> None:  # type: ignore[no-untyped-def]
    unit_id, _ = ward
    assert run(session, REMINDER_5).messages == 2  # the CCHC officer's two in one message
    submitted = find_occurrence(unit_id, "T.A3", "2020", session=session)
    accepted = find_occurrence(unit_id, "T.CHAIR", "2020", session=session)
    transition(
        submitted, "submit", session=session, actor=NHUNG, now=local(2020, 6, 4), reason=NO_EVIDENCE
    )
    transition(
        accepted, "submit", session=session, actor=HUNG, now=local(2020, 6, 4), reason=NO_EVIDENCE
    )
    transition(accepted, "accept", session=session, actor=BAO, now=local(2020, 6, 5))
    session.commit()
    assert submitted.next_reminder_at is None and accepted.next_reminder_at is None

    before = last_id(session)
    # reminders to the CCHC officer; escalations to the vice-chairman, then the chairman,
    # each with a notice to the CCHC officer that her work was reported up
    for moment, messages in (
        (REMINDER_2, 1),
        (REMINDER_0, 1),
        (ESCALATION_1, 2),
        (ESCALATION_2, 2),
    ):
        report = run(session, moment)
        assert (report.looked_at, report.messages) == (1, messages)
    codes = {o.id: o.task_code for o in session.exec(select(Occurrence))}
    assert Counter(codes[m.occurrence_id] for m in outbox(session, before)) == {"T.A9": 6}
    assert not [row for row in log(session) if row[0] != "T.A9" and row[1:3] != ("reminder", 5)]

    # a returned submission is chased again: one catch-up message at the next sweep
    transition(
        submitted, "return", session=session, actor=MAI, now=local(2020, 6, 15, 9), reason="Thiếu"
    )
    session.commit()
    before = last_id(session)
    report = run(session, local(2020, 6, 15, 10))
    assert (report.messages, report.catch_ups) == (2, 1)
    message, notice = outbox(session, before)
    assert (message.kind, message.recipient) == ("escalation", HUNG)
    assert (notice.kind, notice.recipient) == ("bundle", NHUNG)
    assert items(session, notice) == [("T.A3", "reported")]
    assert "Đã báo cáo lên cấp trên (lần 2): đồng chí Nguyễn Văn Hùng — Chủ tịch" in notice.body


# --- exactly once ------------------------------------------------------------------------------


def test_running_the_sweep_twice_at_the_same_time_sends_nothing_more(session, ward) -> None:  # type: ignore[no-untyped-def]
    now = ESCALATION_1 + dt.timedelta(minutes=5)
    first = run(session, now)
    assert first.messages == 3
    second = run(session, now)
    assert (second.looked_at, second.messages) == (0, 0)
    entries = log(session)

    # even when an occurrence is looked at again, its log says the steps were handled
    for occ in session.exec(select(Occurrence)):
        occ.next_reminder_at = MATERIALISED_AT
        session.add(occ)
    session.commit()
    third = run(session, now)
    assert (third.looked_at, third.messages, third.raced) == (3, 0, 0)
    assert count(session, OutboxMessage) == 3
    assert log(session) == entries
    assert {stored(o.next_reminder_at) for o in session.exec(select(Occurrence))} == {ESCALATION_2}


def test_two_sweeps_in_parallel_send_each_step_once(session, load, bundled_plan, engine) -> None:  # type: ignore[no-untyped-def]
    # a weekly and a monthly task: dozens of occurrences due at once
    setup_ward(session, load, small_plan(bundled_plan, DUE, "II.8.2", "II.9.2"))
    now = local(2020, 8, 3, 8)
    dry = sweep(session=session, now=now, actor="test", dry_run=True)
    planned, planned_messages = dry.planned, dry.planned_messages
    session.rollback()
    due = {(p["task"], p["period"]) for p in planned}
    assert len(due) == len(planned) > 20
    session.close()

    barrier = threading.Barrier(2, timeout=30)

    def one_sweep() -> SweepReport:
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            report = sweep(session=own, now=now, actor="test")
            own.commit()
            return report

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(one_sweep) for _ in range(2)]
        reports = [f.result(timeout=120) for f in futures]

    # every step planned went out exactly once to each of its people, whichever sweep sent
    # it (each sweep puts what it has for one person into one message)
    assert sum(r.reminders + r.escalations for r in reports) == len(planned)
    messages = outbox(session)
    assert sum(r.messages for r in reports) == len(messages)
    assert len(messages) < len(planned)  # not one message per step
    assert len({m.key for m in messages}) == len(messages)
    codes = {o.id: (o.task_code, o.period) for o in session.exec(select(Occurrence))}
    told = [
        (m.recipient, codes[i["occurrence"]], i["kind"], i.get("step", 0))
        for m in messages
        for i in m.facts["items"]
    ]
    assert Counter(told).most_common(1)[0][1] == 1
    assert set(told) == {
        (m["to"], (i["task"], i["period"]), i["kind"], i["step"])
        for m in planned_messages
        for i in m["items"]  # type: ignore[attr-defined]
    }
    assert {(task, kind, step) for _, task, kind, step in told if kind != "reported"} == {
        ((p["task"], p["period"]), p["kind"], p["step"]) for p in planned
    }
    sent = [r for r in session.exec(select(ReminderLog)) if r.outcome == "sent"]
    assert len(sent) == len(planned)
    assert len({(r.occurrence_id, r.kind, r.step) for r in session.exec(select(ReminderLog))}) == (
        count(session, ReminderLog)
    )
    assert {task for _, task, _, _ in told} == due
    assert {(codes[r.occurrence_id], r.kind, r.step) for r in sent} == {
        ((p["task"], p["period"]), p["kind"], p["step"]) for p in planned
    }
    assert run(session, now).messages == 0


def test_a_crash_before_commit_records_nothing_and_the_next_sweep_sends_once(session, ward) -> None:  # type: ignore[no-untyped-def]
    now = REMINDER_0 + dt.timedelta(minutes=2)
    report = sweep(session=session, now=now, actor="test")
    assert report.messages == 2
    session.rollback()  # the process died before its commit

    assert count(session, OutboxMessage) == 0
    assert count(session, ReminderLog) == 0
    assert {stored(o.next_reminder_at) for o in session.exec(select(Occurrence))} == {REMINDER_5}

    again = run(session, now)
    assert (again.messages, again.catch_ups) == (2, 3)
    assert count(session, OutboxMessage) == 2
    assert run(session, now).messages == 0
    assert count(session, OutboxMessage) == 2


# --- after a gap ---------------------------------------------------------------------------------


def test_after_a_gap_one_catch_up_message_goes_out_and_the_missed_steps_are_skipped(
    session, ward
) -> None:  # type: ignore[no-untyped-def]
    report = run(session, local(2020, 6, 12, 8))  # no sweep since 1 June

    assert (report.looked_at, report.messages, report.catch_ups) == (3, 3, 3)
    assert (report.escalations, report.reminders, report.skipped_steps) == (3, 0, 9)
    sent = {m.recipient: m for m in outbox(session)}
    assert {to: items(session, m) for to, m in sent.items()} == {
        MAI: [("T.A3", "escalation")],
        BAO: [("T.A9", "escalation")],
        NHUNG: [("T.A3", "reported"), ("T.A9", "reported"), ("T.CHAIR", "escalation")],
    }
    for to in (MAI, BAO):
        assert "tổng hợp" in sent[to].body
        assert "trạng thái hiện tại: chưa thực hiện" in sent[to].body
    assert "tổng hợp các lần nhắc bị lỡ" in sent[NHUNG].body
    assert sent[NHUNG].body.count("Trạng thái hiện tại: chưa thực hiện.") == 3
    assert log(session) == sorted(
        [(code, "escalation", 1, "sent") for code in ("T.A3", "T.A9", "T.CHAIR")]
        + [
            (code, "reminder", n, "skipped")
            for code in ("T.A3", "T.A9", "T.CHAIR")
            for n in (5, 2, 0)
        ]
    )
    assert {stored(o.next_reminder_at) for o in session.exec(select(Occurrence))} == {ESCALATION_2}

    before = last_id(session)
    on_time = run(session, ESCALATION_2)
    assert (on_time.messages, on_time.catch_ups, on_time.skipped_steps) == (2, 0, 0)
    assert all("tổng hợp" not in m.body for m in outbox(session, before))


def test_after_a_gap_each_person_gets_one_message_listing_everything(
    session, load, bundled_plan, engine
) -> None:  # type: ignore[no-untyped-def]
    # the bundled plan, and no sweep from New Year to 1 July: dozens of late occurrences
    setup_ward(session, load, bundled_plan)
    report = run(session, local(2020, 7, 1, 8))
    assert report.escalations > 20 and report.catch_ups == report.looked_at > 40

    messages = outbox(session)
    by_person = Counter(m.recipient for m in messages)
    assert by_person.most_common(1)[0][1] == 1, by_person  # one message per person
    assert report.messages == len(messages)
    chair = next(m for m in messages if m.recipient == HUNG)
    told = items(session, chair)
    escalated = [task for task, kind in told if kind == "escalation"]
    assert chair.kind == "bundle" and len(escalated) > 10
    assert chair.subject.startswith(f"[CCHC] {len(told)} việc cần đồng chí lưu ý (")
    assert chair.body.count("\n- ") == len(told)  # every item listed once
    for task, _ in told:
        assert f"- {task} kỳ " in chair.body

    # every late officer is told that the work was reported up, and to whom
    codes = {o.id: o for o in session.exec(select(Occurrence))}
    escalations = [
        (m.recipient, i) for m in messages for i in m.facts["items"] if i["kind"] == "escalation"
    ]
    reported = {
        (m.recipient, i["occurrence"]): i
        for m in messages
        for i in m.facts["items"]
        if i["kind"] == "reported"
    }
    emails = {o.id: o.email for o in session.exec(select(Officer))}
    for to, item in escalations:
        occ = codes[item["occurrence"]]
        late = emails.get(occ.officer_id)
        assert to != late  # never about one's own work
        if late and not item.get("instead"):
            notice = reported[(late, occ.id)]
            names = {name for name, _ in notice["told"]}
            assert names, notice
    for (late, _occurrence), notice in reported.items():
        message = next(m for m in messages if m.recipient == late)
        for name, _role in notice["told"]:
            assert f"đồng chí {name} — " in message.body


# --- what messages list as missing ---------------------------------------------------------------


def test_returned_and_reminders_list_only_the_documents_still_missing(session, ward) -> None:  # type: ignore[no-untyped-def]
    from cchc.replay import minimal_pdf
    from storage.blobs import MemoryBlobStore
    from storage.evidence import Upload, add_evidence
    from storage.evidence import review as review_evidence

    unit_id, _ = ward
    occ = find_occurrence(unit_id, "T.A3", "2020", session=session)
    photos, catalogue, report = (
        "Hình ảnh niêm yết TTHC tại Bộ phận tiếp nhận và trả kết quả",
        "Danh mục TTHC cấp phường đang niêm yết, công khai",
        "Báo cáo tình hình, kết quả kiểm soát TTHC quý",
    )
    store = MemoryBlobStore()
    uploaded = {}
    for number, name in enumerate((photos, catalogue), 1):
        [uploaded[name]] = add_evidence(
            [Upload(f"T.A3_{number}.pdf", minimal_pdf("T.A3", name))],
            session=session,
            store=store,
            unit_id=unit_id,
            occurrence=occ,
            requirement=name,
            actor=NHUNG,
            now=local(2020, 6, 4),
            max_bytes=1024 * 1024,
        )
    review_evidence(
        uploaded[catalogue].id or 0,
        "reject",
        session=session,
        actor=MAI,
        now=local(2020, 6, 4, 9),
        reason="Ảnh mờ",
    )
    transition(
        occ, "submit", session=session, actor=NHUNG, now=local(2020, 6, 4, 10), reason=NO_EVIDENCE
    )
    before = last_id(session)
    transition(occ, "return", session=session, actor=MAI, now=local(2020, 6, 4, 11), reason="Thiếu")
    session.commit()
    [returned] = [m for m in outbox(session, before) if m.kind == "returned"]
    missing = returned.body[returned.body.index("Tài liệu kiểm chứng còn thiếu:") :]
    missing = missing[: missing.index("\n\n")]
    assert photos not in missing  # uploaded
    assert catalogue in missing  # uploaded, but rejected
    assert report in missing  # never uploaded
    assert photos not in returned.html[returned.html.index("còn thiếu") :]

    # the next reminder says the same
    before = last_id(session)
    run(session, REMINDER_2)
    [mine] = [m for m in outbox(session, before) if m.recipient == NHUNG]
    block = mine.body[
        mine.body.index("- T.A3 kỳ năm 2020:") : mine.body.index("- T.A9 kỳ năm 2020:")
    ]
    assert f"Tài liệu kiểm chứng còn thiếu: {catalogue}; {report}" in block


# --- dry run -------------------------------------------------------------------------------------


def test_a_dry_run_plans_without_writing(session, ward) -> None:  # type: ignore[no-untyped-def]
    now = local(2020, 6, 12, 8)
    audits = count(session, AuditEntry)
    report = run(session, now, dry_run=True)

    assert sorted((p["task"], p["kind"], p["step"], p["catch_up"]) for p in report.planned) == [
        ("T.A3", "escalation", 1, True),
        ("T.A9", "escalation", 1, True),
        ("T.CHAIR", "escalation", 1, True),
    ]
    assert (report.messages, report.reminders, report.escalations, report.skipped_steps) == (
        0,
        0,
        0,
        0,
    )
    assert count(session, OutboxMessage) == 0
    assert count(session, ReminderLog) == 0
    assert count(session, AuditEntry) == audits
    assert {stored(o.next_reminder_at) for o in session.exec(select(Occurrence))} == {REMINDER_5}

    real = run(session, now)
    assert real.messages == 3
    assert len(outbox(session)) == 3


def test_a_dry_run_does_not_write_for_an_archived_task(session, ward, load, bundled_plan) -> None:  # type: ignore[no-untyped-def]
    # the plan drops T.CHAIR after its deadline: its overdue occurrence stays open
    later = local(2020, 6, 12, 8)
    _, plan_row = ward
    plan = small_plan(bundled_plan)
    load(dataclasses.replace(plan, tasks=plan.tasks[:2]), now=later)
    materialise(plan_row, session=session, actor="test", now=later)
    session.commit()
    chair = session.exec(select(Occurrence).where(Occurrence.task_code == "T.CHAIR")).one()
    assert chair.status == "open"
    assert stored(chair.next_reminder_at) == REMINDER_5

    run(session, later, dry_run=True)

    session.expire_all()
    chair = session.exec(select(Occurrence).where(Occurrence.task_code == "T.CHAIR")).one()
    assert stored(chair.next_reminder_at) == REMINDER_5


# --- time zones --------------------------------------------------------------------------------


def test_a_sweep_given_the_time_in_utc_sends_what_is_due(session, ward, engine) -> None:  # type: ignore[no-untyped-def]
    utc = (REMINDER_5 + dt.timedelta(minutes=5)).astimezone(dt.UTC)  # 00:35 UTC = 07:35 local
    report = run(session, utc)
    assert (report.looked_at, report.reminders, report.messages) == (3, 3, 2)


# --- delivery ------------------------------------------------------------------------------------


@dataclasses.dataclass
class BrokenChannel:
    name: str = "broken"

    def send(self, message: Outgoing) -> None:
        raise OSError("máy chủ thư không trả lời")


def test_deliver_sends_each_pending_message_once(session, engine, ward, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run(session, REMINDER_5)
    session.commit()
    now = REMINDER_5 + MINUTE

    assert deliver(engine, {"email": BrokenChannel()}, now=now).sent == 0
    session.expire_all()
    for row in outbox(session):
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error == "máy chủ thư không trả lời"

    memory = MemoryChannel()
    # the chairman's reminder, and the CCHC officer's two in one message
    assert deliver(engine, {"email": memory}, now=now + backoff(1)).sent == 2
    session.expire_all()
    rows = outbox(session)
    assert sorted(m.key for m in memory.sent) == sorted(r.key for r in rows)
    for row in rows:
        assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
        assert stored(row.sent_at) == now + backoff(1)
    assert deliver(engine, {"email": memory}, now=now + backoff(1) + MINUTE).sent == 0
    assert len(memory.sent) == 2

    # the next step goes to files: one .eml each, readable with the Vietnamese subject
    before = last_id(session)
    run(session, REMINDER_2)
    session.commit()
    folder = tmp_path / "outbox"
    assert deliver(engine, {"email": FileChannel(folder)}, now=REMINDER_2 + MINUTE).sent == 2
    session.expire_all()
    fresh = outbox(session, before)
    files = sorted(folder.iterdir())
    assert len(files) == 2 and all(f.suffix == ".eml" for f in files)
    parsed = {}
    for file in files:
        with file.open("rb") as handle:
            mail = BytesParser(policy=policy.default).parse(handle)
        parsed[str(mail["Message-ID"])] = mail
    for row in fresh:
        mail = parsed[message_id(row.key)]
        assert str(mail["Subject"]) == row.subject
        assert "nhắc việc" in str(mail["Subject"]).lower()
        assert parseaddr(str(mail["To"]))[1] == row.recipient
        assert mail.get_body(preferencelist=("plain",)).get_content() == row.body
        assert row.status == "sent"


def test_file_channel_writes_one_eml_per_message_and_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    channel = FileChannel(folder)
    message = Outgoing(
        key="occ7:reminder:5:nhung.pth@phuhuu.gov.vn",
        kind="reminder",
        recipient="nhung.pth@phuhuu.gov.vn",
        recipient_name="Phạm Thị Hồng Nhung",
        subject="[CCHC] Nhắc việc II.3.1 kỳ 2020-Q2: hạn Thứ Hai, 15/06/2020",
        body="Nhiệm vụ II.3.1: Rà soát, công khai thủ tục hành chính\nCòn 5 ngày làm việc.\n",
        cc=("mai.tt@phuhuu.gov.vn",),
        created_at=local(2020, 6, 8, 7, 30),
    )
    other = dataclasses.replace(message, key="occ7:reminder:2:nhung.pth@phuhuu.gov.vn")

    channel.send(message)
    channel.send(other)
    files = sorted(folder.iterdir())
    assert [f.name for f in files] == [
        "occ7_reminder_2_nhung.pth_phuhuu.gov.vn.eml",
        "occ7_reminder_5_nhung.pth_phuhuu.gov.vn.eml",
    ]
    first = folder / "occ7_reminder_5_nhung.pth_phuhuu.gov.vn.eml"
    original = first.read_bytes()
    mail = BytesParser(policy=policy.default).parsebytes(original)
    assert str(mail["Subject"]) == message.subject
    assert mail["To"].addresses[0].display_name == "Phạm Thị Hồng Nhung"
    assert str(mail["Cc"]) == "mai.tt@phuhuu.gov.vn"
    assert str(mail["Message-ID"]) == message_id(message.key)
    assert mail.get_content() == message.body

    channel.send(dataclasses.replace(message, subject="khác", body="khác\n"))  # a re-send
    assert first.read_bytes() == original
    first.write_bytes(b"written by an earlier run")
    channel.send(message)
    assert first.read_bytes() == b"written by an earlier run"
    assert len(list(folder.iterdir())) == 2  # no temporary files left behind


# --- the calendar -------------------------------------------------------------------------------


def test_a_day_off_set_before_materialising_moves_the_due_date(session, load, bundled_plan) -> None:  # type: ignore[no-untyped-def]
    at = local(2020, 1, 2)
    set_override(D(2020, 6, 10), False, "Nghỉ bù (thử)", session=session, actor="test", now=at)
    set_override(D(2020, 6, 15), False, "Nghỉ bù (thử)", session=session, actor="test", now=at)
    session.commit()
    setup_ward(session, load, small_plan(bundled_plan, DUE, "II.1.2"))

    due = {(o.task_code, o.period): o for o in session.exec(select(Occurrence))}
    assert due["T.A3", "2020"].due_date == D(2020, 6, 11)  # 10/6 off: rolls to the next day
    assert due["II.1.2", "2020-Q2"].due_date == D(2020, 6, 16)  # 15/6 off
    assert due["II.1.2", "2020-Q1"].due_date == D(2020, 3, 16)  # untouched by the overrides
    calendar = load_calendar(session=session, years=[2020])
    assert not calendar.is_working(D(2020, 6, 10))
    steps = ladder(D(2020, 6, 11), Reminders(), calendar, "Asia/Ho_Chi_Minh")
    assert [s.at for s in steps[:3]] == [
        local(2020, 6, 3, 7, 30),
        local(2020, 6, 8, 7, 30),
        local(2020, 6, 11, 7, 30),
    ]
    assert stored(due["T.A3", "2020"].next_reminder_at) == steps[0].at
    keys = [a.key for a in session.exec(select(AuditEntry)) if a.entity == "calendar_override"]
    assert keys == ["2020-06-10", "2020-06-15"]


def test_a_day_off_set_after_materialising_moves_the_open_deadline(
    session, load, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    """The due dates worked out for the first run (kept for the units that follow) are not
    reused once the calendar has changed: the next run, in the same process, moves the deadline."""
    _, plan_row = setup_ward(session, load, small_plan(bundled_plan, DUE, "II.1.2"))
    before = {(o.task_code, o.period): o.due_date for o in session.exec(select(Occurrence))}
    assert before["T.A3", "2020"] == D(2020, 6, 10)
    at = local(2020, 6, 2)
    set_override(D(2020, 6, 10), False, "Nghỉ bù (thử)", session=session, actor="test", now=at)
    session.commit()
    report = materialise(plan_row, session=session, actor="test", now=at)
    session.commit()
    after = {(o.task_code, o.period): o.due_date for o in session.exec(select(Occurrence))}
    assert after["T.A3", "2020"] == D(2020, 6, 11)
    assert report.updated >= 1 and report.created == 0
