"""Periods of a recurring task and their deadlines, counted in Vietnamese working days."""

from __future__ import annotations

import datetime as dt
import itertools

import holidays
import pytest

from domain.errors import LocalizedError
from domain.periods import Period, due_date, parse_period, periods
from domain.plan import Due, Schedule
from domain.workdays import WorkCalendar

D = dt.date
CAL = WorkCalendar(holidays=dict(holidays.country_holidays("VN", years=[2019, 2020, 2021])))
YEAR_START, YEAR_END = D(2020, 1, 1), D(2020, 12, 31)
LAST_DAY = Due(before_end_working_days=0)


def schedule(
    every: str,
    due: Due = LAST_DAY,
    start: dt.date = YEAR_START,
    until: dt.date = YEAR_END,
    rrule: str | None = None,
) -> Schedule:
    return Schedule(every=every, start=start, until=until, due=due, rrule=rrule)


def keys(s: Schedule) -> list[str]:
    return [p.key for p in periods(s)]


def assert_contiguous(ps: list[Period], start: dt.date, until: dt.date) -> None:
    """The periods cover start..until exactly, without gaps or overlaps."""
    assert ps[0].start == start
    assert ps[-1].end == until
    for before, after in itertools.pairwise(ps):
        assert after.start == before.end + dt.timedelta(days=1)
    assert all(p.start <= p.end for p in ps)


# --- every kind over 2020 -----------------------------------------------------------------


def test_weeks_of_2020_have_iso_keys_w01_to_w53() -> None:
    ps = periods(schedule("week"))
    assert [p.key for p in ps] == [f"2020-W{n:02d}" for n in range(1, 54)]
    assert_contiguous(ps, YEAR_START, YEAR_END)


def test_week_1_of_2020_starts_in_2019_but_is_clipped_to_the_schedule_start() -> None:
    first = periods(schedule("week"))[0]
    assert D(2019, 12, 30).isocalendar()[:2] == (2020, 1)
    assert first == Period("2020-W01", D(2020, 1, 1), D(2020, 1, 5))


def test_week_53_exists_in_2020_and_is_clipped_to_the_schedule_end() -> None:
    last = periods(schedule("week"))[-1]
    assert last == Period("2020-W53", D(2020, 12, 28), D(2020, 12, 31))


def test_weeks_run_monday_to_sunday() -> None:
    ps = periods(schedule("week"))[1:-1]
    assert all(p.start.weekday() == 0 and p.end.weekday() == 6 for p in ps)
    assert ps[0] == Period("2020-W02", D(2020, 1, 6), D(2020, 1, 12))


def test_months_of_2020() -> None:
    ps = periods(schedule("month"))
    assert [p.key for p in ps] == [f"2020-{m:02d}" for m in range(1, 13)]
    assert_contiguous(ps, YEAR_START, YEAR_END)
    assert ps[1] == Period("2020-02", D(2020, 2, 1), D(2020, 2, 29))  # leap year
    assert ps[3].end == D(2020, 4, 30)
    assert ps[11] == Period("2020-12", D(2020, 12, 1), D(2020, 12, 31))


def test_quarters_of_2020() -> None:
    ps = periods(schedule("quarter"))
    assert ps == [
        Period("2020-Q1", D(2020, 1, 1), D(2020, 3, 31)),
        Period("2020-Q2", D(2020, 4, 1), D(2020, 6, 30)),
        Period("2020-Q3", D(2020, 7, 1), D(2020, 9, 30)),
        Period("2020-Q4", D(2020, 10, 1), D(2020, 12, 31)),
    ]


def test_half_years_of_2020() -> None:
    assert periods(schedule("half_year")) == [
        Period("2020-H1", D(2020, 1, 1), D(2020, 6, 30)),
        Period("2020-H2", D(2020, 7, 1), D(2020, 12, 31)),
    ]


def test_the_year_2020() -> None:
    assert periods(schedule("year")) == [Period("2020", YEAR_START, YEAR_END)]


