"""The officers' reading commands read each table they need once (issue 15): the statements
``cchc tasks`` and ``cchc completeness`` run do not grow with the plan's tasks and occurrences.

Two wards in one database, on SQLite and PostgreSQL: one runs three tasks of the bundled plan,
the other all of it (the demo roster in both, the year materialised); each report is asked of
each ward and the statements counted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from application.access import Identity
from application.completeness import completeness
from application.occurrences import TaskFilter, task_list
from application.uow import UnitOfWork
from cchc.tables import read_table
from plans import HERE
from responsibilities.roster import read_roster
from storage.occurrences import materialise
from storage.officers import import_roster
from storage.plans import find_plan
from storage.units import get_unit
from tests.statements import count_statements

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
OPERATOR = Identity.operator()
NOW = dt.datetime(2020, 9, 15, 8, tzinfo=TZ)


def _ward(engine: Any, session: Session, load: Any, plan: Any, code: str) -> int:
    """A ward running ``plan``, its roster imported and its year materialised; its occurrences."""
    load(plan, now=dt.datetime(2020, 1, 2, 6, tzinfo=TZ), unit_code=code)
    unit_id = get_unit(code, session=session).id
    assert unit_id is not None
    header, rows = read_table(HERE / "demo-roster.csv")
    entries = read_roster(
        header,
        rows,
        file="demo-roster.csv",
        positions=[r.code for r in plan.roles],
        areas=[a.code for a in plan.areas],
    )
    start = dt.datetime(2020, 1, 2, 7, tzinfo=TZ)
    import_roster(entries, session=session, unit_id=unit_id, actor="test", now=start)
    made = materialise(
        find_plan(session=session, unit_id=unit_id), session=session, actor="test", now=start
    )
    session.commit()
    return int(made.created)


def _reads(engine: Any, unit: str) -> dict[str, int]:
    """Statements of each reading, for ``unit``."""
    reads: dict[str, Callable[[], object]] = {
        "tasks": lambda: task_list(UnitOfWork(engine), NOW, unit=unit, identity=OPERATOR),
        "tasks --overdue": lambda: task_list(
            UnitOfWork(engine), NOW, unit=unit, where=TaskFilter(overdue=True), identity=OPERATOR
        ),
    }
    for by in ("position", "area", "criterion", "officer"):
        reads[f"completeness --by {by}"] = lambda by=by: completeness(  # type: ignore[misc]
            UnitOfWork(engine), OPERATOR, NOW, unit=unit, year=2020, by=by
        )
    return {name: count_statements(engine, read) for name, read in reads.items()}


def test_reading_statements_do_not_grow_with_tasks_and_occurrences(
    engine: Any, session: Session, load: Any, bundled_plan: Any
) -> None:
    small = dataclasses.replace(bundled_plan, tasks=bundled_plan.tasks[:3])
    few = _ward(engine, session, load, small, "ward-small")
    many = _ward(engine, session, load, bundled_plan, "ward-full")
    assert many > 10 * few > 0  # the whole plan's year against three tasks'

    small_counts = _reads(engine, "ward-small")
    full_counts = _reads(engine, "ward-full")
    assert full_counts == small_counts
    assert max(full_counts.values()) < 60  # one statement per table needed, not per row
    listed = task_list(UnitOfWork(engine), NOW, unit="ward-full", identity=OPERATOR)
    assert len(listed.rows) == many
