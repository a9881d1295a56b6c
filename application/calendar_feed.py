"""Lịch — an officer's deadlines as a month on the unit's working calendar, and a private
iCalendar subscription address ("lịch đăng ký") for their own calendar program.

The subscription's secret token is the only credential of its address: it is stored hashed,
shown once when created or renewed (renewing replaces it), and stops working when revoked or
when the officer holds no position any more. Creating, renewing and revoking are the
officer's own (the policy's ``account.token``, like their API tokens) and audited.
"""

from __future__ import annotations

import calendar as months
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from application.access import Identity
from application.identity import IdentityError, NotInPost, own_officer
from application.uow import UnitOfWork
from domain.clock import local_today, require_aware
from domain.errors import NotFound
from domain.i18n import normalize_lang
from domain.occurrence import OccurrenceView
from models import Account, CalendarFeed, UnitRecord
from storage import identity as store
from storage.audit import record
from storage.calendar import load_calendar
from storage.plans import unit_timezone

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class FeedNotFound(IdentityError, NotFound):
    """No calendar subscription has this address (unknown, renewed or revoked)."""

    key = "calendar.feed_not_found"


class BadMonth(IdentityError):
    """``?thang=`` is no year-month."""

    key = "calendar.bad_month"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Day:
    """One day of the month grid: ``holiday`` names a holiday or day off, ``due`` lists the
    officer's occurrences due that day."""

    date: dt.date
    in_month: bool
    working: bool
    holiday: str
    due: tuple[OccurrenceView, ...]


@dataclass(frozen=True)
class Month:
    """A month of the officer's deadlines, Monday first, with the subscription's state."""

    month: str  # 2020-07
    previous: str
    following: str
    weeks: tuple[tuple[Day, ...], ...]
    today: dt.date
    feed_since: dt.datetime | None  # when the subscription in use was made, or None


def _month(value: str | None, today: dt.date) -> tuple[int, int]:
    if not value:
        return today.year, today.month
    found = MONTH.match(value.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise BadMonth(value=value[:20])
    return int(found.group(1)), int(found.group(2))


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _my_tasks(uow: UnitOfWork, now: dt.datetime, email: str, unit: str, lang: str) -> list:  # type: ignore[type-arg]
    from application.occurrences import TaskFilter, list_tasks

    return list_tasks(uow, now, unit=unit, where=TaskFilter(officer=email), lang=lang)


def my_month(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, month: str | None, lang: str = "vi"
) -> Month:
    """The acting officer's deadlines in ``month`` (``2020-07``; this month when None), on
    their unit's working calendar with its holidays named in ``lang``."""
    require_aware(now)
    with uow as session:
        officer = own_officer(session, identity, now)
        timezone = unit_timezone(session=session, unit_id=officer.unit_id)
        today = local_today(now, timezone)
        year, number = _month(month, today)
        work = load_calendar(session=session, years=[year], lang=lang)
        unit = session.get(UnitRecord, officer.unit_id)
        account = store.get_account(officer.email, session=session)
        feed = _feed_of(session, account)
        since = feed.created_at if feed is not None else None
        email, unit_code = officer.email, unit.code if unit else ""
    views = _my_tasks(uow, now, email, unit_code, lang)
    weeks: list[tuple[Day, ...]] = []
    for week in months.Calendar(firstweekday=0).monthdatescalendar(year, number):
        days = []
        for day in week:
            named = work.working.get(day) or work.days_off.get(day) or (work.holiday(day) or "")
            due = tuple(v for v in views if v.due_date == day)
            days.append(Day(day, day.month == number, work.is_working(day), named, due))
        weeks.append(tuple(days))
    return Month(
        f"{year:04d}-{number:02d}",
        _shift(year, number, -1),
        _shift(year, number, 1),
        tuple(weeks),
        today,
        since,
    )


def _feed_of(session, account: Account | None) -> CalendarFeed | None:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    if account is None:
        return None
    row = session.exec(select(CalendarFeed).where(CalendarFeed.account_id == account.id)).first()
    return row if row is not None and row.revoked_at is None else None


def renew_feed(uow: UnitOfWork, identity: Identity, now: dt.datetime) -> str:
    """A new secret token for the acting officer's subscription (any earlier one stops
    working); returned once, stored hashed. Audited."""
    from sqlmodel import select

    require_aware(now)
    with uow as session:
        officer = own_officer(session, identity, now, "account.token")
        account = store.ensure_account(officer.email, session=session, now=now)
        row = session.exec(
            select(CalendarFeed).where(CalendarFeed.account_id == account.id)
        ).first()
        if row is None:
            row = CalendarFeed(account_id=account.id or 0, token_hash="")
            session.add(row)
        token = secrets.token_urlsafe(32)
        row.token_hash, row.created_at = _digest(token), now
        row.last_used_at = row.revoked_at = None
        session.flush()
        record(session=session, actor=identity.audit_name, now=now, action="calendar_feed_created",
               entity="account", key=officer.email)  # fmt: skip
        return token


def revoke_feed(uow: UnitOfWork, identity: Identity, now: dt.datetime) -> bool:
    """End the acting officer's subscription address; whether there was one. Audited."""
    require_aware(now)
    with uow as session:
        officer = own_officer(session, identity, now, "account.token")
        row = _feed_of(session, store.get_account(officer.email, session=session))
        if row is None:
            return False
        row.revoked_at = now
        record(session=session, actor=identity.audit_name, now=now, action="calendar_feed_revoked",
               entity="account", key=officer.email)  # fmt: skip
        return True


def feed_calendar(uow: UnitOfWork, *, token: str, now: dt.datetime) -> str:
    """The iCalendar document the subscription address ``token`` serves: its officer's
    deadlines, in their language. ``FeedNotFound`` when unknown, revoked, or the officer
    holds no position any more."""
    from sqlmodel import select

    from domain.ics import calendar_feed

    require_aware(now)
    with uow as session:
        row = session.exec(
            select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token))
        ).first() if token else None  # fmt: skip
        account = session.get(Account, row.account_id) if row is not None else None
        if row is None or account is None or row.revoked_at is not None:
            raise FeedNotFound()
        officer = store.officer_in_post(account.email, session=session, now=now)
        if officer is None:
            raise FeedNotFound()
        row.last_used_at = now
        unit = session.get(UnitRecord, officer.unit_id)
        timezone = unit_timezone(session=session, unit_id=officer.unit_id)
        email, name, lang = officer.email, officer.name, normalize_lang(officer.lang)
        unit_code = unit.code if unit else ""
    views = _my_tasks(uow, now, email, unit_code, lang)
    return calendar_feed(views, stamp=now, name=f"CCHC — {name}", lang=lang, timezone=timezone)


__all__ = ["FeedNotFound", "Month", "NotInPost", "feed_calendar", "my_month", "renew_feed",
           "revoke_feed"]  # fmt: skip