def test_once_is_one_period_keyed_by_the_year_ending_on_its_date() -> None:
    s = schedule("once", Due(date=D(2020, 4, 29)))
    assert periods(s) == [Period("2020", YEAR_START, D(2020, 4, 29))]


# --- a schedule starting mid-year -----------------------------------------------------------


@pytest.mark.parametrize(
    ("every", "expected"),
    [
        ("month", ["2020-04", "2020-05", "2020-06", "2020-07", "2020-08", "2020-09"]),
        ("quarter", ["2020-Q2", "2020-Q3"]),
        ("half_year", ["2020-H1", "2020-H2"]),
        ("year", ["2020"]),
    ],
)
def test_a_mid_year_schedule_yields_periods_from_its_start_first_one_clipped(
    every: str, expected: list[str]
) -> None:
    start, until = D(2020, 4, 13), D(2020, 9, 30)
    ps = periods(schedule(every, start=start, until=until))
    assert [p.key for p in ps] == expected
    assert_contiguous(ps, start, until)
    assert ps[0].start == start


def test_a_weekly_schedule_from_13_april_2020_starts_with_w16() -> None:
    ps = periods(schedule("week", start=D(2020, 4, 13)))
    assert ps[0] == Period("2020-W16", D(2020, 4, 13), D(2020, 4, 19))
    assert [p.key for p in ps] == [f"2020-W{n:02d}" for n in range(16, 54)]


def test_a_weekly_schedule_starting_on_a_wednesday_clips_its_first_week() -> None:
    ps = periods(schedule("week", start=D(2020, 4, 15)))
    assert ps[0] == Period("2020-W16", D(2020, 4, 15), D(2020, 4, 19))
    assert ps[1] == Period("2020-W17", D(2020, 4, 20), D(2020, 4, 26))


def test_a_schedule_ending_mid_month_clips_its_last_period() -> None:
    ps = periods(schedule("month", until=D(2020, 3, 20)))
    assert ps[-1] == Period("2020-03", D(2020, 3, 1), D(2020, 3, 20))


# --- RFC 5545 rules ---------------------------------------------------------------------


def test_an_rrule_across_a_year_boundary_has_one_day_periods() -> None:
    s = schedule(
        "rrule",
        start=D(2020, 11, 1),
        until=D(2021, 2, 28),
        rrule="FREQ=MONTHLY;BYMONTHDAY=15",
    )
    # an RRULE occurrence's period is its own date (plan-format.md), not the days since the last
    assert periods(s) == [
        Period("2020-11-15", D(2020, 11, 15), D(2020, 11, 15)),
        Period("2020-12-15", D(2020, 12, 15), D(2020, 12, 15)),
        Period("2021-01-15", D(2021, 1, 15), D(2021, 1, 15)),
        Period("2021-02-15", D(2021, 2, 15), D(2021, 2, 15)),
    ]


def test_an_rrule_due_in_working_days_counts_from_the_occurrence_itself() -> None:
    """Every second month on the first Monday, due three working days later: the occurrence
    of Monday 1 March 2021 is due Thursday 4 March, not 8 January (three working days after
    the previous occurrence)."""
    s = schedule(
        "rrule",
        Due(working_days=3),
        start=D(2021, 1, 1),
        until=D(2021, 12, 31),
        rrule="FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO",
    )
    ps = {p.key: p for p in periods(s)}
    assert list(ps) == [
        "2021-01-04",
        "2021-03-01",
        "2021-05-03",
        "2021-07-05",
        "2021-09-06",
        "2021-11-01",
    ]
    assert due_date(s, ps["2021-03-01"], CAL) == D(2021, 3, 4)
    assert due_date(s, ps["2021-01-04"], CAL) == D(2021, 1, 7)
    assert all(due_date(s, p, CAL) >= p.start for p in ps.values())


