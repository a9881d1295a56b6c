"""The province's results are kept between reads (``application.kept_results``) and never
shown stale: a recorded change, a deadline passing, another officer asking, or a minute
passing for a change made without the log each make them read again. On SQLite and
PostgreSQL, with the wards of ``test_province``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from application.access import Identity, Refused
from application.kept_results import MAX_AGE
from application.province import province_kpis, province_progress
from application.unit_mergers import merge_units
from application.uow import UnitOfWork
from models import Occurrence
from storage.province import next_deadline
from storage.units import get_unit
from tests.integration.test_province import NOW, OPERATOR, build
from tests.statements import count_statements


def progress(engine: Any, when: dt.datetime = NOW, who: Identity = OPERATOR) -> Any:
    return province_progress(UnitOfWork(engine), who, when, unit="quan-9", year=2020)


def ward_a(table: Any) -> Any:
    return next(u for u in table.units if u.code == "ward-a")


def test_a_second_read_reads_only_the_logs_newest_entry(engine: Any, load: Any) -> None:
    build(engine, load, ("ward-a", "ward-b"))
    first = count_statements(engine, lambda: progress(engine))
    again = count_statements(engine, lambda: progress(engine))
    assert first > 3
    assert again == 1
    assert progress(engine) == progress(engine)
    kpis = count_statements(engine, lambda: province_kpis(
        UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020))  # fmt: skip
    assert kpis > 1
    assert count_statements(engine, lambda: province_kpis(
        UnitOfWork(engine), OPERATOR, NOW, unit="quan-9", year=2020)) == 1  # fmt: skip


def test_a_recorded_change_is_seen_at_once(engine: Any, load: Any) -> None:
    """ward-b is merged into a new ward (a change in the log): the next read shows it, though
    the clock has not moved."""
    build(engine, load, ("ward-a", "ward-b"))
    assert [u.code for u in progress(engine).units] == ["ward-a", "ward-b"]
    merge_units(UnitOfWork(engine), OPERATOR, NOW, units=["ward-b"], into="ward-bb",
                on=dt.date(2020, 7, 1), name="Phường BB", parent="quan-9")  # fmt: skip
    table = progress(engine)
    assert [u.code for u in table.units] == ["ward-a", "ward-b", "ward-bb"]
    assert next(u for u in table.units if u.code == "ward-b").ended is not None


def test_a_deadline_passing_is_seen_without_any_change(engine: Any, load: Any) -> None:
    build(engine, load, ("ward-a",))
    with Session(engine) as session:
        due_at = session.exec(
            select(Occurrence.due_at)
            .where(col(Occurrence.due_at) > NOW + dt.timedelta(seconds=5))
            .order_by(col(Occurrence.due_at))
            .limit(1)
        ).one()
        falling_due = len(session.exec(
            select(Occurrence.id).where(Occurrence.due_at == due_at)).all())  # fmt: skip
        plans = [p for (p,) in session.execute(text("SELECT id FROM plan"))]
        # the kept result's end, whether or not the deadline falls on a quarter of an hour
        assert next_deadline(plans, session=session, now=NOW) == due_at
        assert next_deadline(plans, session=session, now=due_at) == due_at
    just_before = due_at - dt.timedelta(seconds=1)
    was = ward_a(progress(engine, just_before)).total
    assert count_statements(engine, lambda: progress(engine, just_before)) == 1
    now = ward_a(progress(engine, due_at)).total
    assert now.due == was.due + falling_due
    later = ward_a(progress(engine, due_at + dt.timedelta(seconds=1))).total
    assert later.overdue == was.overdue + falling_due


def test_another_officer_is_asked_again_whether_they_may(engine: Any, load: Any) -> None:
    build(engine, load, ("ward-a",))
    assert progress(engine).units
    with pytest.raises(Refused):
        progress(engine, who=Identity.officer("nguoi.la@example.com"))


def test_a_change_made_without_the_log_shows_within_max_age(engine: Any, load: Any) -> None:
    """Someone changed the database by hand: the kept result is shown for at most
    ``MAX_AGE``, then read again."""
    build(engine, load, ("ward-a",))
    before = ward_a(progress(engine)).progress.waived
    with Session(engine) as session:
        uid = get_unit("ward-a", session=session).id
        occ = session.exec(
            select(Occurrence).where(Occurrence.unit_id == uid, Occurrence.status == "open")
        ).first()
        assert occ is not None
        occ.status = "waived"
        session.add(occ)
        session.commit()
    soon = NOW + MAX_AGE - dt.timedelta(seconds=1)
    assert ward_a(progress(engine, soon)).progress.waived == before
    assert ward_a(progress(engine, NOW + MAX_AGE)).progress.waived == before + 1
