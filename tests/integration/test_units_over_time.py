"""Units over time on SQLite and PostgreSQL: a small province (a city and three wards, each
with the bundled plan), two wards merged mid-year with holdings and open work, then a second
merger; the tree as it was on a day, predecessors, who may read which unit, and reports that
include the predecessors' history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from application.access import Identity
from application.completeness import completeness
from application.dossiers import kpis
from application.tables import read_table
from application.unit_mergers import merge_units, rename_unit
from application.units import (
    history_ids,
    import_units,
    predecessors,
    tree_on,
    visible_units,
)
from application.uow import UnitOfWork
from domain.errors import ConflictError, InvalidInput, LocalizedError, NotFoundError
from models import Assignment, AuditEntry, Occurrence, PlanRecord, UnitRecord
from storage.occurrences import materialise
from storage.officers import add_officer, assign
from storage.units import get_unit

NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2020, 8, 3, 8, 0, tzinfo=dt.UTC)
D = dt.date
OPERATOR = Identity.operator("admin")
PROVINCE = """code,name,level,parent,from,to
79,Thành phố Hồ Chí Minh,city,,,
W1,Phường Một,ward,79,,
W2,Phường Hai,ward,79,,
W3,Phường Ba,ward,79,,
"""


def _ids(session: Session, *codes: str) -> list[int]:
    return [get_unit(c, session=session).id or 0 for c in codes]


@pytest.fixture
def province(engine, session, load, tmp_path: Path) -> UnitOfWork:  # type: ignore[no-untyped-def]
    """The city and its three wards, each with the bundled plan materialised; officers of W1
    and W2 hold positions from 1 January (one of W1's ended in March)."""
    uow = UnitOfWork(engine)
    file = tmp_path / "units.csv"
    file.write_text(PROVINCE, encoding="utf-8")
    header, rows = read_table(file)
    imported = import_units(uow, OPERATOR, NOW, header=header, rows=rows, file=str(file))
    assert (imported.rows, imported.created) == (4, 4)
    for code in ("W1", "W2", "W3"):
        load(unit_code=code)
    for code in ("W1", "W2"):
        uid = get_unit(code, session=session).id or 0
        for n, position in enumerate(("chairman", "cchc_officer", "one_stop")):
            email = f"{position}@{code.lower()}.gov.vn"
            add_officer(
                f"Cán bộ {n} {code}", email, session=session, unit_id=uid, actor="t", now=NOW
            )
            assign(email, position, D(2020, 1, 1), session=session, unit_id=uid, actor="t", now=NOW)
        add_officer("Người cũ", "old@w1.gov.vn", session=session, unit_id=uid, actor="t", now=NOW)
        assign(
            "old@w1.gov.vn", "office", D(2020, 1, 1), end=D(2020, 3, 31),
            session=session, unit_id=uid, actor="t", now=NOW,
        )  # fmt: skip
    for plan_row in session.exec(select(PlanRecord)).all():
        materialise(plan_row, session=session, actor="t", now=NOW)
    session.commit()
    return uow


def _occurrences(session: Session, code: str) -> list[Occurrence]:
    uid = get_unit(code, session=session).id
    return list(session.exec(select(Occurrence).where(Occurrence.unit_id == uid)))


def test_a_plan_load_keeps_the_tree_the_unit_file_gave(province, session) -> None:  # type: ignore[no-untyped-def]
    city = get_unit("79", session=session)
    for code in ("W1", "W2", "W3"):
        assert get_unit(code, session=session).parent_id == city.id
    assert [(line.unit.code, line.depth) for line in tree_on(session, D(2020, 6, 1))][:4] == [
        ("79", 0),
        ("W1", 1),
        ("W2", 1),
        ("W3", 1),
    ]


def test_a_merger_mid_year(province, session) -> None:  # type: ignore[no-untyped-def]
    on = D(2020, 7, 1)
    w1 = _occurrences(session, "W1")
    # a submission due after the merger: never touched
    submitted = next(o for o in w1 if o.due_date >= on and o.status == "open")
    submitted.status = "submitted"
    session.add(submitted)
    session.commit()
    before_total = session.exec(select(func.count()).select_from(Occurrence)).one()
    overdue = [o for o in w1 if o.due_date < on and o.status == "open"]
    assert overdue  # (nobody did anything: April's work is still open at the merger)

    done = merge_units(
        province, OPERATOR, LATER, units=["W1", "W2"], into="W9", on=on, name="Phường Chín"
    )
    session.expire_all()
    assert (done.created, done.into, done.units) == (True, "W9", ("W1", "W2"))
    w9 = get_unit("W9", session=session)
    city = get_unit("79", session=session)
    assert (w9.level, w9.parent_id, w9.valid_from, w9.valid_to) == ("ward", city.id, on, None)
    for code in ("W1", "W2"):
        assert get_unit(code, session=session).valid_to == D(2020, 6, 30)
    # holdings running on the day end the day before; the one that had ended stays
    ends = {
        a.end
        for a in session.exec(
            select(Assignment).where(col(Assignment.unit_id).in_(_ids(session, "W1", "W2")))
        )
    }
    assert ends == {D(2020, 6, 30), D(2020, 3, 31)}
    assert done.holdings_ended == 6
    # open work due from the day on is cancelled with the merger named; nothing is deleted
    after = _occurrences(session, "W1") + _occurrences(session, "W2")
    for o in after:
        if o.id == submitted.id:
            assert o.status == "submitted"
        elif o.due_date >= on:
            assert o.status == "cancelled", o
            assert "W9" in o.reason and "Phường Chín" in o.reason and "01/07/2020" in o.reason
        else:
            assert o.status == "open"
    assert len(done.cancelled) == len([o for o in after if o.status == "cancelled"])
    assert {(w.task, w.period) for w in done.left_open if w.unit == "W1"} == {
        (o.task_code, o.period) for o in overdue
    }
    assert session.exec(select(func.count()).select_from(Occurrence)).one() == before_total
    # the scheduler gives the merged units no new work
    for plan_row in session.exec(
        select(PlanRecord).where(col(PlanRecord.unit_id).in_(_ids(session, "W1", "W2")))
    ):
        report = materialise(plan_row, session=session, actor="t", now=LATER)
        assert (report.created, report.cancelled) == (0, 0)
    session.commit()
    # audited: the merger itself and each change
    actions = {
        (e.action, e.entity, e.key)
        for e in session.exec(select(AuditEntry).where(AuditEntry.actor == "operator:admin"))
    }
    assert {("merge", "unit", "W1"), ("merge", "unit", "W2"), ("create", "unit", "W9")} <= actions
    assert any(a == "end" and ent == "assignment" for a, ent, _ in actions)
    assert any(a == "cancel" and ent == "occurrence" for a, ent, _ in actions)

    # the tree as it was on a day
    assert [u.unit.code for u in tree_on(session, D(2020, 6, 30))] == ["79", "W1", "W2", "W3"]
    assert [u.unit.code for u in tree_on(session, on)] == ["79", "W3", "W9"]
    # predecessors, and who may read which unit
    assert {s.predecessor for s in predecessors(session, w9.id or 0)} == set(
        _ids(session, "W1", "W2")
    )
    w1_id, w2_id, w3_id = _ids(session, "W1", "W2", "W3")
    assert visible_units(session, w9.id or 0, D(2020, 7, 15)) == {w9.id, w1_id, w2_id}
    assert visible_units(session, w3_id, D(2020, 7, 15)) == {w3_id}
    assert visible_units(session, city.id or 0, D(2020, 7, 15)) == {city.id, w3_id, w9.id}
    assert visible_units(session, city.id or 0, D(2020, 6, 15)) == {city.id, w1_id, w2_id, w3_id}

    # a second merger: predecessors are followed through
    again = merge_units(
        province,
        OPERATOR,
        LATER,
        units=["W3", "W9"],
        into="W10",
        on=D(2020, 10, 1),
        name="Phường Mười",
    )
    assert again.created
    w10 = get_unit("W10", session=session).id or 0
    assert {s.predecessor for s in predecessors(session, w10, transitive=False)} == set(
        _ids(session, "W3", "W9")
    )
    assert {s.predecessor for s in predecessors(session, w10)} == set(
        _ids(session, "W1", "W2", "W3", "W9")
    )
    # a past year's history: only the predecessors that existed that year
    assert set(history_ids(session, get_unit("W10", session=session), 2019)) == {
        w10,
        w1_id,
        w2_id,
        w3_id,
    }


def test_mistakes_are_refused_with_a_clear_message_and_change_nothing(province, session) -> None:  # type: ignore[no-untyped-def]
    on = D(2020, 7, 1)
    merge_units(province, OPERATOR, LATER, units=["W1"], into="W9", on=on, name="Phường Chín")
    count = session.exec(select(func.count()).select_from(AuditEntry)).one()
    attempts: list[tuple[Callable[[], Any], type[Exception], str]] = [
        (lambda: merge_units(province, OPERATOR, LATER, units=["W1"], into="W8", on=D(2020, 9, 1), name="X"), ConflictError, "W9"),
        (lambda: merge_units(province, OPERATOR, LATER, units=["W2"], into="W2", on=on), LocalizedError, "W2"),
        (lambda: merge_units(province, OPERATOR, LATER, units=["NOPE"], into="W9", on=on), NotFoundError, "NOPE"),
        (lambda: merge_units(province, OPERATOR, LATER, units=["W2"], into="W9", on=D(2020, 6, 1)), LocalizedError, "W9"),
        (lambda: merge_units(province, OPERATOR, LATER, units=["W2"], into="W7", on=on), NotFoundError, "--name"),
        (lambda: merge_units(province, OPERATOR, LATER, units=["W2"], into="W7", on=on, name="Y", level="hamlet"), LocalizedError, "hamlet"),
        (lambda: merge_units(province, OPERATOR, LATER, units=["W2"], into="W7", on=on, name="Y", parent="W3"), LocalizedError, "W3"),
        (lambda: rename_unit(province, OPERATOR, LATER, unit="79", into="W3", on=on, parent="W3"), LocalizedError, "W3"),
    ]  # fmt: skip
    for attempt, kind, named in attempts:
        with pytest.raises(kind) as caught:
            attempt()
        assert named in str(caught.value)
        assert isinstance(caught.value, LocalizedError) and caught.value.render("vi") != str(
            caught.value
        )
    session.expire_all()
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == count
    assert get_unit("W2", session=session).valid_to is None


def test_a_unit_file_with_mistakes_stores_nothing(engine, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    uow = UnitOfWork(engine)
    file = tmp_path / "units.csv"
    file.write_text(
        "Mã,Tên,Cấp,Cấp trên,Từ ngày,Đến ngày\n"
        "79,Thành phố Hồ Chí Minh,Thành phố,,,\n"
        "A,Phường A,Phường,B,,\n"
        "B,Phường B,Phường,A,,\n"
        "C,Phường C,hamlet,79,32/13/2020,\n"
        "79,Lặp lại,tỉnh,,,\n"
        "D,,ward,ZZ,2021-01-01,2020-01-01\n"
        "E,Tỉnh dưới phường,province,C,,\n",
        encoding="utf-8",
    )
    header, rows = read_table(file)
    with pytest.raises(InvalidInput) as caught:
        import_units(uow, OPERATOR, NOW, header=header, rows=rows, file=str(file))
    found = {(p.row, p.path, p.code) for p in caught.value.problems}
    assert {
        (3, "parent", "unit_cycle"),
        (5, "level", "unit_bad_level"),
        (5, "from", "unit_bad_date"),
        (6, "code", "unit_duplicate"),
        (7, "name", "unit_name_missing"),
        (7, "parent", "unit_unknown_parent"),
        (7, "to", "unit_ends_before_start"),
    } <= found
    text = caught.value.render("vi")
    assert "A → B → A" in text or "B → A → B" in text
    assert session.exec(select(func.count()).select_from(UnitRecord)).one() == 0


def test_a_new_import_updates_units(engine, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    uow = UnitOfWork(engine)
    file = tmp_path / "units.csv"
    file.write_text(PROVINCE, encoding="utf-8")
    header, rows = read_table(file)
    import_units(uow, OPERATOR, NOW, header=header, rows=rows, file=str(file))
    file.write_text(PROVINCE.replace("Phường Ba,ward,79,,", "Phường Ba mới,ward,79,,31/12/2020"))
    header, rows = read_table(file)
    again = import_units(uow, OPERATOR, NOW, header=header, rows=rows, file=str(file))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 3)
    w3 = get_unit("W3", session=session)
    assert (w3.name, w3.valid_to) == ("Phường Ba mới", D(2020, 12, 31))


def test_reports_with_the_predecessors_history(province, session, load) -> None:  # type: ignore[no-untyped-def]
    merge_units(
        province,
        OPERATOR,
        LATER,
        units=["W1", "W2"],
        into="W9",
        on=D(2020, 7, 1),
        name="Phường Chín",
    )
    load(unit_code="W9", now=LATER)
    plan_row = session.exec(
        select(PlanRecord).where(PlanRecord.unit_id == get_unit("W9", session=session).id)
    ).one()
    materialise(plan_row, session=session, actor="t", now=LATER)
    session.commit()
    alone = completeness(province, OPERATOR, LATER, unit="W9")
    whole = completeness(province, OPERATOR, LATER, unit="W9", with_predecessors=True)
    assert alone.predecessors == () and whole.predecessors == ("W1", "W2")
    assert len(whole.occurrences) == len(alone.occurrences) + len(
        _occurrences(session, "W1")
    ) + len(_occurrences(session, "W2"))
    assert whole.as_dict()["predecessors"] == ["W1", "W2"]
    assert "predecessors" not in alone.as_dict()
    assert kpis(province, LATER, unit="W9", with_predecessors=True).predecessors == ("W1", "W2")
    assert kpis(province, LATER, unit="W9").predecessors == ()


def test_a_document_names_the_parent_in_force_that_day(engine, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from application.units import letterhead

    file = tmp_path / "units.csv"
    file.write_text(
        "code,name,level,parent,from,to\n"
        "79,UBND Thành phố Hồ Chí Minh,city,,,\n"
        "760,UBND Quận 1,district,79,,30/06/2020\n"
        "W5,UBND Phường Năm,ward,760,,\n",
        encoding="utf-8",
    )
    header, rows = read_table(file)
    import_units(UnitOfWork(engine), OPERATOR, NOW, header=header, rows=rows, file=str(file))
    ward = get_unit("W5", session=session)
    assert letterhead(session, ward, D(2020, 6, 30)).parent == "UBND Quận 1"
    assert letterhead(session, ward, D(2020, 7, 1)).parent == "UBND Thành phố Hồ Chí Minh"


def test_the_scorecard_with_the_predecessors_work(
    province, session, load, bundled_framework
) -> None:  # type: ignore[no-untyped-def]
    from application.assessment import scorecard
    from storage.frameworks import load_framework

    load_framework(bundled_framework, session=session, actor="t", now=NOW)
    session.commit()
    merged = merge_units(
        province, OPERATOR, LATER, units=["W1", "W2"], into="W9", on=D(2020, 7, 1),
        name="Phường Chín",
    )  # fmt: skip
    # their plans were loaded from a plan file (no template): so will W9's be
    assert (merged.needs_plan, merged.template) == (True, "")
    load(unit_code="W9", now=LATER)
    plan_row = session.exec(
        select(PlanRecord).where(PlanRecord.unit_id == get_unit("W9", session=session).id)
    ).one()
    materialise(plan_row, session=session, actor="t", now=LATER)
    # the first half year's work of the merged wards was done (waived counts as done)
    for occ in _occurrences(session, "W1") + _occurrences(session, "W2"):
        if occ.status != "cancelled":
            occ.status = "waived"
            session.add(occ)
    session.commit()
    alone = scorecard(province, LATER, unit="W9", year=2020)
    whole = scorecard(province, LATER, unit="W9", year=2020, with_predecessors=True)
    assert alone.predecessors == () and whole.predecessors == ("W1", "W2")
    mine = {i.code: i for i in alone.card.items()}
    both = {i.code: i for i in whole.card.items()}
    # 1.1.4 counts the share of its tasks' occurrences done on time: W9's own are all still
    # open; with W1's and W2's first half year, 4 of 9 were done
    assert mine["1.1.4"].basis == "task completion = 0"
    assert both["1.1.4"].basis == "task completion = 44.44"
    assert whole.as_dict()["predecessors"] == ["W1", "W2"]
    assert "predecessors" not in alone.as_dict()
    assert whole.card.self_assessed_total == alone.card.self_assessed_total  # W9's own entries
