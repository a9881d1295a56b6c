"""``cchc officer assign`` obeys the roster's rules against the holdings already recorded:
one chairman at a time, one holder per area, one holding per person and position at a time,
nobody acting for themself — on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from application.access import Identity
from application.people import add_officer, assign
from application.uow import UnitOfWork
from domain.errors import ConflictError
from storage.officers import recorded_holdings

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2020, 1, 2, 9, 0, tzinfo=VN)
OPERATOR = Identity.operator("test")
D = dt.date
HUNG, LAN, MAI, BAO = (
    "hung.nv@phuhuu.gov.vn",
    "lan.tt@phuhuu.gov.vn",
    "mai.tt@phuhuu.gov.vn",
    "bao.lq@phuhuu.gov.vn",
)


@pytest.fixture
def ward(load, engine):  # type: ignore[no-untyped-def]
    load()
    uow = UnitOfWork(engine)
    for name, email in (("Hùng", HUNG), ("Lan", LAN), ("Mai", MAI), ("Bảo", BAO)):
        add_officer(uow, OPERATOR, NOW, name=name, email=email)

    def give(email: str, position: str, start: dt.date, **kw: object):  # type: ignore[no-untyped-def]
        return assign(uow, OPERATOR, NOW, email=email, position=position, start=start, **kw)

    give(HUNG, "chairman", D(2020, 1, 1))
    return give


def holdings(engine, position: str) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(engine) as session:
        from storage.units import resolve_unit

        uid = resolve_unit(None, session=session).id or 0
        return len(recorded_holdings(position, session=session, unit_id=uid))


def refused(give, engine, position: str, *args: object, **kw: object) -> str:  # type: ignore[no-untyped-def]
    before = holdings(engine, position)
    with pytest.raises(ConflictError) as caught:
        give(*args, **kw)
    assert holdings(engine, position) == before  # nothing recorded
    return caught.value.render("en")


def test_a_second_chairman_at_the_same_time_is_refused(ward, engine) -> None:  # type: ignore[no-untyped-def]
    text = refused(ward, engine, "chairman", LAN, "chairman", D(2020, 3, 1))
    assert "one chairman at a time" in text and HUNG in text
    # whatever the scope: the chairman is never shared
    refused(ward, engine, "chairman", LAN, "chairman", D(2020, 3, 1), scope=("1",))
    # acting beside the chairman is how a stand-in is recorded
    ward(LAN, "chairman", D(2020, 3, 1), end=D(2020, 3, 7), kind="acting", acting_for=HUNG)


def test_a_chairman_after_the_first_holding_ended_is_accepted(ward, engine) -> None:  # type: ignore[no-untyped-def]
    from application.people import end_holding

    end_holding(
        UnitOfWork(engine), OPERATOR, NOW, email=HUNG, position="chairman", on=D(2020, 6, 30)
    )
    assert ward(LAN, "chairman", D(2020, 7, 1)).created


def test_two_holders_of_the_same_areas_are_refused_split_areas_are_not(ward, engine) -> None:  # type: ignore[no-untyped-def]
    ward(MAI, "vice_chairman", D(2020, 1, 1), scope=("3", "6", "7"))
    text = refused(ward, engine, "vice_chairman", BAO, "vice_chairman", D(2020, 1, 1), scope=("3",))
    assert "same areas" in text
    assert ward(BAO, "vice_chairman", D(2020, 1, 1), scope=("1", "2")).created


def test_one_person_holding_a_position_twice_at_once_is_refused(ward, engine) -> None:  # type: ignore[no-untyped-def]
    text = refused(ward, engine, "chairman", HUNG, "chairman", D(2020, 5, 1), kind="delegate")
    assert "already holds chairman" in text
    # repeating the recorded holding exactly is still a no-op, not an error
    assert not ward(HUNG, "chairman", D(2020, 1, 1)).created


def test_nobody_acts_for_themself(ward, engine) -> None:  # type: ignore[no-untyped-def]
    text = refused(
        ward,
        engine,
        "cchc_officer",
        LAN,
        "cchc_officer",
        D(2020, 1, 1),
        kind="acting",
        acting_for=LAN,
    )
    assert "act for themselves" in text