def test_the_bundled_last_friday_rule() -> None:
    s = schedule("rrule", start=D(2020, 4, 1), rrule="FREQ=MONTHLY;BYDAY=-1FR")
    ks = keys(s)
    assert ks[0] == "2020-04-24"
    assert ks[-1] == "2020-12-25"
    assert len(ks) == 9
    assert all(D.fromisoformat(k).weekday() == 4 for k in ks)


def test_an_rrule_date_off_work_is_due_the_next_working_day_never_before_it() -> None:
    s = schedule(
        "rrule",
        start=D(2020, 11, 1),
        until=D(2021, 2, 28),
        rrule="FREQ=MONTHLY;BYMONTHDAY=15",
    )
    # 15/11/2020 is a Sunday, 15/2/2021 is in Tết (10–16/2): counting back would put the
    # deadline before the occurrence itself (13/11, 9/2)
    assert [due_date(s, p, CAL) for p in periods(s)] == [
        D(2020, 11, 16),
        D(2020, 12, 15),
        D(2021, 1, 15),
        D(2021, 2, 17),
    ]
    counted_back = schedule(
        "rrule",
        Due(before_end_working_days=3),
        start=D(2020, 11, 1),
        until=D(2021, 2, 28),
        rrule="FREQ=MONTHLY;BYMONTHDAY=15",
    )
    assert due_date(counted_back, periods(counted_back)[1], CAL) == D(2020, 12, 15)


# --- due forms ----------------------------------------------------------------------------


def test_working_days_are_counted_from_the_period_start() -> None:
    s = schedule("month", Due(working_days=5))
    jan, feb = periods(s)[:2]
    assert due_date(s, jan, CAL) == D(2020, 1, 8)  # 1/1 is a holiday: 2, 3, 6, 7, 8
    assert due_date(s, feb, CAL) == D(2020, 2, 7)  # 3, 4, 5, 6, 7


def test_working_days_are_counted_over_tet() -> None:
    s = schedule("month", Due(working_days=16))
    assert due_date(s, periods(s)[0], CAL) == D(2020, 1, 30)
    week = schedule("week", Due(working_days=5))
    w04 = next(p for p in periods(week) if p.key == "2020-W04")
    assert w04.start == D(2020, 1, 20)
    assert due_date(week, w04, CAL) == D(2020, 2, 3)


def test_working_days_count_from_a_clipped_period_start() -> None:
    s = schedule("quarter", Due(working_days=10), start=D(2020, 4, 13))
    q2 = periods(s)[0]
    assert q2.start == D(2020, 4, 13)
    # 14, 15, 16, 17, 20, 21, 22, 23, 24, 27
    assert due_date(s, q2, CAL) == D(2020, 4, 27)


def test_before_end_zero_is_the_last_working_day_of_the_period() -> None:
    s = schedule("quarter", LAST_DAY)
    assert [due_date(s, p, CAL) for p in periods(s)] == [
        D(2020, 3, 31),
        D(2020, 6, 30),
        D(2020, 9, 30),
        D(2020, 12, 31),
    ]


@pytest.mark.parametrize(
    ("month", "due"),
    [
        ("2020-02", D(2020, 2, 28)),  # ends Saturday 29/2
        ("2020-05", D(2020, 5, 29)),  # ends Sunday 31/5
        ("2020-10", D(2020, 10, 30)),  # ends Saturday 31/10
        ("2020-04", D(2020, 4, 29)),  # 30/4 is a holiday
        ("2020-03", D(2020, 3, 31)),  # ends on a Tuesday
    ],
)
def test_a_month_ending_on_a_day_off_is_due_the_working_day_before(
    month: str, due: dt.date
) -> None:
    s = schedule("month", LAST_DAY)
    period = next(p for p in periods(s) if p.key == month)
    assert due_date(s, period, CAL) == due


def test_before_end_counts_back_from_the_last_working_day() -> None:
    s = schedule("quarter", Due(before_end_working_days=5))
    q1, q2 = periods(s)[:2]
    assert due_date(s, q1, CAL) == D(2020, 3, 24)  # 31/3 is a Tuesday
    assert due_date(s, q2, CAL) == D(2020, 6, 23)


