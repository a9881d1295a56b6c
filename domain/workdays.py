"""Vietnamese working days — "ngày làm việc".

Monday to Friday, minus public holidays (Tết, Hùng Kings, 30/4, 1/5, National Day, observed
days), minus extra days off, plus make-up working days (ngày làm bù, often a Saturday). The
calendar is built from plain sets: the public holidays come from a holiday library at the edge,
the overrides from a stored, editable table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)
MAX_WORKING_DAYS = 3650  # the longest count of working days to move a date by (~14 years)
WEEKDAY_NAMES_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAY_NAMES_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days.

    ``holidays`` maps public holidays to their names; ``days_off`` and ``working`` are
    overrides (date → reason): an override wins over the weekday rule and the holidays.
    """

    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    days_off: Mapping[dt.date, str] = field(default_factory=dict)
    working: Mapping[dt.date, str] = field(default_factory=dict)

    def is_working(self, day: dt.date) -> bool:
        if day in self.working:
            return True
        if day in self.days_off or day in self.holidays:
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
        for day in {*self.holidays, *self.days_off, *self.working}:
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
            elif day in self.holidays:
                yield day, False, self.holidays[day]
            day += ONE_DAY


def _weekdays_through(day: dt.date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to and including ``day``."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def weekday_date(day: dt.date, lang: str = "vi") -> str:
    """The date as officers write it: ``Thứ Hai, 03/02/2020`` (``Monday, 03/02/2020``)."""
    names = WEEKDAY_NAMES_EN if lang == "en" else WEEKDAY_NAMES_VI
    return f"{names[day.weekday()]}, {day:%d/%m/%Y}"
