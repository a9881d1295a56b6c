"""Officers, their holdings of positions, and who answers for a task on a date.

Officers and holdings are stored with ``storage.officers`` on SQLite and PostgreSQL,
then resolved with the pure ``responsibilities.who.accountable``.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping

import pytest
from sqlalchemy import func
from sqlmodel import select

from domain.errors import ConflictError, InvalidInput
from domain.plan import Plan, Task
from models import Assignment, AuditEntry, Officer
from plans import HERE
from responsibilities.roster import read_roster
from responsibilities.who import accountable
from storage.officers import (
    add_officer,
    assign,
    end_assignment,
    holdings,
    import_roster,
    known_names,
)
from storage.units import get_unit

NOW = dt.datetime(2020, 4, 15, 8, 0, tzinfo=dt.UTC)  # the `load` fixture's default time

D = dt.date
CHAIR = ("Nguyễn Văn Hùng", "hung.nv@phuhuu.gov.vn")
MAI = ("Trần Thị Mai", "mai.tt@phuhuu.gov.vn")
BAO = ("Lê Quốc Bảo", "bao.lq@phuhuu.gov.vn")
NHUNG = ("Phạm Thị Hồng Nhung", "nhung.pth@phuhuu.gov.vn")
SON = ("Đỗ Thanh Sơn", "son.dt@phuhuu.gov.vn")
TAM = ("Võ Minh Tâm", "tam.vm@phuhuu.gov.vn")
PHAT = ("Huỳnh Tấn Phát", "phat.ht@phuhuu.gov.vn")
ANH = ("Bùi Thị Ngọc Ánh", "anh.btn@phuhuu.gov.vn")
ROSTER_HEADER = ["name", "email", "phone", "position", "scope", "from", "to", "kind", "acting_for"]


@pytest.fixture
def ward(session, load) -> int:  # type: ignore[no-untyped-def]
    """The loaded ward's unit id."""
    load()
    unit_id = get_unit("phu-huu", session=session).id
    assert unit_id is not None
    return unit_id


@pytest.fixture
def people(session, ward):  # type: ignore[no-untyped-def]
    """Add officers and holdings in the ward; every call is committed."""

    class People:
        def add(self, person: tuple[str, str]) -> Officer:
            row = add_officer(*person, session=session, unit_id=ward, actor="test", now=NOW)
            session.commit()
            return row

        def assign(self, person: tuple[str, str], position: str, start: dt.date, **kw: object):  # type: ignore[no-untyped-def]
            result = assign(
                person[1],
                position,
                start,
                session=session,
                unit_id=ward,
                actor="test",
                now=NOW,
                **kw,
            )
            session.commit()
            return result

    return People()


def answering(
    plan: Plan, task: Task, relation: str, on: dt.date, session, unit_id: int
) -> list[str]:  # type: ignore[no-untyped-def]
    """Emails of the officers answering for ``relation`` of ``task`` on ``on``."""
    result = accountable(plan, task, holdings(session=session, unit_id=unit_id), on)
    [role] = [r for r in result.roles if r.relation == relation]
    return [h.email for h in role.holders]


def first_task(plan: Plan, **where: str) -> Task:
    return next(t for t in plan.tasks if all(getattr(t, k) == v for k, v in where.items()))


def officer_count(session) -> int:  # type: ignore[no-untyped-def]
    return session.exec(select(func.count()).select_from(Officer)).one()


def roster_rows(*rows: Mapping[str, str]) -> list[tuple[int, dict[str, str]]]:
    """Rows as a spreadsheet numbers them: the header is row 1, data starts at row 2."""
    return [(n, {c: row.get(c, "") for c in ROSTER_HEADER}) for n, row in enumerate(rows, start=2)]


# --- who answers -------------------------------------------------------------------------


def test_two_vice_chairmen_split_the_areas_by_scope(session, ward, people, bundled_plan) -> None:  # type: ignore[no-untyped-def]
    people.add(MAI)
    people.add(BAO)
    people.assign(MAI, "vice_chairman", D(2020, 1, 1), scope=("3", "6", "7"))
    people.assign(BAO, "vice_chairman", D(2020, 1, 1), scope=("1", "2", "4", "5", "8", "9"))
    in_area_3 = first_task(bundled_plan, area="3", approver="vice_chairman")
    in_area_9 = first_task(bundled_plan, area="9", approver="vice_chairman")

    on = D(2020, 5, 4)
    assert answering(bundled_plan, in_area_3, "approver", on, session, ward) == [MAI[1]]
    assert answering(bundled_plan, in_area_9, "approver", on, session, ward) == [BAO[1]]