def test_before_end_ignores_the_roll_setting() -> None:
    s = schedule("month", LAST_DAY)
    may = periods(s)[4]
    assert due_date(s, may, CAL, roll="next") == D(2020, 5, 29)


def test_month_day_on_a_saturday_rolls_to_monday() -> None:
    s = schedule("month", Due(month_day=15))
    feb = periods(s)[1]
    assert D(2020, 2, 15).weekday() == 5
    assert due_date(s, feb, CAL) == D(2020, 2, 17)
    assert due_date(s, feb, CAL, roll="next") == D(2020, 2, 17)


def test_month_day_on_a_saturday_rolls_back_to_friday_with_previous() -> None:
    s = schedule("month", Due(month_day=15))
    feb = periods(s)[1]
    assert due_date(s, feb, CAL, roll="previous") == D(2020, 2, 14)


def test_month_day_on_a_working_day_stays() -> None:
    s = schedule("month", Due(month_day=15))
    jan = periods(s)[0]
    assert due_date(s, jan, CAL) == D(2020, 1, 15)
    assert due_date(s, jan, CAL, roll="previous") == D(2020, 1, 15)


def test_month_day_31_clamps_to_the_end_of_a_30_day_month() -> None:
    s = schedule("month", Due(month_day=31))
    ps = {p.key: p for p in periods(s)}
    assert due_date(s, ps["2020-06"], CAL) == D(2020, 6, 30)
    assert due_date(s, ps["2020-09"], CAL) == D(2020, 9, 30)
    assert due_date(s, ps["2020-02"], CAL, roll="previous") == D(2020, 2, 28)  # 29/2 is Sat
    assert due_date(s, ps["2020-04"], CAL) == D(2020, 5, 4)  # 30/4 holiday, then 1/5


def test_month_day_of_a_quarter_is_in_its_last_month() -> None:
    s = schedule("quarter", Due(month_day=15))
    # 15/3 is a Sunday; 15/6 Monday; 15/9 Tuesday; 15/12 Tuesday
    assert [due_date(s, p, CAL) for p in periods(s)] == [
        D(2020, 3, 16),
        D(2020, 6, 15),
        D(2020, 9, 15),
        D(2020, 12, 15),
    ]


def test_a_once_date_on_a_holiday_rolls_next_or_previous() -> None:
    s = schedule("once", Due(date=D(2020, 4, 30)))
    (period,) = periods(s)
    assert period.key == "2020"
    assert due_date(s, period, CAL, roll="next") == D(2020, 5, 4)
    assert due_date(s, period, CAL, roll="previous") == D(2020, 4, 29)


def test_a_once_date_on_a_working_day_stays() -> None:
    s = schedule("once", Due(date=D(2020, 6, 30)))
    (period,) = periods(s)
    assert due_date(s, period, CAL) == D(2020, 6, 30)


def test_every_bundled_deadline_is_a_working_day_in_its_schedule(bundled_plan) -> None:  # type: ignore[no-untyped-def]
    for task in bundled_plan.tasks:
        ps = periods(task.schedule)
        assert ps, task.code
        assert len({p.key for p in ps}) == len(ps), task.code
        for p in ps:
            due = due_date(task.schedule, p, CAL, bundled_plan.roll)
            assert CAL.is_working(due), (task.code, p.key, due)
            assert due.year in (2020, 2021), (task.code, p.key, due)


# --- no deadline before its period ----------------------------------------------------------


def test_a_clipped_period_of_days_off_is_due_on_the_next_working_day() -> None:
    s = schedule("week", start=D(2020, 4, 18))  # a Saturday: the first period is 18–19/4
    first = periods(s)[0]
    assert first == Period("2020-W16", D(2020, 4, 18), D(2020, 4, 19))
    assert due_date(s, first, CAL) == D(2020, 4, 20)  # not Friday 17/4, before the period


