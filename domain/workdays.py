"""Vietnamese working days — "ngày làm việc".

Monday to Friday, minus public holidays (Tết, Hùng Kings, 30/4, 1/5, National Day, observed
days), minus extra days off, plus make-up working days (ngày làm bù, often a Saturday). The
calendar is built from plain sets: the public holidays come from a holiday library at the edge,
the overrides from a stored, editable table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)
MAX_WORKING_DAYS = 3650  # the longest count of working days to move a date by (~14 years)
WEEKDAY_NAMES_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days.

    ``holidays`` maps public holidays to their names; ``holidays_of`` (when given) names the
    public holidays of any other year, asked for the first time a day of that year is looked at,
    so that counting across many years (a 2020 deadline seen from 2026) knows every year's Tết.
    ``days_off`` and ``working`` are overrides (date → reason): an override wins over the weekday
    rule and the holidays.
    """

    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    days_off: Mapping[dt.date, str] = field(default_factory=dict)
    working: Mapping[dt.date, str] = field(default_factory=dict)
    holidays_of: Callable[[int], Mapping[dt.date, str]] | None = field(default=None, compare=False)
    _years: dict[int, Mapping[dt.date, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def holidays_in(self, year: int) -> Mapping[dt.date, str]:
        """The public holidays of ``year`` with their names."""
        known = self._years.get(year)
        if known is None:
            known = {d: name for d, name in self.holidays.items() if d.year == year}
            if self.holidays_of is not None and not known:
                known = dict(self.holidays_of(year))
            self._years[year] = known
        return known

    def holiday(self, day: dt.date) -> str | None:
        """The name of the public holiday on ``day``, or None."""
        return self.holidays_in(day.year).get(day)

    def is_working(self, day: dt.date) -> bool:
        if day in self.working:
            return True
        if day in self.days_off or day in self.holidays_in(day.year):
            return False
        return day.weekday() < 5

    def add(self, day: dt.date, n: int) -> dt.date:
        """The date ``n`` working days after ``day`` (before it when ``n`` < 0).

        ``day`` itself is not counted; ``n`` = 0 gives ``day`` rolled forward to a working day.
        """
        if n == 0:
            return self.roll(day, "next")
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working(day):
                remaining -= 1
        return day

    def roll(self, day: dt.date, direction: str = "next") -> dt.date:
        """``day`` if it is a working day, else the next (or previous) working day."""
        step = -ONE_DAY if direction == "previous" else ONE_DAY
        while not self.is_working(day):
            day += step
        return day

    def last_working_on_or_before(self, day: dt.date) -> dt.date:
        return self.roll(day, "previous")

    def count(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` < ``start``)."""
        if end < start:
            return -self.count(end, start)
        # Monday to Friday by arithmetic, then each holiday or override in the span corrected
        n = _weekdays_through(end) - _weekdays_through(start)
        public = (d for year in range(start.year, end.year + 1) for d in self.holidays_in(year))
        for day in {*public, *self.days_off, *self.working}:
            if start < day <= end:
                n += self.is_working(day) - (day.weekday() < 5)
        return n

    def days(self, year: int) -> Iterable[tuple[dt.date, bool, str]]:
        """Every day of ``year`` that is not an ordinary weekday-or-weekend: (date, working, why)."""
        day = dt.date(year, 1, 1)
        while day.year == year:
            if day in self.working:
                yield day, True, self.working[day]
            elif day in self.days_off:
                yield day, False, self.days_off[day]
            elif (name := self.holiday(day)) is not None:
                yield day, False, name
            day += ONE_DAY


def _weekdays_through(day: dt.date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def weekday_date(day: dt.date, lang: str = "vi") -> str:
    """The date as officers write it: ``Thứ Hai, 03/02/2020`` (``Monday, 03/02/2020``)."""
    names = WEEKDAY_NAMES_EN if lang == "en" else WEEKDAY_NAMES_VI
    return f"{names[day.weekday()]}, {day:%d/%m/%Y}"
