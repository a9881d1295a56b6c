"""Periods of a recurring task and their deadlines — one occurrence ("lần thực hiện") each.

A task's schedule (``every``: once, week, month, quarter, half_year, year, or an RFC 5545
rule) cuts its active dates into periods with stable keys (2020-W14, 2020-03, 2020-Q1,
2020-H1, 2020, or the rule's date); each period's due date follows the schedule's ``due``
form, counted in working days, and rolls off non-working days as the plan says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from dateutil.rrule import rrulestr

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
        out, previous = [], start
        for moment in rule.between(
            dt.datetime.combine(start, dt.time()), dt.datetime.combine(until, dt.time()), inc=True
        ):
            day = moment.date()
            out.append(Period(day.isoformat(), previous, day))
            previous = day + ONE_DAY
        return out
    return [
        Period(p.key, max(p.start, start), min(p.end, until))
        for p in _calendar_periods(schedule.every, start, until)
    ]


def due_date(
    schedule: Schedule, period: Period, calendar: WorkCalendar, roll: str = "next"
) -> dt.date:
    """The deadline of ``period`` under ``schedule``'s ``due`` form, on a working day."""
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
