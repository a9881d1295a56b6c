"""The pure unit tree: levels as files write them, the tree on a day (a ward whose district
was dissolved stands under the province), predecessors, and which units an officer reads."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.units import (
    Succession,
    UnitNode,
    below,
    below_during,
    cycle,
    level_fits,
    level_of,
    predecessors,
    successors,
    tree_on,
    visible,
)

D = dt.date
JUNE30, JULY1 = D(2025, 6, 30), D(2025, 7, 1)
UNITS = [
    UnitNode(1, "79", "TP. Hồ Chí Minh", None, "city"),
    UnitNode(2, "760", "Quận 1", 1, "district", None, JUNE30),
    UnitNode(3, "26734", "Phường Bến Nghé", 2, "ward", None, JUNE30),
    UnitNode(4, "26737", "Phường Đa Kao", 2, "ward", None, JUNE30),
    UnitNode(5, "26740", "Phường Tân Định", 2, "ward"),
    UnitNode(6, "26731", "Phường Sài Gòn", 1, "ward", JULY1, D(2025, 12, 31)),
    UnitNode(7, "99999", "Phường Mới", 1, "ward", D(2026, 1, 1)),
]
MERGERS = [
    Succession(3, 6, JULY1),
    Succession(4, 6, JULY1),
    Succession(6, 7, D(2026, 1, 1), "rename"),
]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("ward", "ward"),
        ("Phường", "ward"),
        ("PHƯỜNG", "ward"),
        ("xã", "commune"),
        ("Thị trấn", "commune"),
        ("Đặc khu", "special_zone"),
        ("special_zone", "special_zone"),
        ("Quận", "district"),
        ("Tỉnh", "province"),
        ("Thành phố trực thuộc trung ương", "city"),
        ("làng", None),
        ("", None),
    ],
)
def test_levels_as_files_write_them(text: str, level: str | None) -> None:
    assert level_of(text) == level


def test_which_level_stands_under_which() -> None:
    assert level_fits("city", "ward") and level_fits("province", "district")
    assert level_fits("district", "commune") and level_fits(None, "ward")
    assert not level_fits("ward", "ward") and not level_fits("ward", "province")
    assert not level_fits("city", "province")


def test_the_tree_on_a_day() -> None:
    before = [(line.unit.code, line.depth) for line in tree_on(UNITS, JUNE30)]
    assert before == [("79", 0), ("760", 1), ("26734", 2), ("26737", 2), ("26740", 2)]
    after = [(line.unit.code, line.depth) for line in tree_on(UNITS, JULY1)]
    # Tân Định's district is gone: it stands under the city
    assert after == [("79", 0), ("26731", 1), ("26740", 1)]
    assert below(UNITS, 1, JULY1) == {5, 6}
    assert below(UNITS, 1, JUNE30) == {2, 3, 4, 5}


def test_the_units_below_during_a_year_are_those_of_any_day_of_it() -> None:
    """A year's report lists the wards merged away that year and the ward they became; a
    district dissolved mid-year still has its wards for that year, none the next."""
    year = (D(2025, 1, 1), D(2025, 12, 31))
    assert below_during(UNITS, 1, *year) == {2, 3, 4, 5, 6}
    assert below_during(UNITS, 2, *year) == {3, 4, 5}
    assert below_during(UNITS, 1, D(2026, 1, 1), D(2026, 12, 31)) == {5, 7}
    assert below_during(UNITS, 2, D(2026, 1, 1), D(2026, 12, 31)) == set()
    assert below_during(UNITS, 1, D(2024, 1, 1), D(2024, 12, 31)) == {2, 3, 4, 5}
    # the second half of 2025 alone: the merged wards are gone, the new one is there
    assert below_during(UNITS, 1, JULY1, D(2025, 12, 31)) == {5, 6}


def test_predecessors_and_successors() -> None:
    assert [s.predecessor for s in predecessors(MERGERS, 6)] == [3, 4]
    assert [s.predecessor for s in predecessors(MERGERS, 7, transitive=False)] == [6]
    assert [s.predecessor for s in predecessors(MERGERS, 7)] == [6, 3, 4]
    assert [s.successor for s in successors(MERGERS, 3)] == [6, 7]
    assert predecessors(MERGERS, 5) == [] and successors(MERGERS, 7) == []


def test_who_reads_which_unit() -> None:
    day = D(2026, 3, 1)
    assert visible(UNITS, MERGERS, 7, day) == {7, 6, 3, 4}
    assert visible(UNITS, MERGERS, 5, day) == {5}
    assert visible(UNITS, MERGERS, 1, day) == {1, 5, 7}
    assert 3 not in visible(UNITS, MERGERS, 5, JUNE30)


def test_a_loop_of_parents_is_found() -> None:
    assert cycle({1: 2, 2: 3, 3: 1}, 1) == [1, 2, 3]
    assert cycle({1: 2, 2: 3, 3: 2}, 1) == [2, 3]
    assert cycle({1: None, 2: 1}, 2) is None


def test_a_years_report_shows_the_units_as_they_were_that_year() -> None:
    from domain.units import Ending, units_of_year

    every = [u.id for u in UNITS]
    # 2024: the district's two wards, Tân Định; Sài Gòn and the new ward did not exist yet
    before = units_of_year(UNITS, MERGERS, every, 2024)
    assert before.in_force == (1, 2, 3, 4, 5) and before.ended == {}
    # 2025: Bến Nghé and Đa Kao merged into Sài Gòn on 1 July: listed, not in force at the
    # year's end; the district ended with no successor; Sài Gòn is in force on 31 December
    merger_year = units_of_year(UNITS, MERGERS, every, 2025)
    assert merger_year.in_force == (1, 5, 6)
    assert merger_year.ended == {
        2: Ending(2, JULY1),
        3: Ending(3, JULY1, 6, "merge"),
        4: Ending(4, JULY1, 6, "merge"),
    }
    assert 3 in merger_year and 7 not in merger_year
    # 2026: Sài Gòn was renamed on 1 January — it existed on no day of 2026
    after = units_of_year(UNITS, MERGERS, every, 2026)
    assert after.in_force == (1, 5, 7) and after.ended == {}
