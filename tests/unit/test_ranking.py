"""Ranking units by their published index: shared ranks, the unranked last, the change since
last year."""

from __future__ import annotations

from domain.ranking import ranks, standings


def test_equal_indexes_share_a_rank_and_the_next_one_skips() -> None:
    assert ranks({"a": 90.0, "b": 95.5, "c": 90.0, "d": 80.0, "e": None}) == {
        "b": 1,
        "a": 2,
        "c": 2,
        "d": 4,
    }


def test_standings_list_ranked_units_first_with_their_change_since_last_year() -> None:
    rows = standings(
        ["w1", "w2", "w3", "w4"],
        {"w1": 80.0, "w2": 92.5, "w3": None, "w4": 70.0},
        {"w1": 85.0, "w2": 75.0, "w4": 70.0},
    )
    assert [(r.code, r.rank) for r in rows] == [("w2", 1), ("w1", 2), ("w4", 3), ("w3", None)]
    w2, w1, w4, w3 = rows
    assert (w2.index_change, w2.rank_change) == (17.5, 1)  # up from 2nd to 1st
    assert (w1.index_change, w1.rank_change) == (-5.0, -1)
    assert (w4.index_change, w4.rank_change) == (0.0, 0)
    assert w3.index_change is None and w3.rank_change is None  # not published this year


def test_a_unit_new_this_year_has_no_change() -> None:
    (row,) = standings(["w9"], {"w9": 60.0}, {})
    assert row.rank == 1 and row.index_change is None and row.rank_change is None
