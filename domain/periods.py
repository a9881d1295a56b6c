"""Periods of a recurring task and their deadlines — one occurrence ("lần thực hiện") each.

A task's schedule (``every``: once, week, month, quarter, half_year, year, or an RFC 5545
rule) cuts its active dates into periods with stable keys (2020-W14, 2020-03, 2020-Q1,
2020-H1, 2020, or the rule's date); each period's due date follows the schedule's ``due``
form, counted in working days, and rolls off non-working days as the plan says.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from dateutil.rrule import rrulestr

from domain.errors import LocalizedError
from domain.names import fold
from domain.plan import Schedule
from domain.workdays import ONE_DAY, WorkCalendar


@dataclass(frozen=True)
class Period:
    """One period of a schedule: its key and its first and last day (inclusive)."""

    key: str
    start: dt.date
    end: dt.date


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - ONE_DAY


def _calendar_periods(every: str, start: dt.date, until: dt.date) -> Iterator[Period]:
    if every == "week":
        day = start - dt.timedelta(days=start.weekday())
        while day <= until:
            iso = day.isocalendar()
            yield Period(f"{iso.year}-W{iso.week:02d}", day, day + dt.timedelta(days=6))
            day += dt.timedelta(days=7)
        return
    months = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[every]
    year, month = start.year, ((start.month - 1) // months) * months + 1
    while dt.date(year, month, 1) <= until:
        end_month = month + months - 1
        end = _month_end(year, end_month)
        if every == "month":
            key = f"{year}-{month:02d}"
        elif every == "quarter":
            key = f"{year}-Q{(month - 1) // 3 + 1}"
        elif every == "half_year":
            key = f"{year}-H{(month - 1) // 6 + 1}"
        else:
            key = f"{year}"
        yield Period(key, dt.date(year, month, 1), end)
        month += months
        if month > 12:
            year, month = year + 1, month - 12


def periods(schedule: Schedule) -> list[Period]:
    """The periods of ``schedule`` that overlap its active dates, clipped to them."""
    start, until = schedule.start, schedule.until
    if schedule.every == "once":
        day = schedule.due.date or until
        return [Period(f"{start.year}", start, max(day, start))]
    if schedule.every == "rrule":
        rule = rrulestr(schedule.rrule or "", dtstart=dt.datetime.combine(start, dt.time()))
        moments = rule.between(
            dt.datetime.combine(start, dt.time()), dt.datetime.combine(until, dt.time()), inc=True
        )
        return [Period(m.date().isoformat(), m.date(), m.date()) for m in moments]
    return [
        Period(p.key, max(p.start, start), min(p.end, until))
        for p in _calendar_periods(schedule.every, start, until)
    ]


def due_date(
    schedule: Schedule, period: Period, calendar: WorkCalendar, roll: str = "next"
) -> dt.date:
    """The deadline of ``period`` under ``schedule``'s ``due`` form, on a working day, never
    before the period starts (then the period's first working day, on or after its start)."""
    due = _due_form(schedule, period, calendar, roll)
    return due if due >= period.start else calendar.roll(period.start, "next")


def _due_form(schedule: Schedule, period: Period, calendar: WorkCalendar, roll: str) -> dt.date:
    due = schedule.due
    if due.date is not None:
        return calendar.roll(due.date, roll)
    if due.working_days is not None:
        return calendar.add(period.start, due.working_days)
    if due.before_end_working_days is not None:
        last = calendar.last_working_on_or_before(period.end)
        return calendar.add(last, -due.before_end_working_days)
    if due.month_day is not None:
        end = period.end
        last_day = _month_end(end.year, end.month).day
        return calendar.roll(dt.date(end.year, end.month, min(due.month_day, last_day)), roll)
    return calendar.last_working_on_or_before(period.end)


# --- periods as officers write them ---------------------------------------------------------

PERIOD_FORMS = (
    "2020-06",
    "06/2020",
    "T6/2020",
    "tháng 6/2020",
    "2020-Q2",
    "Q2/2020",
    "quý II/2020",
    "quý 2/2020",
    "2020-H1",
    "6 tháng đầu năm 2020",
    "2020-W23",
    "tuần 23/2020",
    "2020",
    "năm 2020",
)
"""The forms ``parse_period`` reads (one example each), for hints; an RRULE schedule's
occurrences are dates (``2020-04-24`` or ``24/04/2020``)."""

_OF = r"\s*(?:/|-|\s+nam\s+|\s)\s*"  # 6/2020, 6-2020, 6 năm 2020
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("year", r"(?:nam\s*)?(?P<y>\d{4})"),
        ("date", r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),
        ("date", r"(?:ngay\s*)?(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"),
        ("month", r"(?P<y>\d{4})-(?P<m>\d{1,2})"),
        ("month", r"(?:t\s*|thang\s*)?(?P<m>\d{1,2})" + _OF + r"(?P<y>\d{4})"),
        ("quarter", r"(?P<y>\d{4})-q(?P<q>\d)"),
        ("quarter", r"(?:q\s*|quy\s*)(?P<q>\d|iv|i{1,3})" + _OF + r"(?P<y>\d{4})"),
        ("half", r"(?P<y>\d{4})-h(?P<h>\d)"),
        ("half", r"h\s*(?P<h>\d)" + _OF + r"(?P<y>\d{4})"),
        ("half", r"(?:6|sau)\s*thang\s*(?P<which>dau|cuoi)(?:\s*nam)?" + _OF + r"(?P<y>\d{4})"),
        ("week", r"(?P<y>\d{4})-w(?P<w>\d{1,2})"),
        ("week", r"(?:w\s*|tuan\s*)(?P<w>\d{1,2})" + _OF + r"(?P<y>\d{4})"),
    )
)


def parse_period(text: str) -> str:
    """The period key (2020-06, 2020-Q2, 2020-H1, 2020-W23, 2020, or an RRULE date) of a period
    as officers write it: ``06/2020``, ``T6/2020``, ``tháng 6/2020``, ``Q2/2020``,
    ``quý II/2020``, ``6 tháng đầu năm 2020``, ``tuần 23/2020``, ``năm 2020`` … (case and
    diacritics do not matter). Anything else is an error whose hint lists the forms."""
    folded = fold(text)
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(folded)
        if match is not None:
            key = _key(kind, match.groupdict())
            if key is not None:
                return key
    raise LocalizedError("error.bad_period", value=text, forms=", ".join(PERIOD_FORMS))


def _key(kind: str, part: dict[str, str]) -> str | None:
    year = int(part["y"])
    if kind == "year":
        return f"{year}"
    if kind == "date":
        try:
            return dt.date(year, int(part["m"]), int(part["d"])).isoformat()
        except ValueError:
            return None
    if kind == "month":
        month = int(part["m"])
        return f"{year}-{month:02d}" if 1 <= month <= 12 else None
    if kind == "quarter":
        q = part["q"]
        quarter = _ROMAN[q] if q in _ROMAN else int(q)
        return f"{year}-Q{quarter}" if 1 <= quarter <= 4 else None
    if kind == "half":
        which = part.get("which")
        half = (1 if which == "dau" else 2) if which else int(part["h"])
        return f"{year}-H{half}" if half in (1, 2) else None
    week = int(part["w"])
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return None
    return f"{year}-W{week:02d}"
