"""Who answers for a role is worked out once per stretch of days between holding changes:
the answer must still change on the very day a holder leaves or a stand-in starts, and a
holding that runs to the last date there is must not break it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from responsibilities.holding import Holding
from storage.occurrences import Context


def _context(holdings: list[Holding]) -> Context:
    none: Any = None
    return Context(
        session=none,
        plan_row=none,
        plan=none,
        calendar=none,
        holdings=holdings,
        officer_ids={"lan@x.vn": 1, "minh@x.vn": 2, "hoa@x.vn": 3},
        actor="test",
        now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )


def test_the_answer_changes_on_the_day_a_holding_ends_or_starts() -> None:
    ctx = _context(
        [
            Holding("lan@x.vn", "Lan", "justice", dt.date(2019, 1, 1), dt.date(2020, 3, 31)),
            Holding("minh@x.vn", "Minh", "justice", dt.date(2020, 4, 1), dt.date.max),
            Holding(
                "hoa@x.vn",
                "Hoa",
                "justice",
                dt.date(2020, 6, 1),
                dt.date(2020, 6, 30),
                kind="acting",
                acting_for="minh@x.vn",
            ),
        ]
    )
    asked = [
        (dt.date(2020, 1, 2), (1, None)),
        (dt.date(2020, 3, 31), (1, None)),
        (dt.date(2020, 4, 1), (2, None)),
        (dt.date(2020, 5, 31), (2, None)),
        (dt.date(2020, 6, 1), (3, 2)),
        (dt.date(2020, 6, 30), (3, 2)),
        (dt.date(2020, 7, 1), (2, None)),
        (dt.date.max, (2, None)),
        (dt.date(2018, 12, 31), (None, None)),
    ]
    for day, expected in asked:
        assert ctx.accountable("justice", "II", day) == expected, day
    # asked again in another order: the same answers (each stretch worked out once)
    for day, expected in reversed(asked):
        assert ctx.accountable("justice", "II", day) == expected, day
