"""Vietnamese working days: weekends, public holidays (Tết 2020 is 23–29/1), overrides."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from domain.workdays import WorkCalendar, weekday_date

D = dt.date
VN = dict(holidays.country_holidays("VN", years=[2019, 2020, 2021]))
CAL = WorkCalendar(holidays=VN)


# --- the example ------------------------------------------------------------------


def test_five_working_days_after_20_january_2020_skip_tet() -> None:
    assert CAL.add(D(2020, 1, 20), 5) == D(2020, 2, 3)


def test_five_working_days_before_3_february_2020_is_20_january() -> None:
    assert CAL.add(D(2020, 2, 3), -5) == D(2020, 1, 20)


def test_add_counts_working_days_on_both_sides_of_tet() -> None:
    # 21, 22 before Tết; 30, 31 after it
    assert [CAL.add(D(2020, 1, 20), n) for n in range(1, 6)] == [
        D(2020, 1, 21),
        D(2020, 1, 22),
        D(2020, 1, 30),
        D(2020, 1, 31),
        D(2020, 2, 3),
    ]


def test_add_zero_rolls_forward_to_a_working_day() -> None:
    assert CAL.add(D(2020, 2, 3), 0) == D(2020, 2, 3)
    assert CAL.add(D(2020, 1, 25), 0) == D(2020, 1, 30)


# --- which days are off ------------------------------------------------------------------


def test_tet_2020_is_off_from_23_to_29_january() -> None:
    tet = [D(2020, 1, d) for d in range(23, 30)]
    assert not any(CAL.is_working(d) for d in tet)
    assert CAL.is_working(D(2020, 1, 22))
    assert CAL.is_working(D(2020, 1, 30))


@pytest.mark.parametrize(
    "day",
    [D(2020, 4, 30), D(2020, 5, 1), D(2020, 9, 2), D(2020, 1, 1), D(2020, 4, 2)],
    ids=["30/4", "1/5", "2/9", "1/1", "hung-kings"],
)
def test_public_holidays_on_weekdays_are_off(day: dt.date) -> None:
    assert day.weekday() < 5
    assert not CAL.is_working(day)


@pytest.mark.parametrize("day", [D(2020, 2, 1), D(2020, 2, 2), D(2020, 3, 7), D(2020, 3, 8)])
def test_weekends_are_off(day: dt.date) -> None:
    assert not CAL.is_working(day)


@pytest.mark.parametrize("day", [D(2020, 2, 3), D(2020, 3, 6), D(2020, 9, 3), D(2020, 1, 13)])
def test_ordinary_weekdays_are_working(day: dt.date) -> None:
    assert CAL.is_working(day)


def test_holidays_across_a_long_weekend_are_skipped() -> None:
    # Thu 30/4 and Fri 1/5 are holidays, then the weekend
    assert CAL.add(D(2020, 4, 29), 1) == D(2020, 5, 4)
    assert CAL.add(D(2020, 5, 4), -1) == D(2020, 4, 29)


# --- overrides: extra days off, make-up working days ----------------------------------------


def test_an_extra_day_off_moves_add_results() -> None:
    assert CAL.add(D(2020, 9, 1), 1) == D(2020, 9, 3)  # 2/9 is a holiday
    with_day_off = WorkCalendar(holidays=VN, days_off={D(2020, 9, 3): "Nghỉ bù Quốc khánh"})
    assert not with_day_off.is_working(D(2020, 9, 3))
    assert with_day_off.add(D(2020, 9, 1), 1) == D(2020, 9, 4)
    assert with_day_off.add(D(2020, 9, 1), 2) == D(2020, 9, 7)


def test_a_make_up_working_saturday_moves_add_results() -> None:
    assert CAL.add(D(2020, 1, 10), 1) == D(2020, 1, 13)
    with_make_up = WorkCalendar(holidays=VN, working={D(2020, 1, 11): "Làm bù"})
    assert with_make_up.is_working(D(2020, 1, 11))
    assert with_make_up.add(D(2020, 1, 10), 1) == D(2020, 1, 11)
    assert with_make_up.add(D(2020, 1, 13), -1) == D(2020, 1, 11)
    assert with_make_up.count(D(2020, 1, 10), D(2020, 1, 13)) == 2


def test_a_working_override_wins_over_a_holiday() -> None:
    cal = WorkCalendar(holidays=VN, working={D(2020, 1, 24): "Trực"})
    assert cal.is_working(D(2020, 1, 24))
    assert cal.add(D(2020, 1, 22), 1) == D(2020, 1, 24)
    assert cal.add(D(2020, 1, 22), 2) == D(2020, 1, 30)


def test_a_day_off_override_wins_over_the_weekday_rule() -> None:
    cal = WorkCalendar(holidays=VN, days_off={D(2020, 2, 3): "Nghỉ"})
    assert not cal.is_working(D(2020, 2, 3))
    assert cal.add(D(2020, 1, 20), 5) == D(2020, 2, 4)


def test_days_lists_the_unusual_days_of_the_year_with_their_reason() -> None:
    cal = WorkCalendar(
        holidays=VN,
        days_off={D(2020, 9, 3): "Nghỉ thêm"},
        working={D(2020, 1, 11): "Làm bù", D(2020, 1, 24): "Trực Tết"},
    )
    days = {day: (working, why) for day, working, why in cal.days(2020)}
    assert days[D(2020, 9, 3)] == (False, "Nghỉ thêm")
    assert days[D(2020, 1, 11)] == (True, "Làm bù")
    assert days[D(2020, 1, 24)] == (True, "Trực Tết")  # the override, not the holiday
    assert days[D(2020, 4, 30)][0] is False
    assert D(2020, 2, 3) not in days
    assert all(day.year == 2020 for day in days)


# --- roll, count ------------------------------------------------------------------------


def test_roll_next_and_previous_off_a_holiday() -> None:
    assert CAL.roll(D(2020, 4, 30), "next") == D(2020, 5, 4)
    assert CAL.roll(D(2020, 4, 30), "previous") == D(2020, 4, 29)
    assert CAL.roll(D(2020, 1, 25), "next") == D(2020, 1, 30)
    assert CAL.roll(D(2020, 1, 25), "previous") == D(2020, 1, 22)


def test_roll_keeps_a_working_day() -> None:
    assert CAL.roll(D(2020, 2, 3), "next") == D(2020, 2, 3)
    assert CAL.roll(D(2020, 2, 3), "previous") == D(2020, 2, 3)
    assert CAL.roll(D(2020, 2, 15)) == D(2020, 2, 17)  # default: next


def test_last_working_on_or_before() -> None:
    assert CAL.last_working_on_or_before(D(2020, 5, 31)) == D(2020, 5, 29)
    assert CAL.last_working_on_or_before(D(2020, 3, 31)) == D(2020, 3, 31)


def test_count_across_tet() -> None:
    assert CAL.count(D(2020, 1, 20), D(2020, 2, 3)) == 5
    assert CAL.count(D(2020, 1, 22), D(2020, 1, 30)) == 1
    assert CAL.count(D(2020, 1, 23), D(2020, 1, 29)) == 0
    # every day of January 2020 minus weekends, 1/1 and five weekdays of Tết
    assert CAL.count(D(2019, 12, 31), D(2020, 1, 31)) == 23 - 1 - 5


def test_count_is_negative_backwards_and_zero_on_the_same_day() -> None:
    assert CAL.count(D(2020, 2, 3), D(2020, 1, 20)) == -5
    assert CAL.count(D(2020, 2, 3), D(2020, 2, 3)) == 0


def test_count_and_add_agree() -> None:
    start = D(2020, 1, 20)
    for n in range(0, 30):
        assert CAL.count(start, CAL.add(start, n)) == n


def test_count_over_years_with_overrides_matches_counting_day_by_day() -> None:
    """``count`` over long spans (a page counts working days to deadlines months or years
    away) agrees with walking the calendar one day at a time, overrides included."""
    cal = WorkCalendar(
        holidays=VN,
        days_off={D(2020, 9, 4): "nghỉ thêm", D(2020, 9, 5): "thứ bảy, nghỉ thêm"},
        working={D(2020, 1, 11): "làm bù", D(2020, 1, 24): "trực Tết", D(2020, 5, 1): "trực"},
    )

    def walked(start: dt.date, end: dt.date) -> int:
        n, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            n += cal.is_working(day)
        return n

    days = [D(2019, 12, 28) + dt.timedelta(days=k) for k in range(0, 800, 13)]
    days += [D(2020, 1, 10), D(2020, 1, 11), D(2020, 1, 24), D(2020, 9, 4), D(2020, 9, 5)]
    for start in days:
        for end in days:
            expected = walked(start, end) if end >= start else -walked(end, start)
            assert cal.count(start, end) == expected, (start, end)
    assert cal.count(D(2019, 6, 1), D(2040, 1, 1)) == walked(D(2019, 6, 1), D(2040, 1, 1))


# --- dates as officers write them -----------------------------------------------------------


def test_weekday_date_in_vietnamese_and_english() -> None:
    assert weekday_date(D(2020, 2, 3)) == "Thứ Hai, 03/02/2020"
    assert weekday_date(D(2020, 2, 3), "vi") == "Thứ Hai, 03/02/2020"
    assert weekday_date(D(2020, 2, 3), "en") == "Monday, 03/02/2020"


def test_weekday_date_names_every_day_of_the_week() -> None:
    week = [D(2020, 2, 3) + dt.timedelta(days=i) for i in range(7)]
    assert [weekday_date(d).split(",")[0] for d in week] == [
        "Thứ Hai",
        "Thứ Ba",
        "Thứ Tư",
        "Thứ Năm",
        "Thứ Sáu",
        "Thứ Bảy",
        "Chủ Nhật",
    ]
    assert weekday_date(D(2020, 2, 9), "en") == "Sunday, 09/02/2020"


# --- counting across many years -------------------------------------------------------------


def test_a_calendar_asks_for_the_holidays_of_a_year_it_was_not_built_with() -> None:
    asked: list[int] = []

    def of(year: int) -> dict[dt.date, str]:
        asked.append(year)
        return dict(holidays.country_holidays("VN", years=[year]))

    cal = WorkCalendar(holidays=VN, holidays_of=of)
    # Tết 2023 (20–26/1/2023): 19/1 is a Thursday, the next working day is Friday 27/1
    assert not cal.is_working(D(2023, 1, 23))
    assert cal.add(D(2023, 1, 19), 1) == D(2023, 1, 27)
    assert asked == [2023]
    # from a 2020 deadline to a day of 2026, every year's holidays are left out of the count
    built_once = WorkCalendar(
        holidays=dict(holidays.country_holidays("VN", years=range(2020, 2027)))
    )
    assert cal.count(D(2020, 6, 30), D(2026, 6, 30)) == built_once.count(
        D(2020, 6, 30), D(2026, 6, 30)
    )
    assert cal.count(D(2020, 6, 30), D(2026, 6, 30)) < WorkCalendar(holidays=VN).count(
        D(2020, 6, 30), D(2026, 6, 30)
    )
