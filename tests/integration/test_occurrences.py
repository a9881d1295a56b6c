"""Occurrences in storage: materialising the plan year, the lifecycle, re-routing, revisions.

Every database test runs on SQLite and on PostgreSQL (the ``session`` fixture is
parametrised). Times are aware datetimes in the plan's zone, Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from application.access import Refused
from application.occurrences import materialise_plan as materialise
from application.occurrences import reroute_unit, transition
from cchc.tables import read_table
from domain.errors import LocalizedError
from domain.periods import due_date, periods
from domain.plan import Due, Plan
from domain.reminders import ladder
from models import AuditEntry, Occurrence, OccurrenceRoute, Officer, PlanRecord
from plans import HERE
from responsibilities.roster import read_roster
from storage.calendar import load_calendar
from storage.occurrences import find_occurrence, views
from storage.officers import assign, end_assignment, import_roster
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
SON = "son.dt@phuhuu.gov.vn"  # office officer
HOLDER = {
    "chairman": HUNG,
    "cchc_officer": NHUNG,
    "justice": "tam.vm@phuhuu.gov.vn",
    "accounting": "ha.dtt@phuhuu.gov.vn",
    "culture_info": "phat.ht@phuhuu.gov.vn",
    "one_stop": "anh.btn@phuhuu.gov.vn",
    "office": SON,
}


def local(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


JAN1 = local(2020, 1, 1, 6)


def stored(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored time as an aware datetime: SQLite gives back the wall-clock time it was
    handed (local time here) without its offset; PostgreSQL gives it back aware."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=TZ)


def setup_ward(session: Session, load, plan: Plan) -> tuple[int, PlanRecord]:  # type: ignore[no-untyped-def]
    """Load ``plan`` and the demo roster without its acting row; (unit id, plan row)."""
    load(plan, now=JAN1)
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
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=JAN1)
    plan_row = find_plan(session=session, unit_id=unit_id)
    session.commit()
    return unit_id, plan_row


@pytest.fixture
def ward(session, load, bundled_plan):  # type: ignore[no-untyped-def]
    """The bundled plan and roster loaded and materialised on 1 January 2020."""
    unit_id, plan_row = setup_ward(session, load, bundled_plan)
    materialise(plan_row, session=session, actor="test", now=JAN1)
    session.commit()
    return unit_id, plan_row


def emails(session: Session) -> dict[int | None, str]:
    return {o.id: o.email for o in session.exec(select(Officer))}


def all_occurrences(session: Session) -> list[Occurrence]:
    return list(session.exec(select(Occurrence).order_by(col(Occurrence.id))))


def audit_rows(session: Session, **where: str) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(col(AuditEntry.id))
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(session.exec(query))


def audit_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(AuditEntry)).one()


# --- materialising ------------------------------------------------------------------------


def test_materialise_creates_one_occurrence_per_task_and_period_once(
    session, load, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    _, plan_row = setup_ward(session, load, bundled_plan)

    report = materialise(plan_row, session=session, actor="test", now=JAN1)
    session.commit()

    wanted = {(t.code, p.key) for t in bundled_plan.tasks for p in periods(t.schedule)}
    assert len(wanted) == 146
    assert report.created == 146
    assert (report.updated, report.cancelled, report.unchanged) == (0, 0, 0)
    rows = all_occurrences(session)
    assert {(r.task_code, r.period) for r in rows} == wanted
    assert len({(r.task_id, r.period) for r in rows}) == 146

    calendar = load_calendar(session=session, years=[2020])
    tasks = {t.code: t for t in bundled_plan.tasks}
    who = emails(session)
    for row in rows:
        task = tasks[row.task_code]
        [period] = [p for p in periods(task.schedule) if p.key == row.period]
        assert calendar.is_working(row.due_date), row
        assert row.due_date == due_date(task.schedule, period, calendar, bundled_plan.roll)
        assert row.lead_role == task.lead
        assert who[row.officer_id] == HOLDER[task.lead], row
        assert row.acting_for_id is None
        assert row.status == "open"
        first = ladder(row.due_date, task.reminders, calendar, bundled_plan.timezone)[0]
        assert stored(row.next_reminder_at) == first.at
    by_key = {(r.task_code, r.period): r for r in rows}
    assert by_key["II.1.1", "2020"].due_date == D(2020, 4, 29)  # the day before 30/4
    assert by_key["II.1.2", "2020-Q1"].due_date == D(2020, 3, 16)  # 15/3 is a Sunday

    again = materialise(plan_row, session=session, actor="test", now=JAN1 + dt.timedelta(hours=1))
    session.commit()

    assert (again.created, again.updated, again.cancelled, again.rerouted) == (0, 0, 0, 0)
    assert again.unchanged == 146
    assert session.exec(select(func.count()).select_from(Occurrence)).one() == 146
    assert len(audit_rows(session, action="materialise")) == 1


# --- the lifecycle ------------------------------------------------------------------------


def test_lifecycle_start_submit_return_submit_accept_with_audit(session, ward) -> None:  # type: ignore[no-untyped-def]
    unit_id, _ = ward
    occ = find_occurrence(unit_id, "II.3.1", "2020-Q3", session=session)
    key = "II.3.1/2020-Q3"
    assert occ.status == "open"

    def refused(action: str, error: str, actor: str = NHUNG, reason: str | None = None) -> None:
        status, audits = occ.status, audit_count(session)
        with pytest.raises(LocalizedError) as raised:
            transition(
                occ, action, session=session, actor=actor, now=local(2020, 8, 3), reason=reason
            )
        assert raised.value.key == error
        assert occ.status == status
        assert audit_count(session) == audits

    refused("accept", "error.bad_transition", actor=MAI)
    refused("return", "error.bad_transition", actor=MAI, reason="sai")
    refused("approve", "error.unknown_action")

    transition(occ, "start", session=session, actor=NHUNG, now=local(2020, 8, 3))
    assert occ.status == "in_progress"
    transition(
        occ, "submit", session=session, actor=NHUNG, now=local(2020, 8, 10, 9), reason=NO_EVIDENCE
    )
    assert occ.status == "submitted"
    assert stored(occ.submitted_at) == local(2020, 8, 10, 9)
    assert occ.next_reminder_at is None
    refused("start", "error.bad_transition")
    refused("submit", "error.bad_transition")
    refused("return", "error.reason_required", actor=MAI)
    refused("return", "error.reason_required", actor=MAI, reason="   ")

    transition(
        occ,
        "return",
        session=session,
        actor=MAI,
        now=local(2020, 8, 11),
        reason="Thiếu biên bản kiểm tra",
    )
    assert occ.status == "returned"
    assert occ.reason == "Thiếu biên bản kiểm tra"
    assert occ.next_reminder_at is not None  # reminders resume for a returned submission
    transition(
        occ, "submit", session=session, actor=NHUNG, now=local(2020, 8, 12), reason=NO_EVIDENCE
    )
    transition(occ, "accept", session=session, actor=MAI, now=local(2020, 8, 13))
    assert occ.status == "accepted"
    # nothing moves an accepted occurrence, whoever may otherwise take the step
    for action, actor in (
        ("start", NHUNG),
        ("submit", NHUNG),
        ("return", HUNG),
        ("accept", HUNG),
        ("waive", HUNG),
    ):
        refused(action, "error.bad_transition", actor=actor, reason="x")
    session.commit()

    with Session(session.get_bind()) as fresh:
        row = fresh.get(Occurrence, occ.id)
        assert row is not None
        assert row.status == "accepted"
        assert stored(row.accepted_at) == local(2020, 8, 13)
        assert stored(row.submitted_at) == local(2020, 8, 12)
        assert row.next_reminder_at is None
        log = audit_rows(fresh, entity="occurrence", key=key)
    assert [(a.actor, a.action, a.before, (a.after or {}).get("status")) for a in log] == [
        (NHUNG, "start", {"status": "open"}, "in_progress"),
        (NHUNG, "submit", {"status": "in_progress"}, "submitted"),
        (MAI, "return", {"status": "submitted"}, "returned"),
        (NHUNG, "submit", {"status": "returned"}, "submitted"),
        (MAI, "accept", {"status": "submitted"}, "accepted"),
    ]
    assert (log[2].after or {}).get("reason") == "Thiếu biên bản kiểm tra"


def test_only_whoever_holds_chairman_that_day_may_waive(session, ward) -> None:  # type: ignore[no-untyped-def]
    unit_id, _ = ward
    first = find_occurrence(unit_id, "II.1.6", "2020", session=session)
    second = find_occurrence(unit_id, "II.3.4", "2020", session=session)
    june = local(2020, 6, 1)

    for actor, rule in (
        (NHUNG, "chairman"),
        (MAI, "chairman"),
        ("someone@else.vn", "unknown_identity"),
    ):
        audits = audit_count(session)
        with pytest.raises(Refused) as refused:
            transition(first, "waive", session=session, actor=actor, now=june, reason="Không cần")
        assert refused.value.decision.rule == rule
        assert first.status == "open"
        assert audit_count(session) == audits
    with pytest.raises(LocalizedError) as raised:
        transition(first, "waive", session=session, actor=HUNG, now=june)
    assert raised.value.key == "error.reason_required"

    transition(first, "waive", session=session, actor=HUNG, now=june, reason="Quận đã hủy")
    session.commit()
    assert first.status == "waived"
    assert first.next_reminder_at is None
    [entry] = audit_rows(session, action="waive")
    assert (entry.actor, entry.before, (entry.after or {}).get("status")) == (
        HUNG,
        {"status": "open"},
        "waived",
    )

    # from July the vice-chairman stands in as acting chairman; the former chairman may not waive
    end_assignment(
        HUNG, "chairman", D(2020, 6, 30), session=session, unit_id=unit_id, actor="t", now=june
    )
    assign(
        MAI,
        "chairman",
        D(2020, 7, 1),
        session=session,
        unit_id=unit_id,
        actor="t",
        now=june,
        kind="acting",
    )
    session.commit()
    july = local(2020, 7, 2)
    with pytest.raises(Refused) as refused:
        transition(second, "waive", session=session, actor=HUNG, now=july, reason="x")
    assert refused.value.decision.rule == "no_position"  # his holding ended on 30 June
    assert "không giữ chức danh nào" in refused.value.render("vi")
    assert second.status == "open"
    transition(second, "waive", session=session, actor=MAI, now=july, reason="Đã lồng ghép")
    session.commit()
    assert second.status == "waived"


# --- re-routing -----------------------------------------------------------------------------


def son_acts_for_nhung(session: Session, unit_id: int) -> tuple[dt.date, dt.date]:
    """Sơn stands in for Nhung as CCHC officer in July and August 2020 (recorded on 30 June,
    committed); the first and last day."""
    acting_from, acting_to = D(2020, 7, 1), D(2020, 8, 31)
    assign(
        SON,
        "cchc_officer",
        acting_from,
        session=session,
        unit_id=unit_id,
        actor="test",
        now=local(2020, 6, 30),
        end=acting_to,
        kind="acting",
        acting_for=NHUNG,
    )
    session.commit()
    return acting_from, acting_to


def test_an_acting_officer_takes_open_work_while_acting_and_gives_it_back(session, ward) -> None:  # type: ignore[no-untyped-def]
    unit_id, plan_row = ward
    submitted = find_occurrence(unit_id, "II.3.1", "2020-Q3", session=session)
    accepted = find_occurrence(unit_id, "II.3.7", "2020-Q3", session=session)
    transition(
        submitted,
        "submit",
        session=session,
        actor=NHUNG,
        now=local(2020, 6, 20),
        reason=NO_EVIDENCE,
    )
    transition(
        accepted, "submit", session=session, actor=NHUNG, now=local(2020, 6, 20), reason=NO_EVIDENCE
    )
    transition(accepted, "accept", session=session, actor=MAI, now=local(2020, 6, 25))
    session.commit()
    before = {o.id: o.officer_id for o in all_occurrences(session)}
    who = emails(session)
    ids = {v: k for k, v in who.items()}

    acting_from, acting_to = son_acts_for_nhung(session, unit_id)
    on = local(2020, 7, 1, 7)
    moved = reroute_unit(session, unit_id, actor="test", now=on)
    session.commit()

    rows = all_occurrences(session)
    expected = {
        o.id
        for o in rows
        if o.lead_role == "cchc_officer"
        and o.status in ("open", "in_progress", "returned")
        and acting_from <= max(on.date(), o.period_start) <= acting_to
    }
    assert ("II.3.1", "2020-Q3") not in {(o.task_code, o.period) for o in rows if o.id in expected}
    assert {("II.3.3", "2020-H2"), ("II.7.2", "2020-Q3"), ("II.7.1", "2020")} <= {
        (o.task_code, o.period) for o in rows if o.id in expected
    }
    assert moved == len(expected) > 0
    for o in rows:
        if o.id in expected:
            assert (who[o.officer_id], who[o.acting_for_id]) == (SON, NHUNG), o
        else:  # closed, later periods (Q4) and other roles keep their officer
            assert o.officer_id == before[o.id], o
            assert o.acting_for_id is None
    assert who[submitted.officer_id] == NHUNG and who[accepted.officer_id] == NHUNG
    later = next(o for o in rows if (o.task_code, o.period) == ("II.3.1", "2020-Q4"))
    assert later.officer_id == ids[NHUNG]  # its period starts after the acting one ends

    routes = list(session.exec(select(OccurrenceRoute)))
    assert sorted(r.occurrence_id for r in routes) == sorted(expected)
    assert {(r.officer_id, r.reason) for r in routes} == {(ids[SON], "holder change")}
    log = audit_rows(session, action="reroute")
    assert len(log) == moved
    for entry in log:
        assert entry.before == {"officer": NHUNG, "acting_for": None}
        assert entry.after == {"officer": SON, "acting_for": NHUNG}
    [view] = views(
        plan_row,
        session=session,
        now=on,
        occurrences=[o for o in rows if (o.task_code, o.period) == ("II.7.2", "2020-Q3")],
    )
    assert (view.officer_email, view.acting_for) == (SON, "Phạm Thị Hồng Nhung")

    assert reroute_unit(session, unit_id, actor="test", now=on) == 0  # nothing new

    back = reroute_unit(session, unit_id, actor="test", now=local(2020, 9, 1, 7))
    session.commit()
    assert back == moved
    for o in all_occurrences(session):
        assert o.officer_id == before[o.id], o
        assert o.acting_for_id is None
    assert session.exec(select(func.count()).select_from(OccurrenceRoute)).one() == 2 * moved
    assert len(audit_rows(session, action="reroute")) == 2 * moved


def test_the_daily_materialise_follows_a_holder_change_made_since_it_last_ran(
    session, ward
) -> None:  # type: ignore[no-untyped-def]
    # the job reroutes from the occurrences it read itself: what it moves must be what a
    # reroute reading them afresh would move, and each once
    unit_id, plan_row = ward
    acting_from, acting_to = son_acts_for_nhung(session, unit_id)
    on = local(2020, 7, 1, 7)

    report = materialise(plan_row, session=session, actor="test", now=on)
    session.commit()

    who = emails(session)
    rows = all_occurrences(session)
    expected = {
        o.id
        for o in rows
        if o.lead_role == "cchc_officer"
        and acting_from <= max(on.date(), o.period_start) <= acting_to
    }
    assert report.created == 0 and report.rerouted == len(expected) > 0
    for o in rows:
        acting = (who.get(o.officer_id), who.get(o.acting_for_id)) == (SON, NHUNG)
        assert acting == (o.id in expected), o
    assert len(audit_rows(session, action="reroute")) == len(expected)
    assert reroute_unit(session, unit_id, actor="test", now=on) == 0  # nothing left to move
    again = materialise(plan_row, session=session, actor="test", now=on + dt.timedelta(hours=1))
    assert again.rerouted == 0


# --- revising the plan ---------------------------------------------------------------------


def test_a_revised_plan_moves_or_cancels_only_future_open_occurrences(
    session, ward, load, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    unit_id, plan_row = ward
    july = local(2020, 7, 10)
    early = find_occurrence(unit_id, "II.1.2", "2020-Q4", session=session)
    transition(early, "submit", session=session, actor=HUNG, now=july, reason=NO_EVIDENCE)
    august = find_occurrence(unit_id, "II.9.2", "2020-08", session=session)
    transition(
        august,
        "submit",
        session=session,
        actor=NHUNG,  # II.9.2 is the reform officer's (IV.6: culture supports)
        now=july,
        reason=NO_EVIDENCE,
    )
    transition(august, "accept", session=session, actor=BAO, now=july)
    session.commit()
    before = {(o.task_code, o.period): (o.due_date, o.status) for o in all_occurrences(session)}

    tasks = []
    for task in bundled_plan.tasks:
        if task.code == "II.7.5":
            continue  # removed from the plan
        if task.code == "II.1.2":  # quarterly report now due on the 20th
            task = dataclasses.replace(
                task, schedule=dataclasses.replace(task.schedule, due=Due(month_day=20))
            )
        if task.code == "II.9.2":  # monthly news item becomes quarterly
            task = dataclasses.replace(
                task, schedule=dataclasses.replace(task.schedule, every="quarter")
            )
        tasks.append(task)
    mid_year = local(2020, 7, 20)
    load(dataclasses.replace(bundled_plan, tasks=tuple(tasks)), now=mid_year)

    report = materialise(plan_row, session=session, actor="test", now=mid_year)
    session.commit()

    after = {(o.task_code, o.period): o for o in all_occurrences(session)}
    # II.1.2: only the open Q3 moves; Q1/Q2 (deadline passed) and Q4 (submitted) stay
    assert after["II.1.2", "2020-Q3"].due_date == D(2020, 9, 21)  # 20/9 is a Sunday
    assert after["II.1.2", "2020-Q3"].status == "open"
    calendar = load_calendar(session=session, years=[2020])
    revised_task = next(t for t in tasks if t.code == "II.1.2")
    first = ladder(D(2020, 9, 21), revised_task.reminders, calendar, bundled_plan.timezone)[0]
    assert stored(after["II.1.2", "2020-Q3"].next_reminder_at) == first.at
    for period in ("2020-Q1", "2020-Q2", "2020-Q4"):
        occ = after["II.1.2", period]
        assert (occ.due_date, occ.status) == before["II.1.2", period]
    assert after["II.1.2", "2020-Q2"].due_date == D(2020, 6, 15)  # not the new 22/6
    # II.9.2: months still ahead are cancelled unless closed; past months are untouched
    for month in range(4, 13):
        occ = after["II.9.2", f"2020-{month:02d}"]
        if month in (4, 5, 6):
            assert occ.status == "open", occ
        elif month == 8:
            assert occ.status == "accepted"
        else:
            assert occ.status == "cancelled", occ
            assert occ.next_reminder_at is None
    assert {p for (code, p) in after if code == "II.9.2" and "Q" in p} == {
        "2020-Q2",
        "2020-Q3",
        "2020-Q4",
    }
    # II.7.5 is gone: its future open Q4 is cancelled, the past Q2/Q3 are left as they were
    assert after["II.7.5", "2020-Q4"].status == "cancelled"
    assert after["II.7.5", "2020-Q3"].status == "open"
    assert after["II.7.5", "2020-Q3"].due_date == before["II.7.5", "2020-Q3"][0]
    assert (report.created, report.updated, report.cancelled) == (3, 1, 6)

    [moved] = audit_rows(session, action="reschedule")
    assert moved.key == "II.1.2/2020-Q3"
    assert (moved.before or {})["due_date"] == "2020-09-15"
    assert (moved.after or {})["due_date"] == "2020-09-21"
    cancelled = {a.key for a in audit_rows(session, action="cancel")}
    assert cancelled == {f"II.9.2/2020-{m:02d}" for m in (7, 9, 10, 11, 12)} | {"II.7.5/2020-Q4"}
    unchanged = {k for k, o in after.items() if k in before and (o.due_date, o.status) == before[k]}
    assert len(unchanged) == 146 - 1 - 6


# --- what readers see ------------------------------------------------------------------------


def test_views_show_overdue_and_working_days_left(session, ward) -> None:  # type: ignore[no-untyped-def]
    unit_id, plan_row = ward

    def view(now: dt.datetime, task: str, period: str, lang: str = "vi"):  # type: ignore[no-untyped-def]
        [found] = [
            v
            for v in views(plan_row, session=session, now=now, lang=lang)
            if (v.task, v.period) == (task, period)
        ]
        return found

    morning = view(local(2020, 4, 29, 8), "II.1.1", "2020")
    assert (morning.overdue, morning.working_days_left) == (False, 0)
    assert (morning.officer_email, morning.officer_name) == (HUNG, "Nguyễn Văn Hùng")
    assert (morning.status, morning.lead_role, morning.area) == ("open", "chairman", "1")
    # 30/4 and 1/5 are holidays, then a weekend: Monday 4/5 is one working day late
    late = view(local(2020, 5, 4, 8), "II.1.1", "2020")
    assert (late.overdue, late.working_days_left) == (True, -1)
    ahead = view(local(2020, 6, 23, 8), "II.1.6", "2020")
    assert (ahead.overdue, ahead.working_days_left) == (False, 5)
    english = view(local(2020, 6, 23, 8), "II.1.6", "2020", lang="en")
    assert english.title != ahead.title and english.title

    occ = find_occurrence(unit_id, "II.1.1", "2020", session=session)
    transition(
        occ, "submit", session=session, actor=HUNG, now=local(2020, 5, 5), reason=NO_EVIDENCE
    )
    done = view(local(2020, 5, 6), "II.1.1", "2020")
    # the chairman leads and approves II.1.1: his own submission is final
    assert (done.overdue, done.working_days_left, done.status) == (False, -3, "accepted")

    everything = views(plan_row, session=session, now=local(2020, 6, 1))
    assert len(everything) == 146
    assert [v.due_date for v in everything] == sorted(v.due_date for v in everything)


def test_an_occurrence_is_overdue_from_five_pm_on_its_due_day(session, ward, engine) -> None:  # type: ignore[no-untyped-def]
    _, plan_row = ward
    [evening] = [
        v
        for v in views(plan_row, session=session, now=local(2020, 4, 29, 18))
        if (v.task, v.period) == ("II.1.1", "2020")
    ]
    assert evening.due_at == dt.datetime(2020, 4, 29, 17, 0, tzinfo=TZ)
    assert evening.overdue is True
