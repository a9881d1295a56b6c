"""Storing the bundled plan and framework, revising them, and reading them back.

Every test runs on SQLite and on PostgreSQL (the ``session`` fixture is parametrised).
Between two loads the session is expired, so the second load sees what the database
really holds — as it would in a second ``cchc plan load`` run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from domain.plan import Due, Plan, Task
from models import AuditEntry, Position, TaskRecord, UnitRecord
from storage.frameworks import load_framework, read_framework_record
from storage.plans import find_plan, read_plan_record
from storage.units import get_unit

NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=dt.UTC)  # the `load` fixture's default time

REVISED_AT = NOW + dt.timedelta(days=30)
RESTORED_AT = NOW + dt.timedelta(days=60)


# --- helpers -----------------------------------------------------------------------------


def stored_plan(session, unit: str = "phu-huu") -> Plan:  # type: ignore[no-untyped-def]
    unit_id = get_unit(unit, session=session).id
    return read_plan_record(find_plan(session=session, unit_id=unit_id), session=session)


def audit_count(session) -> int:  # type: ignore[no-untyped-def]
    return session.exec(select(func.count()).select_from(AuditEntry)).one()


def task_row(session, code: str, unit: str = "phu-huu") -> TaskRecord:  # type: ignore[no-untyped-def]
    plan_id = find_plan(session=session, unit_id=get_unit(unit, session=session).id).id
    return session.exec(
        select(TaskRecord).where(TaskRecord.plan_id == plan_id, TaskRecord.code == code)
    ).one()


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def task_facts(task: Task) -> tuple[object, ...]:
    """What a user reads of a task; criteria and targets are sets (stored without order)."""
    return (
        task.code,
        task.area,
        task.title,
        task.title_en,
        task.lead,
        task.support,
        task.approver,
        task.schedule,
        task.reminders,
        task.evidence,
        sorted(task.criteria),
        sorted(task.targets),
        task.source,
        task.inferred,
    )


# --- the revision used by several tests --------------------------------------------------

RETITLED, RESCHEDULED, REMOVED, TRIMMED = "II.1.1", "II.1.2", "II.1.3", "II.1.4"
NEW_CODE = "II.1.99"
NEW_TITLE = "Kiện toàn Ban Chỉ đạo CCHC phường (sửa đổi)"


@pytest.fixture
def revised_plan(bundled_plan: Plan) -> Plan:
    """One task retitled, one rescheduled, one removed, one evidence dropped, one task added."""
    tasks = {t.code: t for t in bundled_plan.tasks}
    assert len(tasks[TRIMMED].evidence) >= 2, "the trimmed task needs evidence to lose"
    assert NEW_CODE not in tasks

    retitled = dataclasses.replace(tasks[RETITLED], title=NEW_TITLE)
    old_schedule = tasks[RESCHEDULED].schedule
    assert old_schedule.due != Due(month_day=20)
    rescheduled = dataclasses.replace(
        tasks[RESCHEDULED], schedule=dataclasses.replace(old_schedule, due=Due(month_day=20))
    )
    trimmed = dataclasses.replace(tasks[TRIMMED], evidence=tasks[TRIMMED].evidence[:-1])
    added = dataclasses.replace(
        tasks["II.1.5"], code=NEW_CODE, title="Nhiệm vụ mới bổ sung giữa năm"
    )

    revised: list[Task] = []
    for task in bundled_plan.tasks:
        if task.code == REMOVED:
            continue
        revised.append(
            {RETITLED: retitled, RESCHEDULED: rescheduled, TRIMMED: trimmed}.get(task.code, task)
        )
    revised.append(added)
    return dataclasses.replace(bundled_plan, tasks=tuple(revised))


# --- loading -----------------------------------------------------------------------------


def test_loading_the_bundled_plan_creates_its_tasks_targets_areas_and_positions(
    session, load, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    report = load()

    assert report.plan == "KH-CCHC-2020"
    assert report.unit == "phu-huu"
    assert report.changed
    assert report.counts["task"]["created"] == 40
    assert report.counts["target"]["created"] == 13  # I.2 (12) and the goal I.1.5
    assert report.counts["area"]["created"] == 9
    assert report.counts["position"]["created"] == len(bundled_plan.roles)

    unit_id = get_unit("phu-huu", session=session).id
    positions = session.exec(select(Position.code).where(Position.unit_id == unit_id)).all()
    assert sorted(positions) == sorted(r.code for r in bundled_plan.roles)
    stored = stored_plan(session)
    assert (len(stored.tasks), len(stored.targets), len(stored.areas)) == (40, 13, 9)


def test_the_stored_plan_reads_back_as_the_plan_that_was_loaded(
    session, load, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    load()
    session.expire_all()

    stored = stored_plan(session)

    assert (stored.code, stored.title, stored.year, stored.issued) == (
        bundled_plan.code,
        bundled_plan.title,
        bundled_plan.year,
        bundled_plan.issued,
    )
    assert stored.unit == bundled_plan.unit
    assert stored.framework == bundled_plan.framework
    assert (stored.inferred, stored.funding) == (bundled_plan.inferred, bundled_plan.funding)
    assert stored.areas == bundled_plan.areas
    assert stored.roles == bundled_plan.roles
    assert stored.targets == bundled_plan.targets
    assert [t.code for t in stored.tasks] == [t.code for t in bundled_plan.tasks]
    for back, loaded in zip(stored.tasks, bundled_plan.tasks, strict=True):
        assert task_facts(back) == task_facts(loaded), loaded.code


def test_loading_the_same_plan_twice_changes_nothing_and_writes_no_audit(session, load) -> None:  # type: ignore[no-untyped-def]
    first = load()
    entries_after_first = audit_count(session)
    session.expire_all()

    second = load(now=REVISED_AT)

    assert first.changed
    assert not second.changed
    assert all(c["created"] == c["updated"] == c["archived"] == 0 for c in second.counts.values())
    assert second.counts["task"]["unchanged"] == 40
    assert audit_count(session) == entries_after_first


def test_what_is_inferred_is_kept_and_a_change_of_it_is_an_update(
    session, load, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    load()
    session.expire_all()
    first = bundled_plan.tasks[0]
    assert "approver" in first.inferred
    confirmed = dataclasses.replace(
        first, inferred=tuple(f for f in first.inferred if f != "approver")
    )
    revised = dataclasses.replace(bundled_plan, tasks=(confirmed, *bundled_plan.tasks[1:]))

    report = load(revised, now=REVISED_AT)

    assert report.counts["task"]["updated"] == 1
    session.expire_all()
    back = stored_plan(session).tasks[0]
    assert not back.is_inferred("approver") and back.is_inferred("schedule")
    assert back.schedule == first.schedule  # the extras never leak into the schedule


# --- revising ----------------------------------------------------------------------------


def test_a_revised_plan_reports_the_new_and_the_dropped_records(
    session, load, revised_plan
) -> None:  # type: ignore[no-untyped-def]
    load()
    session.expire_all()

    report = load(revised_plan, now=REVISED_AT)

    assert report.changed
    assert report.counts["task"]["created"] == 1
    assert report.counts["task"]["archived"] == 1
    assert report.counts["evidence_requirement"]["archived"] == 1
    new_task = next(t for t in revised_plan.tasks if t.code == NEW_CODE)
    assert report.counts["evidence_requirement"]["created"] == len(new_task.evidence)
    updated = {
        e.key
        for e in session.exec(
            select(AuditEntry).where(
                AuditEntry.entity == "task",
                AuditEntry.action == "update",
                AuditEntry.simulated_at == REVISED_AT,
            )
        )
    }
    assert {RETITLED, RESCHEDULED} <= updated


def test_a_revised_plan_counts_only_the_edited_tasks_as_updated(
    session, load, revised_plan
) -> None:  # type: ignore[no-untyped-def]
    load()
    session.expire_all()

    report = load(revised_plan, now=REVISED_AT)

    assert report.counts["task"] == {"created": 1, "updated": 2, "archived": 1, "unchanged": 37}


def test_a_task_dropped_from_the_plan_is_archived_not_deleted(
    session, load, bundled_plan, revised_plan
) -> None:  # type: ignore[no-untyped-def]
    load()
    session.expire_all()
    load(revised_plan, now=REVISED_AT)
    session.expire_all()

    removed = task_row(session, REMOVED)
    assert removed.archived_at is not None
    assert as_utc(removed.archived_at) == REVISED_AT

    stored = {t.code: t for t in stored_plan(session).tasks}
    assert REMOVED not in stored
    assert NEW_CODE in stored
    assert stored[RETITLED].title == NEW_TITLE
    assert stored[RESCHEDULED].schedule.due == Due(month_day=20)
    original_trimmed = next(t for t in bundled_plan.tasks if t.code == TRIMMED)
    assert stored[TRIMMED].evidence == original_trimmed.evidence[:-1]


def test_loading_the_original_again_restores_the_archived_task(
    session, load, bundled_plan, revised_plan
) -> None:  # type: ignore[no-untyped-def]
    load()
    session.expire_all()
    load(revised_plan, now=REVISED_AT)
    session.expire_all()

    report = load(now=RESTORED_AT)
    session.expire_all()

    assert report.counts["task"]["archived"] == 1  # the task the revision added
    assert report.counts["evidence_requirement"]["updated"] == 1  # the dropped evidence is back
    [restore] = session.exec(
        select(AuditEntry).where(
            AuditEntry.entity == "task", AuditEntry.key == REMOVED, AuditEntry.action == "restore"
        )
    ).all()
    assert restore.simulated_at is not None and as_utc(restore.simulated_at) == RESTORED_AT
    assert task_row(session, REMOVED).archived_at is None
    assert task_row(session, NEW_CODE).archived_at is not None
    stored = stored_plan(session)
    assert [t.code for t in stored.tasks] == [t.code for t in bundled_plan.tasks]
    for back, loaded in zip(stored.tasks, bundled_plan.tasks, strict=True):
        assert task_facts(back) == task_facts(loaded), loaded.code


def test_the_audit_log_names_who_retitled_a_task_with_before_and_after(
    session, load, bundled_plan, revised_plan
) -> None:  # type: ignore[no-untyped-def]
    load()
    session.expire_all()
    load(revised_plan, now=REVISED_AT)
    session.expire_all()

    old_title = next(t.title for t in bundled_plan.tasks if t.code == RETITLED)
    [entry] = session.exec(
        select(AuditEntry).where(
            AuditEntry.entity == "task", AuditEntry.key == RETITLED, AuditEntry.action == "update"
        )
    ).all()
    assert entry.actor == "test"
    assert entry.simulated_at is not None and as_utc(entry.simulated_at) == REVISED_AT
    assert entry.before is not None and entry.after is not None
    assert entry.before["title"] == old_title
    assert entry.after["title"] == NEW_TITLE

    archived = session.exec(
        select(AuditEntry).where(AuditEntry.entity == "task", AuditEntry.key == REMOVED)
    ).all()
    assert [e.action for e in archived] == ["create", "archive"]
    assert all(e.actor == "test" for e in archived)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ],
)
def test_the_audit_log_refuses_updates_and_deletes(session, load, statement: str) -> None:  # type: ignore[no-untyped-def]
    load()
    before = audit_count(session)
    assert before > 0

    with pytest.raises(DBAPIError, match="append-only"):
        session.exec(text(statement))
    session.rollback()

    assert audit_count(session) == before
    assert "mallory" not in session.exec(select(AuditEntry.actor)).all()


# --- units -------------------------------------------------------------------------------


def test_the_same_plan_loads_for_another_unit_and_the_two_stay_independent(
    session, load, bundled_plan, revised_plan
) -> None:  # type: ignore[no-untyped-def]
    load()
    other = load(unit_code="long-phuoc")

    assert other.unit == "long-phuoc"
    assert other.counts["task"]["created"] == 40
    assert other.counts["position"]["created"] == len(bundled_plan.roles)
    long_phuoc = get_unit("long-phuoc", session=session)
    assert long_phuoc.parent_id == get_unit("quan-9", session=session).id

    session.expire_all()
    load(revised_plan, now=REVISED_AT, unit_code="long-phuoc")
    session.expire_all()

    phu_huu_tasks = {t.code: t for t in stored_plan(session, "phu-huu").tasks}
    long_phuoc_tasks = {t.code: t for t in stored_plan(session, "long-phuoc").tasks}
    assert REMOVED in phu_huu_tasks and REMOVED not in long_phuoc_tasks
    assert NEW_CODE in long_phuoc_tasks and NEW_CODE not in phu_huu_tasks
    assert long_phuoc_tasks[RETITLED].title == NEW_TITLE
    assert phu_huu_tasks[RETITLED].title != NEW_TITLE
    assert task_row(session, REMOVED, "phu-huu").archived_at is None
    assert stored_plan(session, "long-phuoc").unit.code == "long-phuoc"


def test_the_unit_chain_is_stored_ward_to_district_to_city(session, load) -> None:  # type: ignore[no-untyped-def]
    load()
    session.expire_all()

    units = {u.code: u for u in session.exec(select(UnitRecord)).all()}

    assert set(units) == {"phu-huu", "quan-9", "tp-hcm"}
    assert units["phu-huu"].parent_id == units["quan-9"].id
    assert units["quan-9"].parent_id == units["tp-hcm"].id
    assert units["tp-hcm"].parent_id is None
    assert units["phu-huu"].name == "UBND phường Phú Hữu"
    assert units["quan-9"].name == "UBND Quận 9"
    assert [u.code for u in stored_plan(session).unit.chain()] == ["phu-huu", "quan-9", "tp-hcm"]


# --- framework ---------------------------------------------------------------------------


def test_loading_the_framework_twice_changes_nothing(session, bundled_framework) -> None:  # type: ignore[no-untyped-def]
    first = load_framework(bundled_framework, session=session, actor="test", now=NOW)
    session.commit()
    entries = audit_count(session)
    session.expire_all()

    second = load_framework(bundled_framework, session=session, actor="test", now=REVISED_AT)
    session.commit()

    assert first["created"] > 0
    assert (second["created"], second["updated"], second["removed"]) == (0, 0, 0)
    assert (
        second["unchanged"] == first["created"] - 1
    )  # every node; the framework row itself is not counted
    assert audit_count(session) == entries


def test_the_stored_framework_reads_back_as_the_same_tree(session, bundled_framework) -> None:  # type: ignore[no-untyped-def]
    load_framework(bundled_framework, session=session, actor="test", now=NOW)
    session.commit()
    session.expire_all()

    back = read_framework_record(bundled_framework.code, session=session)

    def tree(fw):  # type: ignore[no-untyped-def]
        return [
            (
                a.code,
                a.max,
                [
                    (
                        c.code,
                        c.max,
                        [
                            (i.code, i.max, i.rule.type, [str(b) for b in i.rule.bands])
                            for i in c.items
                        ],
                    )
                    for c in a.criteria
                ],
            )
            for a in fw.areas
        ]

    assert back.code == bundled_framework.code
    assert back.codes() == bundled_framework.codes()
    assert tree(back) == tree(bundled_framework)
    bands = {i.code: [str(b) for b in i.rule.bands] for i in back.items()}
    assert bands["1.1.4"] == [">90: 2", ">=70: 1", "else: 0"]
    assert back == bundled_framework


def test_a_plan_read_again_is_not_queried_again_and_a_revision_is_seen(  # type: ignore[no-untyped-def]
    session, engine, bundled_plan
) -> None:
    """Pages read the same plan many times: its tasks are kept per process by the hash of
    the file they came from. A revision (another file, another hash) is read afresh — also
    when another process loaded it — and a plan loaded from no file is never kept."""
    import hashlib
    import uuid

    from sqlalchemy import event

    from storage.plans import load_plan

    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    first = hashlib.sha256(uuid.uuid4().bytes).hexdigest()  # no other test's file
    load_plan(bundled_plan, session=session, actor="t", now=NOW, sha256=first)
    session.commit()

    statements.clear()
    before = stored_plan(session)
    cold = len(statements)
    statements.clear()
    again = stored_plan(session)
    warm = len(statements)
    assert again == before
    assert warm < cold - 5, (cold, warm)  # areas, targets, tasks and their parts: not again

    task = bundled_plan.tasks[0]
    revised = dataclasses.replace(
        bundled_plan,
        tasks=(dataclasses.replace(task, title=task.title + " (sửa đổi)"), *bundled_plan.tasks[1:]),
    )
    second = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    load_plan(revised, session=session, actor="t", now=REVISED_AT, sha256=second)
    session.commit()
    assert stored_plan(session).tasks[0].title == task.title + " (sửa đổi)"

    load_plan(bundled_plan, session=session, actor="t", now=RESTORED_AT)  # from no file
    session.commit()
    statements.clear()
    assert stored_plan(session).tasks[0].title == task.title
    statements_without_file = len(statements)
    statements.clear()
    stored_plan(session)
    assert len(statements) == statements_without_file  # never kept: read each time
