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


# --- period labels as officers read them ----------------------------------------------------

_ROMAN_NUMERALS = ("I", "II", "III", "IV")
_KEY_PATTERN = re.compile(
    r"(?P<y>\d{4})(?:-(?:(?P<m>\d{2})(?:-(?P<d>\d{2}))?|Q(?P<q>[1-4])|H(?P<h>[12])|W(?P<w>\d{2})))?"
)


@dataclass(frozen=True)
class PeriodTerm:
    """A period given to a message: named as officers write it in the message's language
    ("quý II/2020"), its key elsewhere (``str()``, logs)."""

    key: str

    def render(self, lang: str) -> str:
        return period_label(self.key, lang)

    def __str__(self) -> str:
        return self.key


def period_term(key: str) -> PeriodTerm:
    """``key`` as a message parameter (see ``PeriodTerm``)."""
    return PeriodTerm(key)


def period_label(key: str, lang: str = "vi") -> str:
    """A period key as officers write it — "quý II/2020", "6 tháng đầu năm 2020",
    "tháng 7/2020", "tuần 23 (01/6–05/6/2020)", "năm 2020", "24/04/2020" — or in English
    ("Q2 2020", "H1 2020", "July 2020", "week 23 (1–5 Jun 2020)", "2020", "24 Apr 2020").
    A week runs Monday to Friday. A key that is no period is returned unchanged."""
    from babel.dates import format_date  # here, not at import: ``cchc --help`` stays fast

    match = _KEY_PATTERN.fullmatch(key)
    if match is None:
        return key
    part = match.groupdict()
    year = int(part["y"])
    en = lang == "en"
    try:
        if part["d"] is not None:
            day = dt.date(year, int(part["m"]), int(part["d"]))
            return format_date(day, "d MMM y", locale="en") if en else f"{day:%d/%m/%Y}"
        if part["m"] is not None:
            first = dt.date(year, int(part["m"]), 1)
            return (
                format_date(first, "MMMM y", locale="en") if en else f"tháng {first.month}/{year}"
            )
        if part["q"] is not None:
            q = int(part["q"])
            return f"Q{q} {year}" if en else f"quý {_ROMAN_NUMERALS[q - 1]}/{year}"
        if part["h"] is not None:
            h = int(part["h"])
            return f"H{h} {year}" if en else f"6 tháng {'đầu' if h == 1 else 'cuối'} năm {year}"
        if part["w"] is not None:
            week = int(part["w"])
            monday = dt.date.fromisocalendar(year, week, 1)
            return _week_label(week, monday, monday + dt.timedelta(days=4), en)
    except ValueError:
        return key
    return f"{year}" if en else f"năm {year}"


def _week_label(week: int, monday: dt.date, friday: dt.date, en: bool) -> str:
    from babel.dates import format_date

    if en:
        if monday.year != friday.year:
            first = format_date(monday, "d MMM y", locale="en")
        elif monday.month != friday.month:
            first = format_date(monday, "d MMM", locale="en")
        else:
            first = f"{monday.day}"
        return f"week {week} ({first}–{format_date(friday, 'd MMM y', locale='en')})"
    first = f"{monday.day:02d}/{monday.month}" + (
        f"/{monday.year}" if monday.year != friday.year else ""
    )
    return f"tuần {week} ({first}–{friday.day:02d}/{friday.month}/{friday.year})"
