"""Migration 0018: an occurrence is held to its task, that task's plan and that plan's unit by
one foreign key, on SQLite and PostgreSQL.

What a user notices: an occurrence can no longer be filed under another unit's plan or
another plan's task (the ward's progress, reminders and PAR evidence would count it), the
occurrences, routes and reminders stored before the upgrade are all there after it, with
each task knowing its unit, and the downgrade goes back."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from application.occurrences import materialise_plan
from domain.errors import LocalizedError
from models import Occurrence, PlanRecord, TaskRecord
from storage.migrate import alembic_config, current_revision, upgrade
from storage.plans import find_plan
from storage.units import get_unit

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
JAN1 = dt.datetime(2020, 1, 1, 6, tzinfo=TZ)
TABLES = ("occurrence", "plan_task", "plan", "occurrence_route", "reminder_log", "evidence")


def _two_wards(session: Session, load: Any) -> tuple[PlanRecord, PlanRecord]:
    plans = []
    for code in ("phu-huu", "long-phuoc"):
        load(now=JAN1, unit_code=code)
        unit_id = get_unit(code, session=session).id
        assert unit_id is not None
        plan_row = find_plan(session=session, unit_id=unit_id)
        assert plan_row is not None
        materialise_plan(plan_row, session=session, actor="test", now=JAN1)
        plans.append(plan_row)
    session.commit()
    return plans[0], plans[1]


def _an_occurrence(session: Session, plan_row: PlanRecord) -> dict[str, Any]:
    row = session.exec(select(Occurrence).where(Occurrence.plan_id == plan_row.id)).first()
    assert row is not None
    values = row.model_dump(exclude={"id"})
    values["period"] = "copy"
    return values


def _refused(session: Session, values: dict[str, Any]) -> bool:
    try:
        with session.begin_nested():
            session.add(Occurrence(**values))
            session.flush()
    except IntegrityError:
        return True
    return False


def test_an_occurrence_under_another_units_plan_or_task_is_refused(session, load) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = _two_wards(session, load)
    values = _an_occurrence(session, ours)
    their_task = session.exec(select(TaskRecord).where(TaskRecord.plan_id == theirs.id)).first()
    assert their_task is not None

    assert _refused(session, {**values, "unit_id": theirs.unit_id})  # our plan, their unit
    assert _refused(session, {**values, "plan_id": theirs.id, "unit_id": theirs.unit_id})
    assert _refused(session, {**values, "task_id": their_task.id})  # their task, our plan
    assert not _refused(session, values)  # the same, filed where it belongs, is stored


def test_a_task_under_another_units_plan_is_refused(session, load) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = _two_wards(session, load)
    task = session.exec(select(TaskRecord).where(TaskRecord.plan_id == ours.id)).first()
    assert task is not None and task.unit_id == ours.unit_id
    copy = task.model_dump(exclude={"id"}) | {"code": "X.9", "unit_id": theirs.unit_id}
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(TaskRecord(**copy))
        session.flush()


def _counts(engine: Any) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in TABLES
        }


def _foreign_keys(engine: Any, table: str) -> set[tuple[tuple[str, ...], str]]:
    return {
        (tuple(fk["constrained_columns"]), fk["referred_table"])
        for fk in sa.inspect(engine).get_foreign_keys(table)
    }


def test_the_upgrade_keeps_every_row_and_the_downgrade_goes_back(engine, session, load) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = _two_wards(session, load)
    session.close()
    stored = _counts(engine)
    assert stored["occurrence"] > 200

    command.downgrade(alembic_config(engine), "0017")
    assert current_revision(engine) == "0017"
    assert _counts(engine) == stored
    assert "unit_id" not in {c["name"] for c in sa.inspect(engine).get_columns("plan_task")}
    assert _foreign_keys(engine, "occurrence") >= {
        (("unit_id",), "unit"),
        (("plan_id",), "plan"),
        (("task_id",), "plan_task"),
    }

    upgrade(engine)
    assert _counts(engine) == stored
    with Session(engine) as fresh:
        units = {t.plan_id: t.unit_id for t in fresh.exec(select(TaskRecord))}
    assert units == {ours.id: ours.unit_id, theirs.id: theirs.unit_id}
    assert _foreign_keys(engine, "occurrence") == {
        (("task_id", "plan_id", "unit_id"), "plan_task"),
        (("officer_id",), "officer"),
        (("acting_for_id",), "officer"),
    }
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def _misfiled_at(revision: str, engine: Any, session: Session, load: Any) -> int:
    """Two wards' years stored, the schema taken back to ``revision`` (before the new key),
    and one of the first ward's occurrences moved by hand to the second ward: its id."""
    ours, theirs = _two_wards(session, load)
    session.close()
    command.downgrade(alembic_config(engine), revision)
    with engine.begin() as connection:
        misfiled: int = connection.execute(
            sa.text("SELECT min(id) FROM occurrence WHERE plan_id = :p"), {"p": ours.id}
        ).scalar_one()
        connection.execute(
            sa.text("UPDATE occurrence SET unit_id = :u WHERE id = :i"),
            {"u": theirs.unit_id, "i": misfiled},
        )
    return misfiled


def test_an_occurrence_misfiled_before_the_upgrade_stops_it_with_its_id(
    engine, session, load
) -> None:  # type: ignore[no-untyped-def]
    # a row written by hand under the old keys: the upgrade names it and changes nothing
    misfiled = _misfiled_at("0017", engine, session, load)
    stored = _counts(engine)

    with pytest.raises(LocalizedError) as refused:
        upgrade(engine)
    assert refused.value.key == "error.migration_misfiled"
    assert refused.value.params == {"n": 1, "ids": str(misfiled)}
    assert f"(mã trong bảng occurrence: {misfiled})" in refused.value.render("vi")
    assert current_revision(engine) == "0017"
    assert _counts(engine) == stored
    assert "unit_id" not in {c["name"] for c in sa.inspect(engine).get_columns("plan_task")}


def test_an_upgrade_over_several_revisions_that_stops_leaves_the_schema_as_it_was(
    engine, session, load
) -> None:  # type: ignore[no-untyped-def]
    # 0017 then 0018 in one run: 0018 refuses a misfiled row, and 0017's tables, created
    # before in the same run, are gone with it (on SQLite too, where DDL commits by default)
    _misfiled_at("0016", engine, session, load)
    tables = set(sa.inspect(engine).get_table_names())

    with pytest.raises(LocalizedError):
        upgrade(engine)
    assert current_revision(engine) == "0016"
    assert set(sa.inspect(engine).get_table_names()) == tables
    assert "dossier_month" not in tables
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:  # the pool's connections have their keys back on
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
