"""Materialising in bulk: the new occurrences are written together, skipping whatever is
already stored, on SQLite and PostgreSQL (the ``session`` fixture is parametrised).

What a user notices: every occurrence is stored exactly once, however many there are in one
go (more than SQLite allows variables in one statement) and however many materialisations run
at once; the report says how many were created and how many were there already.
"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

import storage.occurrences as occurrences_module
from application.occurrences import materialise_all, materialise_plan
from cchc.tables import read_table
from models import AuditEntry, Occurrence, Officer, TaskRecord
from plans import HERE
from responsibilities.roster import read_roster
from storage.audit import verify_chain
from storage.occurrences import MAX_VARIABLES, insert_new
from storage.officers import import_roster
from storage.plans import find_plan
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
JAN1 = dt.datetime(2020, 1, 1, 6, tzinfo=TZ)
# 168 units × the bundled plan's 146 occurrences: a province's year in one call
PROVINCE_YEAR = 168 * 146


def _plan_row(session: Session, load):  # type: ignore[no-untyped-def]
    load(now=JAN1)
    unit_id = get_unit("phu-huu", session=session).id
    assert unit_id is not None
    return find_plan(session=session, unit_id=unit_id)


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Occurrence)).one()


def _rows(plan_row, task_ids: list[int], first: int, last: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [
        {
            "unit_id": plan_row.unit_id,
            "plan_id": plan_row.id,
            "task_id": task_ids[i % len(task_ids)],
            "task_code": "II.2.1",
            "period": f"P{i}",
            "period_start": dt.date(2020, 1, 1),
            "period_end": dt.date(2020, 1, 31),
            "due_date": dt.date(2020, 2, 5),
            "due_at": dt.datetime(2020, 2, 5, 17, tzinfo=TZ),
            "status": "open",
            "lead_role": "justice",
            "officer_id": None,
            "acting_for_id": None,
            "next_reminder_at": None,
            "reason": "",
            "submitted_by": "",
            "reviewed_by": "",
            "updated_at": JAN1,
        }
        for i in range(first, last)
    ]


def test_a_province_year_in_one_call_is_stored_once_past_the_variable_limit(session, load) -> None:  # type: ignore[no-untyped-def]
    plan_row = _plan_row(session, load)
    task_ids = list(session.exec(select(TaskRecord.id).where(TaskRecord.plan_id == plan_row.id)))
    rows = _rows(plan_row, task_ids, 0, PROVINCE_YEAR)
    assert len(rows) * len(rows[0]) > MAX_VARIABLES  # more than one statement can carry

    created = insert_new(session, rows)
    session.commit()

    assert len(created) == _count(session) == PROVINCE_YEAR
    # again, with 100 more: only those are created, nothing is stored twice
    again = insert_new(session, _rows(plan_row, task_ids, 0, PROVINCE_YEAR + 100))
    session.commit()
    assert again == {
        (task_ids[i % len(task_ids)], f"P{i}") for i in range(PROVINCE_YEAR, PROVINCE_YEAR + 100)
    }
    assert _count(session) == PROVINCE_YEAR + 100
    assert insert_new(session, []) == set()


def test_rows_made_while_they_are_written_are_all_stored_even_when_one_is_there_already(
    session, load
) -> None:  # type: ignore[no-untyped-def]
    # the job hands its rows over as it works them out (a generator): when a row stored
    # meanwhile fails the fast path, every row is still made, and each new one stored once
    plan_row = _plan_row(session, load)
    task_ids = list(session.exec(select(TaskRecord.id).where(TaskRecord.plan_id == plan_row.id)))
    rows = _rows(plan_row, task_ids, 0, 300)
    insert_new(session, rows[150:151])  # stored meanwhile, in the middle
    session.commit()
    made = []

    def one_by_one():  # type: ignore[no-untyped-def]
        for row in rows:
            made.append(row["period"])
            yield row

    created = insert_new(session, one_by_one())
    session.commit()

    assert len(made) == 300
    assert created == {(r["task_id"], r["period"]) for r in rows} - {(rows[150]["task_id"], "P150")}
    assert _count(session) == 300


def test_what_another_run_stored_meanwhile_is_skipped_and_reported_unchanged(
    session, load, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    plan_row = _plan_row(session, load)
    first = materialise_plan(plan_row, session=session, actor="test", now=JAN1)
    session.commit()
    audits = session.exec(select(func.count()).select_from(AuditEntry)).one()
    assert first.created == _count(session) == 146
    assert sum(first.by_every.values()) == 146

    # a second run that read the plan's occurrences before the first one committed
    monkeypatch.setattr(
        occurrences_module, "_stored", lambda _session, plan_ids: {p: {} for p in plan_ids}
    )
    second = materialise_plan(plan_row, session=session, actor="test", now=JAN1)
    session.commit()

    assert (second.created, second.unchanged, second.by_every) == (0, 146, {})
    assert _count(session) == 146
    # nothing created: no "materialise" entry in the audit log
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audits


def test_some_stored_meanwhile_the_rest_is_created_and_the_run_goes_on(
    session, load, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    plan_row = _plan_row(session, load)
    materialise_plan(plan_row, session=session, actor="test", now=JAN1)
    session.commit()
    # another run stored only these (every fifth) before this one wrote
    stored = session.exec(
        select(Occurrence.task_id, Occurrence.period).order_by(col(Occurrence.id))
    ).all()
    kept = set(stored[::5])
    for row in session.exec(select(Occurrence)).all():
        if (row.task_id, row.period) not in kept:
            session.delete(row)
    session.commit()
    audits = session.exec(select(func.count()).select_from(AuditEntry)).one()

    monkeypatch.setattr(
        occurrences_module, "_stored", lambda _session, plan_ids: {p: {} for p in plan_ids}
    )
    report = materialise_plan(plan_row, session=session, actor="test", now=JAN1)
    session.commit()  # the conflict did not spoil the transaction (PostgreSQL)

    assert (report.created, report.unchanged) == (146 - len(kept), len(kept))
    assert sum(report.by_every.values()) == report.created
    rows = session.exec(select(Occurrence.task_id, Occurrence.period)).all()
    assert len(rows) == len(set(rows)) == 146
    # what this run created is audited once, in the same transaction
    entries = session.exec(
        select(AuditEntry).where(AuditEntry.action == "materialise").order_by(col(AuditEntry.id))
    ).all()
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audits + 1
    assert entries[-1].after == {"created": 146 - len(kept), "updated": 0, "cancelled": 0}


def test_a_materialisation_rolled_back_stores_nothing(session, load) -> None:  # type: ignore[no-untyped-def]
    plan_row = _plan_row(session, load)
    audits = session.exec(select(func.count()).select_from(AuditEntry)).one()

    report = materialise_plan(plan_row, session=session, actor="test", now=JAN1)
    assert report.created == 146
    session.rollback()

    assert _count(session) == 0
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audits


def test_two_materialisations_at_once_create_each_occurrence_once(engine, session, load) -> None:  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the runs cannot overlap")
    plan_row = _plan_row(session, load)
    reports = []
    with Session(engine, expire_on_commit=False) as first:
        reports.append(materialise_plan(plan_row, session=first, actor="a", now=JAN1))

        def other() -> None:  # inserts the same rows; waits for the first to end, then skips
            with Session(engine, expire_on_commit=False) as second:
                reports.append(materialise_plan(plan_row, session=second, actor="b", now=JAN1))
                second.commit()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive()  # held up by the first run's uncommitted rows
        first.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()

    assert [r.created for r in reports] == [146, 0]
    assert reports[1].unchanged == 146
    rows = session.exec(select(Occurrence.task_id, Occurrence.period)).all()
    assert len(rows) == len(set(rows)) == 146
    actors = session.exec(
        select(AuditEntry.actor)
        .where(AuditEntry.action == "materialise")
        .order_by(col(AuditEntry.id))
    ).all()
    assert actors == ["a"]


def test_rows_written_in_bulk_are_stored_as_the_orm_stores_them(session, load) -> None:  # type: ignore[no-untyped-def]
    # the bulk path converts values itself (COPY, or the driver's own statement): a time
    # stored in another form (local, or text SQLite compares differently) would misplace
    # deadlines in every query that compares them
    plan_row = _plan_row(session, load)
    task_ids = list(session.exec(select(TaskRecord.id).where(TaskRecord.plan_id == plan_row.id)))
    by_orm, in_bulk = _rows(plan_row, task_ids, 0, 2)
    by_orm["next_reminder_at"] = in_bulk["next_reminder_at"] = dt.datetime(2020, 2, 3, 7, tzinfo=TZ)
    session.add(Occurrence(**by_orm))
    session.flush()
    assert insert_new(session, [in_bulk]) == {(in_bulk["task_id"], "P1")}
    session.commit()

    stored = (
        session.connection()
        .exec_driver_sql(
            "SELECT period_start, period_end, due_date, due_at, next_reminder_at, updated_at,"
            " officer_id, status, reason FROM occurrence ORDER BY period"
        )
        .all()
    )
    assert len(stored) == 2
    assert tuple(stored[0]) == tuple(stored[1])
    # and read back through the ORM: the same aware instants
    due = session.exec(select(Occurrence.due_at).where(Occurrence.period == "P1")).one()
    assert due == dt.datetime(2020, 2, 5, 17, tzinfo=TZ)


def _ward_with_people(session: Session, load, bundled_plan, code: str) -> int:  # type: ignore[no-untyped-def]
    """``code`` with the bundled plan and the demo roster's people under addresses of its own."""
    load(now=JAN1, unit_code=code)
    unit_id = get_unit(code, session=session).id
    assert unit_id is not None
    header, rows = read_table(HERE / "demo-roster.csv")

    def own(address: str) -> str:
        return address.split("@")[0] + f"@{code}.gov.vn" if address else address

    entries = read_roster(
        header,
        [(n, {**r, "email": own(r["email"]), "acting_for": own(r["acting_for"])}) for n, r in rows],
        file="demo-roster.csv",
        positions=[r.code for r in bundled_plan.roles],
        areas=[a.code for a in bundled_plan.areas],
    )
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=JAN1)
    session.commit()
    return unit_id


