"""Who holds a position on a date: scopes, stand-ins, inclusive and open-ended dates."""

from __future__ import annotations

import datetime as dt

import pytest

from responsibilities.holding import Holding, holders

D = dt.date


def holding(
    officer: str,
    position: str = "vice_chairman",
    start: dt.date = D(2020, 1, 1),
    end: dt.date | None = None,
    **kw: object,
) -> Holding:
    return Holding(
        officer=f"{officer}@phuhuu.gov.vn",
        name=officer.title(),
        position=position,
        start=start,
        end=end,
        **kw,
    )  # type: ignore[arg-type]


def who(pool: list[Holding], position: str, on: dt.date, area: str | None = None) -> list[str]:
    return [h.officer.split("@")[0] for h in holders(pool, position, on, area)]


MAI = holding("mai", scope=("3", "6", "7"))
BAO = holding("bao", scope=("1", "2", "4", "5", "8", "9"))
HUNG = holding("hung", position="chairman")


# --- scope -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "expected"), [("3", ["mai"]), ("7", ["mai"]), ("9", ["bao"]), ("1", ["bao"])]
)
def test_the_holder_whose_scope_names_the_area_answers(area: str, expected: list[str]) -> None:
    assert who([MAI, BAO, HUNG], "vice_chairman", D(2020, 5, 4), area) == expected


def test_a_scoped_holder_is_preferred_over_an_unscoped_one() -> None:
    general = holding("tam")
    assert who([general, MAI], "vice_chairman", D(2020, 5, 4), "3") == ["mai"]


def test_an_unscoped_holder_answers_for_areas_no_scope_names() -> None:
    general = holding("tam")
    assert who([general, MAI], "vice_chairman", D(2020, 5, 4), "9") == ["tam"]


def test_nobody_answers_for_an_area_outside_every_scope_when_there_is_no_unscoped_holder() -> None:
    assert who([MAI], "vice_chairman", D(2020, 5, 4), "9") == []


def test_without_an_area_every_active_holder_answers() -> None:
    assert who([MAI, BAO], "vice_chairman", D(2020, 5, 4)) == ["bao", "mai"]


def test_holdings_of_other_positions_are_ignored() -> None:
    assert who([HUNG], "vice_chairman", D(2020, 5, 4), "3") == []
    assert who([MAI, BAO, HUNG], "chairman", D(2020, 5, 4), "3") == ["hung"]


# --- stand-ins ---------------------------------------------------------------------------

NHUNG = holding("nhung", position="cchc_officer")
SON_ACTING = holding(
    "son",
    position="cchc_officer",
    start=D(2020, 7, 1),
    end=D(2020, 8, 31),
    kind="acting",
    acting_for="nhung@phuhuu.gov.vn",
)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2020, 6, 30), ["nhung"]),
        (D(2020, 7, 1), ["son"]),
        (D(2020, 8, 31), ["son"]),
        (D(2020, 9, 1), ["nhung"]),
    ],
)
def test_an_acting_holder_replaces_the_holder_while_acting(
    on: dt.date, expected: list[str]
) -> None:
    assert who([NHUNG, SON_ACTING], "cchc_officer", on, "3") == expected


def test_a_delegate_replaces_the_holder_while_the_delegation_runs() -> None:
    delegate = holding(
        "ha",
        position="chairman",
        start=D(2020, 8, 1),
        end=D(2020, 8, 14),
        kind="delegate",
        acting_for="hung@phuhuu.gov.vn",
    )
    assert who([HUNG, delegate], "chairman", D(2020, 8, 7), "1") == ["ha"]
    assert who([HUNG, delegate], "chairman", D(2020, 8, 15), "1") == ["hung"]


def test_an_acting_vice_chairman_stands_in_only_within_the_scope_acted_for() -> None:
    acting = holding(
        "son",
        start=D(2020, 7, 1),
        end=D(2020, 8, 31),
        kind="acting",
        scope=MAI.scope,
        acting_for="mai@phuhuu.gov.vn",
    )
    pool = [MAI, BAO, acting]
    assert who(pool, "vice_chairman", D(2020, 7, 15), "3") == ["son"]
    assert who(pool, "vice_chairman", D(2020, 7, 15), "9") == ["bao"]


def test_several_stand_ins_share_accountability_in_start_order() -> None:
    acting = holding("son", position="cchc_officer", start=D(2020, 7, 10), kind="acting")
    delegate = holding("ha", position="cchc_officer", start=D(2020, 7, 1), kind="delegate")
    assert who([NHUNG, acting, delegate], "cchc_officer", D(2020, 7, 15)) == ["ha", "son"]


def test_a_stand_in_for_one_holder_does_not_hide_the_other_holders() -> None:
    anh = holding("anh", position="one_stop")
    lan = holding("lan", position="one_stop")
    for_anh = holding(
        "son",
        position="one_stop",
        start=D(2020, 7, 1),
        end=D(2020, 7, 31),
        kind="acting",
        acting_for="anh@phuhuu.gov.vn",
    )
    assert who([anh, lan, for_anh], "one_stop", D(2020, 7, 15), "3") == ["lan", "son"]


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "active"),
    [
        (D(2020, 2, 29), False),
        (D(2020, 3, 1), True),
        (D(2020, 3, 15), True),
        (D(2020, 3, 31), True),
        (D(2020, 4, 1), False),
    ],
)
def test_start_and_end_dates_are_both_inclusive(on: dt.date, active: bool) -> None:
    march = holding("nhung", position="cchc_officer", start=D(2020, 3, 1), end=D(2020, 3, 31))
    assert who([march], "cchc_officer", on) == (["nhung"] if active else [])
    assert march.active(on) is active


def test_a_single_day_holding_is_active_on_that_day() -> None:
    one_day = holding("nhung", position="cchc_officer", start=D(2020, 3, 1), end=D(2020, 3, 1))
    assert who([one_day], "cchc_officer", D(2020, 3, 1)) == ["nhung"]


def test_an_open_ended_holding_runs_from_its_start_on() -> None:
    open_ended = holding("nhung", position="cchc_officer", start=D(2020, 3, 1))
    assert who([open_ended], "cchc_officer", D(2020, 2, 29)) == []
    assert who([open_ended], "cchc_officer", D(2020, 3, 1)) == ["nhung"]
    assert who([open_ended], "cchc_officer", D(2035, 12, 31)) == ["nhung"]


def test_a_holding_that_ended_gives_way_to_its_successor() -> None:
    before = holding("nhung", position="cchc_officer", end=D(2020, 6, 30))
    after = holding("tam", position="cchc_officer", start=D(2020, 7, 1))
    assert who([before, after], "cchc_officer", D(2020, 6, 30)) == ["nhung"]
    assert who([before, after], "cchc_officer", D(2020, 7, 1)) == ["tam"]
