"""Migration 0009: a database written by the stop-gap code (plan extras under ``_ext`` in JSON
columns, a model framework's ``source`` prefixed ``model:``) reads back the same after the
upgrade, with the extras in columns of their own — and goes back on downgrade."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from domain.plan import Duty, Funding, FundingSource
from models import PlanRecord
from storage.db import make_engine
from storage.frameworks import read_framework_record
from storage.migrate import alembic_config, upgrade
from storage.plans import read_plan_record

FUNDING = {
    "sources": [{"kind": "budget", "text": "Ngân sách phường", "amount": 5e6, "unit": "VND"}],
    "criteria": ["1.2"],
    "source": "plan",
    "note": "",
}
DUTIES = [{"ref": "II.1", "text": "Chỉ đạo chung", "tasks": ["1.1"]}]
SCHEDULE = {
    "every": "month",
    "rrule": None,
    "start": "2026-01-01",
    "until": "2026-12-31",
    "due": {"month_day": 25},
}
REMINDERS = {"before": [3, 1], "escalate": [1], "at": "07:30"}
ROLES = {
    "chu_tich": {"wording": "Chủ tịch UBND phường", "inferred": ["reports_to"], "duties": DUTIES}
}


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, sa.JSON if c in _JSON else None) for c in columns))


_JSON = {"reminders", "basis", "scope", "schedule", "grades"}


def _old_rows(connection: sa.Connection) -> None:
    """What the code before 0009 stored for a plan loaded twice (2025, then 2026)."""
    connection.execute(
        sa.insert(_table("unit", "id", "code", "name")).values(id=1, code="W", name="Phường")
    )
    position = _table("position", "id", "unit_id", "code", "title", "title_en", "source", "note")
    for i, code in enumerate(("chu_tich", "van_phong"), start=1):
        connection.execute(
            sa.insert(position).values(
                id=i, unit_id=1, code=code, title=code, title_en="", source="plan", note=""
            )
        )
    plan = _table(
        "plan", "id", "unit_id", "code", "title", "year", "basis", "timezone", "roll",
        "reminders", "source_sha256",
    )  # fmt: skip
    # the 2025 plan named the office, the 2026 one no longer does
    roles_2025 = {"chu_tich": {"wording": "Chủ tịch (2025)"}, "van_phong": {"wording": "VP"}}
    for pid, year, ext in (
        (1, 2025, {"roles": roles_2025}),
        (2, 2026, {"inferred": ["funding"], "funding": FUNDING, "roles": ROLES}),
    ):
        connection.execute(
            sa.insert(plan).values(
                id=pid, unit_id=1, code=f"KH-{year}", title="Kế hoạch", year=year, basis=[],
                timezone="Asia/Ho_Chi_Minh", roll="next", reminders={**REMINDERS, "_ext": ext},
                source_sha256="",
            )
        )  # fmt: skip
    connection.execute(
        sa.insert(
            _table(
                "plan_target", "id", "plan_id", "code", "title", "title_en", "metric", "scope",
                "unit", "owner", "source", "note", "position",
            )
        ).values(
            id=1, plan_id=2, code="T1", title="Tỷ lệ", title_en="", metric="online_rate",
            scope={"area": "1", "_ext": {"compare": "previous_year", "inferred": ["unit"]}},
            unit="%", owner="chu_tich", source="plan", note="", position=0,
        )
    )  # fmt: skip
    connection.execute(
        sa.insert(
            _table(
                "plan_task", "id", "plan_id", "code", "area", "title", "title_en", "lead",
                "schedule", "reminders", "source", "note", "position",
            )
        ).values(
            id=1, plan_id=2, code="1.1", area="1", title="Họp", title_en="", lead="chu_tich",
            schedule={**SCHEDULE, "_ext": {"inferred": ["schedule", "due"]}}, reminders=REMINDERS,
            source="plan", note="", position=0,
        )
    )  # fmt: skip
    framework = _table(
        "framework", "id", "code", "title", "title_en", "year", "scale", "grades", "bonus_max",
        "penalty_max", "source", "source_sha256",
    )  # fmt: skip
    for fid, code, source in ((1, "MODEL", "model:inferred"), (2, "ISSUED", "plan")):
        connection.execute(
            sa.insert(framework).values(
                id=fid, code=code, title=code, title_en="", year=2026, scale=100, grades={},
                bonus_max=0, penalty_max=0, source=source, source_sha256="",
            )
        )  # fmt: skip


@pytest.fixture
def old_database(db_url: str) -> Iterator[Any]:
    """A database at revision 0008 holding the stop-gap rows, then upgraded to the head."""
    from alembic import command

    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0008")
    with engine.begin() as connection:
        _old_rows(connection)
    upgrade(engine)
    yield engine
    engine.dispose()


def _plan(engine: Any) -> Any:
    with Session(engine) as session:
        row = session.exec(select(PlanRecord).where(PlanRecord.id == 2)).one()
        return read_plan_record(row, session=session)


def _raw(engine: Any, sql: str) -> list[Any]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(sql))]


def test_the_stored_extras_read_back_the_same_after_the_upgrade(old_database) -> None:  # type: ignore[no-untyped-def]
    plan = _plan(old_database)
    assert plan.inferred == ("funding",)
    assert plan.funding == Funding(
        sources=(FundingSource("budget", "Ngân sách phường", 5e6),), criteria=("1.2",)
    )
    assert plan.reminders.before == (3, 1)
    chairman = next(r for r in plan.roles if r.code == "chu_tich")
    # the unit's latest plan has the last word on a shared position
    assert chairman.wording == "Chủ tịch UBND phường"
    assert chairman.inferred == ("reports_to",)
    assert chairman.duties == (Duty("II.1", "Chỉ đạo chung", ("1.1",)),)
    office = next(r for r in plan.roles if r.code == "van_phong")
    assert (office.wording, office.inferred, office.duties) == ("", (), ())
    (target,) = plan.targets
    assert (target.scope, target.compare, target.inferred) == (
        {"area": "1"},
        "previous_year",
        ("unit",),
    )
    (task,) = plan.tasks
    assert task.inferred == ("schedule", "due")
    assert task.schedule.every == "month"
    with Session(old_database) as session:
        model = read_framework_record("MODEL", session=session)
        issued = read_framework_record("ISSUED", session=session)
    assert (model.model, model.source) == (True, "inferred")
    assert (issued.model, issued.source) == (False, "plan")


def test_the_upgrade_leaves_no_stop_gap_behind(old_database) -> None:  # type: ignore[no-untyped-def]
    for table, column in (
        ("plan", "reminders"),
        ("plan_target", "scope"),
        ("plan_task", "schedule"),
    ):
        for (value,) in _raw(old_database, f"SELECT {column} FROM {table}"):
            assert "_ext" not in str(value)
    assert _raw(old_database, "SELECT code, source FROM framework ORDER BY code") == [
        ("ISSUED", "plan"),
        ("MODEL", "inferred"),
    ]


def test_the_downgrade_puts_the_stop_gaps_back(old_database) -> None:  # type: ignore[no-untyped-def]
    from alembic import command

    command.downgrade(alembic_config(old_database), "0008")
    plan = _table("plan", "id", "reminders")
    with old_database.connect() as connection:
        older, latest = connection.scalars(sa.select(plan.c.reminders).order_by(plan.c.id)).all()
        scope = connection.scalars(sa.select(_table("plan_target", "scope").c.scope)).one()
        schedule = connection.scalars(sa.select(_table("plan_task", "schedule").c.schedule)).one()
    # every plan of the unit carries the positions' extras, as the older code reads them
    assert older == {**REMINDERS, "_ext": {"roles": ROLES}}
    assert latest == {
        **REMINDERS,
        "_ext": {"inferred": ["funding"], "funding": FUNDING, "roles": ROLES},
    }
    assert scope == {"area": "1", "_ext": {"compare": "previous_year", "inferred": ["unit"]}}
    assert schedule == {**SCHEDULE, "_ext": {"inferred": ["schedule", "due"]}}
    assert _raw(old_database, "SELECT source FROM framework WHERE code = 'MODEL'") == [
        ("model:inferred",)
    ]
    upgrade(old_database)  # and up again: the same plan as before the round trip
    assert _plan(old_database).funding is not None