def _routed(session: Session, unit_id: int) -> dict[tuple[str, str], tuple[str | None, str]]:
    """Each of the unit's occurrences, by task and period: its officer's address and due date."""
    emails = {o.id: o.email for o in session.exec(select(Officer))}
    return {
        (o.task_code, o.period): (emails.get(o.officer_id), o.due_at.isoformat())
        for o in session.exec(select(Occurrence).where(Occurrence.unit_id == unit_id))
    }


def test_the_daily_job_over_many_wards_gives_each_its_own_year_and_officers(
    session, load, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    codes = ("ward-a", "ward-b", "ward-c")
    units = [_ward_with_people(session, load, bundled_plan, code) for code in codes]
    plan_rows = [find_plan(session=session, unit_id=u) for u in units]

    together = materialise_all(plan_rows[:2], session=session, actor="test", now=JAN1)
    alone = materialise_plan(plan_rows[2], session=session, actor="test", now=JAN1)
    session.commit()

    assert [r.unit for r in together] == ["ward-a", "ward-b"]
    assert [r.created for r in [*together, alone]] == [146, 146, 146]
    routed = [_routed(session, u) for u in units]
    # each ward's work goes to its own people, as a ward materialised alone
    for code, found in zip(codes, routed, strict=True):
        assert {email.split("@")[1] for email, _ in found.values() if email} == {f"{code}.gov.vn"}
    strip = [{k: (e.split("@")[0] if e else e, d) for k, (e, d) in r.items()} for r in routed]
    assert strip[0] == strip[1] == strip[2]
    # one audit entry per ward, the chain unbroken
    entries = session.exec(
        select(AuditEntry).where(AuditEntry.action == "materialise").order_by(col(AuditEntry.id))
    ).all()
    assert [(e.key, e.after["created"]) for e in entries] == [(r.plan, 146) for r in together] + [
        (alone.plan, 146)
    ]
    assert [e.unit_id for e in entries] == units
    checked, breaks = verify_chain(session=session)
    assert checked > 3 and breaks == []
    # run again together: nothing new, nothing written to the log
    again = materialise_all(plan_rows, session=session, actor="test", now=JAN1)
    session.commit()
    assert [(r.created, r.unchanged) for r in again] == [(0, 146)] * 3
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == checked