def test_a_count_back_past_the_period_start_stops_at_its_first_working_day() -> None:
    s = schedule("week", Due(before_end_working_days=10))
    w16 = next(p for p in periods(s) if p.key == "2020-W16")
    assert due_date(s, w16, CAL) == D(2020, 4, 13)


def test_a_month_day_before_a_weekly_period_gives_its_first_working_day() -> None:
    s = schedule("week", Due(month_day=5))
    w16 = next(p for p in periods(s) if p.key == "2020-W16")  # 13–19/4: the 5th is before it
    assert due_date(s, w16, CAL) == D(2020, 4, 13)


def test_a_once_date_before_the_schedule_start_gives_its_first_working_day() -> None:
    s = schedule("once", Due(date=D(2020, 3, 2)), start=D(2020, 4, 11))
    (period,) = periods(s)
    assert due_date(s, period, CAL) == D(2020, 4, 13)


# --- periods as officers write them ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2020-06", "2020-06"),
        ("06/2020", "2020-06"),
        ("6/2020", "2020-06"),
        ("T6/2020", "2020-06"),
        ("t06/2020", "2020-06"),
        ("tháng 6/2020", "2020-06"),
        ("Tháng 12/2020", "2020-12"),
        ("tháng 6 năm 2020", "2020-06"),
        ("  thang 6 / 2020 ", "2020-06"),
        ("2020-Q2", "2020-Q2"),
        ("2020-q2", "2020-Q2"),
        ("Q2/2020", "2020-Q2"),
        ("quý II/2020", "2020-Q2"),
        ("Quý IV/2020", "2020-Q4"),
        ("quý 2/2020", "2020-Q2"),
        ("quý I năm 2020", "2020-Q1"),
        ("2020-H1", "2020-H1"),
        ("H2/2020", "2020-H2"),
        ("6 tháng đầu năm 2020", "2020-H1"),
        ("6 tháng cuối năm 2020", "2020-H2"),
        ("2020-W23", "2020-W23"),
        ("2020-W3", "2020-W03"),
        ("tuần 23/2020", "2020-W23"),
        ("Tuần 1/2020", "2020-W01"),
        ("W53/2020", "2020-W53"),
        ("2020", "2020"),
        ("năm 2020", "2020"),
        ("Năm 2020", "2020"),
        ("2020-04-24", "2020-04-24"),  # an RRULE occurrence's date
        ("24/04/2020", "2020-04-24"),
        ("24/4/2020", "2020-04-24"),
    ],
)
def test_periods_are_read_as_officers_write_them(text: str, key: str) -> None:
    assert parse_period(text) == key


@pytest.mark.parametrize(
    "text",
    ["", "2020-13", "13/2020", "T0/2020", "quý V/2020", "Q5/2020", "2020-H3", "tuần 54/2020",
     "2021-W53", "tháng sáu", "30/02/2020", "20", "2020-Q", "next month"],
)  # fmt: skip
def test_an_unknown_period_form_is_an_error_with_every_accepted_form(text: str) -> None:
    with pytest.raises(LocalizedError) as caught:
        parse_period(text)
    message = caught.value.render("vi")
    assert f"'{text}'" in message and "(Gợi ý: " in message and "Hint" not in message
    for form in ("06/2020", "T6/2020", "Q2/2020", "quý II/2020", "6 tháng đầu năm 2020",
                 "tuần 23/2020", "năm 2020"):  # fmt: skip
        assert form in message
    assert "Hint:" in caught.value.render("en")


def test_every_canonical_key_reads_as_itself() -> None:
    for every in ("week", "month", "quarter", "half_year", "year"):
        for p in periods(schedule(every)):
            assert parse_period(p.key) == p.key
    for p in periods(schedule("rrule", rrule="FREQ=MONTHLY;BYDAY=-1FR")):
        assert parse_period(p.key) == p.key