def test_an_acting_officer_stands_in_only_inside_the_acting_dates(
    session, ward, people, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    people.add(NHUNG)
    people.add(SON)
    people.assign(NHUNG, "cchc_officer", D(2020, 1, 1))
    people.assign(
        SON, "cchc_officer", D(2020, 7, 1), end=D(2020, 8, 31), kind="acting", acting_for=NHUNG[1]
    )
    task = first_task(bundled_plan, lead="cchc_officer")

    def lead_on(day: dt.date) -> list[str]:
        return answering(bundled_plan, task, "lead", day, session, ward)

    assert lead_on(D(2020, 6, 30)) == [NHUNG[1]]
    assert lead_on(D(2020, 7, 1)) == [SON[1]]
    assert lead_on(D(2020, 8, 31)) == [SON[1]]
    assert lead_on(D(2020, 9, 1)) == [NHUNG[1]]

    acting = accountable(
        bundled_plan, task, holdings(session=session, unit_id=ward), D(2020, 7, 15)
    ).lead
    [stand_in] = acting.holders
    assert (stand_in.name, stand_in.kind, stand_in.acting_for) == (SON[0], "acting", NHUNG[0])


def test_an_ended_holding_is_not_returned_after_its_end_date(
    session, ward, people, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    people.add(NHUNG)
    people.assign(NHUNG, "cchc_officer", D(2020, 1, 1))
    ended = end_assignment(
        NHUNG[1],
        "cchc_officer",
        D(2020, 6, 30),
        session=session,
        unit_id=ward,
        actor="test",
        now=NOW,
    )
    session.commit()
    task = first_task(bundled_plan, lead="cchc_officer")

    assert ended.end == D(2020, 6, 30)
    assert answering(bundled_plan, task, "lead", D(2020, 6, 30), session, ward) == [NHUNG[1]]
    assert answering(bundled_plan, task, "lead", D(2020, 7, 1), session, ward) == []


def test_a_vacant_position_has_nobody_answering(session, ward, people, bundled_plan) -> None:  # type: ignore[no-untyped-def]
    people.add(CHAIR)
    people.assign(CHAIR, "chairman", D(2020, 1, 1))
    task = first_task(bundled_plan, lead="justice")

    result = accountable(bundled_plan, task, holdings(session=session, unit_id=ward), D(2020, 5, 4))

    assert result.lead.position == "justice"
    assert result.lead.title == bundled_plan.role("justice").title
    assert result.lead.holders == ()


def test_holding_dates_are_inclusive(session, ward, people, bundled_plan) -> None:  # type: ignore[no-untyped-def]
    people.add(NHUNG)
    people.assign(NHUNG, "cchc_officer", D(2020, 3, 1), end=D(2020, 3, 31))
    task = first_task(bundled_plan, lead="cchc_officer")

    def lead_on(day: dt.date) -> list[str]:
        return answering(bundled_plan, task, "lead", day, session, ward)

    assert lead_on(D(2020, 2, 29)) == []
    assert lead_on(D(2020, 3, 1)) == [NHUNG[1]]
    assert lead_on(D(2020, 3, 31)) == [NHUNG[1]]
    assert lead_on(D(2020, 4, 1)) == []


# --- officers and assignments ------------------------------------------------------------


def test_adding_the_same_officer_twice_is_refused(session, ward, people) -> None:  # type: ignore[no-untyped-def]
    people.add(MAI)

    with pytest.raises(ConflictError, match=r"mai\.tt@phuhuu\.gov\.vn"):
        add_officer(
            "Trần Thị Mai",
            "  Mai.TT@PhuHuu.gov.vn ",
            session=session,
            unit_id=ward,
            actor="test",
            now=NOW,
        )
    session.rollback()

    assert officer_count(session) == 1


def test_an_assignment_ending_before_it_starts_is_refused(session, ward, people) -> None:  # type: ignore[no-untyped-def]
    people.add(MAI)

    with pytest.raises(ConflictError):
        people.assign(MAI, "vice_chairman", D(2020, 6, 1), end=D(2020, 5, 31))
    session.rollback()

    assert holdings(session=session, unit_id=ward) == []


def test_repeating_an_assignment_creates_nothing_new(session, ward, people) -> None:  # type: ignore[no-untyped-def]
    people.add(MAI)
    first, created = people.assign(MAI, "vice_chairman", D(2020, 1, 1), scope=("3", "6", "7"))
    session.expire_all()
    again, created_again = people.assign(MAI, "vice_chairman", D(2020, 1, 1), scope=("3", "6", "7"))

    assert created is True
    assert created_again is False
    assert again.id == first.id
    assert len(holdings(session=session, unit_id=ward)) == 1


# --- importing a roster ------------------------------------------------------------------


def test_importing_a_roster_creates_officers_and_holdings_once(session, ward, bundled_plan) -> None:  # type: ignore[no-untyped-def]
    with (HERE / "demo-roster.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        rows = [(n, row) for n, row in enumerate(reader, start=2)]

    def run_import() -> dict[str, int]:
        session.expire_all()
        entries = read_roster(
            header,
            rows,
            file="demo-roster.csv",
            positions={r.code for r in bundled_plan.roles},
            areas={a.code for a in bundled_plan.areas},
            known_names=known_names(session=session, unit_id=ward),
        )
        counts = import_roster(entries, session=session, unit_id=ward, actor="test", now=NOW)
        session.commit()
        return counts

    assert run_import() == {"officers": 12, "assignments": 13}
    audit_entries = session.exec(select(func.count()).select_from(AuditEntry)).one()
    assert run_import() == {"officers": 0, "assignments": 0}

    assert officer_count(session) == 12
    assert session.exec(select(func.count()).select_from(Assignment)).one() == 13
    assert session.exec(select(func.count()).select_from(AuditEntry)).one() == audit_entries
    task = first_task(bundled_plan, lead="cchc_officer")
    assert answering(bundled_plan, task, "lead", D(2020, 7, 15), session, ward) == [SON[1]]
    assert answering(bundled_plan, task, "lead", D(2020, 9, 1), session, ward) == [NHUNG[1]]
    in_area_3 = first_task(bundled_plan, area="3", approver="vice_chairman")
    assert answering(bundled_plan, in_area_3, "approver", D(2020, 5, 4), session, ward) == [MAI[1]]


def test_a_roster_with_bad_rows_lists_every_one_and_writes_nothing(
    session, ward, people, bundled_plan
) -> None:  # type: ignore[no-untyped-def]
    people.add(CHAIR)
    before = officer_count(session)
    good = {"name": MAI[0], "email": MAI[1], "position": "vice_chairman", "from": "01/01/2020"}
    rows = roster_rows(
        good,  # row 2
        {**good, "email": BAO[1], "name": BAO[0], "position": "deputy_mayor"},  # row 3
        {**good, "email": "bao.lq-at-phuhuu.gov.vn", "name": BAO[0]},  # row 4
        {**good, "email": BAO[1], "name": BAO[0], "from": "31/02/2020"},  # row 5
        {
            **good,
            "email": BAO[1],
            "name": BAO[0],
            "from": "01/06/2020",
            "to": "31/05/2020",
        },  # row 6
        {**good, "email": BAO[1], "name": BAO[0], "scope": "3,10"},  # row 7
        {**good, "email": BAO[1], "name": BAO[0], "kind": "assistant"},  # row 8
        {**good, "name": "Trần Thị Mây"},  # row 9: Mai's email
        {
            **good,
            "email": SON[1],
            "name": SON[0],
            "kind": "acting",
            "acting_for": "ghost@phuhuu.gov.vn",
        },  # row 10
    )

    with pytest.raises(InvalidInput) as caught:
        entries = read_roster(
            ROSTER_HEADER,
            rows,
            file="roster.csv",
            positions={r.code for r in bundled_plan.roles},
            areas={a.code for a in bundled_plan.areas},
            known_names=known_names(session=session, unit_id=ward),
        )
        import_roster(entries, session=session, unit_id=ward, actor="test", now=NOW)
    session.rollback()

    found = {(p.row, p.path) for p in caught.value.problems}
    assert found == {
        (3, "position"),
        (4, "email"),
        (5, "from"),
        (6, "to"),
        (7, "scope"),
        (8, "kind"),
        (9, "name"),
        (10, "acting_for"),
    }
    message = str(caught.value)
    for row in range(3, 11):
        assert f"roster.csv:row {row}" in message
    assert "roster.csv:row 2" not in message
    assert officer_count(session) == before
    assert holdings(session=session, unit_id=ward) == []


# --- changing holdings through the application layer -------------------------------------------


def demo_roster() -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    with (HERE / "demo-roster.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), [(n, row) for n, row in enumerate(reader, start=2)]


@pytest.fixture
def staffed(engine, ward):  # type: ignore[no-untyped-def]
    """The demo roster imported and the year scheduled, by the operator; the unit of work."""
    from application.access import Identity
    from application.occurrences import schedule
    from application.people import import_roster as run_import
    from application.uow import UnitOfWork

    uow = UnitOfWork(engine)
    header, rows = demo_roster()
    operator = Identity.operator("test")
    run_import(uow, operator, NOW, header=header, rows=rows, file="demo-roster.csv")
    schedule(uow, operator, dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    return uow


def test_a_stand_in_assigned_by_the_chairman_gets_the_open_work_and_is_told(
    session, staffed
) -> None:  # type: ignore[no-untyped-def]
    from application.access import Identity
    from application.people import assign as run_assign
    from models import Occurrence, OutboxMessage

    result = run_assign(
        staffed,
        Identity.officer(CHAIR[1]),
        NOW,
        email=PHAT[1],
        position="justice",
        start=D(2020, 4, 20),
        end=D(2020, 12, 31),
        kind="acting",
        acting_for=TAM[1],
    )

    session.expire_all()
    phat = session.exec(select(Officer).where(Officer.email == PHAT[1])).one()
    routed = session.exec(
        select(Occurrence).where(
            Occurrence.officer_id == phat.id, Occurrence.lead_role == "justice"
        )
    ).all()
    told = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.recipient == PHAT[1], OutboxMessage.kind == "assignment"
        )
    ).all()
    assert result.created is True
    assert result.rerouted == len(routed) > 0
    assert all(o.period_start >= D(2020, 4, 20) for o in routed)  # from the stand-in's start
    assert len(told) == result.rerouted  # once each: the follow-up ran once


def test_a_refused_holding_change_changes_nothing_and_is_audited(session, ward, staffed) -> None:  # type: ignore[no-untyped-def]
    from application.access import Identity, Refused
    from application.people import assign as run_assign

    session.expire_all()
    before = holdings(session=session, unit_id=ward)
    with pytest.raises(Refused) as refused:
        run_assign(
            staffed,
            Identity.officer(ANH[1]),
            NOW,
            email=PHAT[1],
            position="justice",
            start=D(2020, 4, 20),
        )

    message = refused.value.render("vi")
    assert "Công chức phụ trách công tác CCHC" in message and "Chủ tịch UBND phường" in message
    session.expire_all()
    assert holdings(session=session, unit_id=ward) == before
    last = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and last.action == "refused"
    assert (last.actor, last.unit_id) == (ANH[1], ward)
    assert last.after is not None and last.after["attempted"] == "people.edit"


# --- hostile rosters: the same answer on SQLite and PostgreSQL -----------------------------------


def run_roster_import(engine, *rows: Mapping[str, str]):  # type: ignore[no-untyped-def]
    from application.access import Identity
    from application.people import import_roster as run_import
    from application.uow import UnitOfWork

    return run_import(
        UnitOfWork(engine),
        Identity.operator("test"),
        NOW,
        header=ROSTER_HEADER,
        rows=roster_rows(*rows),
        file="roster.xlsx",
    )


def test_a_nul_in_a_name_is_refused_and_nothing_is_stored(session, engine, ward) -> None:  # type: ignore[no-untyped-def]
    good = {"name": CHAIR[0], "email": CHAIR[1], "position": "chairman", "from": "01/01/2020"}
    bad = {"name": "Trần Thị\x00Mai", "email": MAI[1], "position": "vice_chairman"}

    with pytest.raises(InvalidInput) as caught:
        run_roster_import(engine, good, {**bad, "from": "01/01/2020"})

    [problem] = caught.value.problems
    assert (problem.code, problem.row, problem.path) == ("control_character", 3, "name")
    assert "roster.xlsx:row 3: name: ký tự điều khiển U+0000" in caught.value.render("vi")
    session.expire_all()
    assert officer_count(session) == 0
    assert holdings(session=session, unit_id=ward) == []


def test_a_line_break_in_a_name_is_stored_as_a_space(session, engine, ward) -> None:  # type: ignore[no-untyped-def]
    result = run_roster_import(
        engine,
        {
            "name": "Nguyễn Văn\nHùng",  # Alt+Enter in Excel
            "email": CHAIR[1],
            "position": "chairman",
            "from": "01/01/2020",
        },
        {
            "name": "Trần\r\nThị\tMai",
            "email": MAI[1],
            "position": "vice_chairman",
            "from": "01/01/2020",
        },
    )

    assert (result.officers, result.assignments) == (2, 2)
    session.expire_all()
    names = {o.email: o.name for o in session.exec(select(Officer))}
    assert names == {CHAIR[1]: "Nguyễn Văn Hùng", MAI[1]: "Trần Thị Mai"}


def test_two_chairmen_at_once_are_refused_and_nothing_is_stored(session, engine, ward) -> None:  # type: ignore[no-untyped-def]
    chair = {"name": CHAIR[0], "email": CHAIR[1], "position": "chairman", "from": "01/01/2020"}
    usurper = {"name": SON[0], "email": SON[1], "position": "chairman", "from": "03/02/2020"}
    self_acting = {
        "name": NHUNG[0],
        "email": NHUNG[1],
        "position": "cchc_officer",
        "from": "01/01/2020",
        "kind": "acting",
        "acting_for": NHUNG[1],
    }

    with pytest.raises(InvalidInput) as caught:
        run_roster_import(engine, chair, usurper, self_acting)

    assert [(p.code, p.row) for p in caught.value.problems] == [
        ("two_chairmen", 3),
        ("acting_for_self", 4),
    ]
    session.expire_all()
    assert officer_count(session) == 0
