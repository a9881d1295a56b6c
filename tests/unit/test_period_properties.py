"""Property: whatever the schedule and its ``due`` form, no deadline precedes its period.

Generated over every kind of schedule (week, month, quarter, half_year, year, once and RFC 5545
rules), every ``due`` form and both ``roll`` directions, against Vietnam's working days.
"""

from __future__ import annotations

import datetime as dt

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.periods import due_date, periods
from domain.plan import Due, Schedule
from domain.workdays import WorkCalendar

CAL = WorkCalendar(holidays=dict(holidays.country_holidays("VN", years=[2019, 2020, 2021, 2022])))
FIRST, LAST = dt.date(2020, 1, 1), dt.date(2021, 12, 31)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CALENDAR_KINDS = ("week", "month", "quarter", "half_year", "year")


@st.composite
def spans(draw: st.DrawFn) -> tuple[dt.date, dt.date]:
    start = draw(st.dates(FIRST, LAST))
    until = draw(st.dates(start, min(LAST, start + dt.timedelta(days=400))))
    return start, until


def dues(*, once: bool) -> st.SearchStrategy[Due]:
    if once:
        return st.builds(lambda d: Due(date=d), st.dates(FIRST, LAST))
    return st.one_of(
        st.builds(lambda n: Due(working_days=n), st.integers(0, 40)),
        st.builds(lambda n: Due(before_end_working_days=n), st.integers(0, 40)),
        st.builds(lambda d: Due(month_day=d), st.integers(1, 31)),
    )


@st.composite
def rules(draw: st.DrawFn) -> str:
    """An RRULE as plans write them: a frequency, an interval, and a day selection."""
    freq = draw(st.sampled_from(("DAILY", "WEEKLY", "MONTHLY", "YEARLY")))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 4))}"]
    if freq == "WEEKLY":
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True))
        parts.append("BYDAY=" + ",".join(days))
    elif freq in ("MONTHLY", "YEARLY"):
        choice = draw(st.sampled_from(("nth", "monthday", "none")))
        if choice == "nth":
            nth = draw(st.sampled_from((1, 2, 3, 4, -1)))
            parts.append(f"BYDAY={nth}{draw(st.sampled_from(WEEKDAYS))}")
        elif choice == "monthday":
            parts.append(f"BYMONTHDAY={draw(st.sampled_from((1, 5, 10, 15, 20, 28, -1)))}")
        if freq == "YEARLY" and choice != "none":
            parts.append(f"BYMONTH={draw(st.integers(1, 12))}")
    return ";".join(parts)


def assert_never_before_its_period(schedule: Schedule, roll: str) -> None:
    for period in periods(schedule):
        due = due_date(schedule, period, CAL, roll)
        assert due >= period.start, (schedule, period, due)
        assert CAL.is_working(due), (schedule, period, due)


@settings(max_examples=150, deadline=None, database=None)
@given(
    every=st.sampled_from(CALENDAR_KINDS),
    span=spans(),
    due=dues(once=False),
    roll=st.sampled_from(("next", "previous")),
)
def test_calendar_periods_are_never_due_before_they_start(
    every: str, span: tuple[dt.date, dt.date], due: Due, roll: str
) -> None:
    start, until = span
    assert_never_before_its_period(Schedule(every, start, until, due), roll)


@settings(max_examples=60, deadline=None, database=None)
@given(span=spans(), due=dues(once=True), roll=st.sampled_from(("next", "previous")))
def test_a_once_task_is_never_due_before_it_starts(
    span: tuple[dt.date, dt.date], due: Due, roll: str
) -> None:
    start, until = span
    assert_never_before_its_period(Schedule("once", start, until, due), roll)


@settings(max_examples=100, deadline=None, database=None)
@given(
    rule=rules(),
    span=spans(),
    due=dues(once=False),
    roll=st.sampled_from(("next", "previous")),
)
def test_rrule_occurrences_are_their_own_date_and_never_due_before_it(
    rule: str, span: tuple[dt.date, dt.date], due: Due, roll: str
) -> None:
    start, until = span
    schedule = Schedule("rrule", start, until, due, rrule=rule)
    for period in periods(schedule):
        assert period.start == period.end == dt.date.fromisoformat(period.key)
        assert start <= period.start <= until
    assert_never_before_its_period(schedule, roll)
