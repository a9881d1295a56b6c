"""Administration — "quản trị": the database, the working-day calendar and the outbox.

The calendar and the outbox are shared by the whole installation; a change asks the policy
(``calendar.edit``, ``outbox.retry``: the CCHC officer, the chairman or the operator) for the
unit named, or the only unit — and while there is no unit yet, only the operator may. Reading
them needs no permission. Delivering the outbox by hand is the ``deliver`` job
(``application.jobs.run_by_hand``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from application.access import Gate, Identity
from application.plans import authorize, installation_unit
from application.uow import UnitOfWork
from domain.errors import CchcError, Conflict, LocalizedError, NotFoundError
from domain.i18n import Lang
from domain.workdays import MAX_WORKING_DAYS
from models import OutboxMessage, UnitRecord
from storage.db import get_row

if TYPE_CHECKING:
    from pathlib import Path

    from application.settings import Settings

# --- the database ------------------------------------------------------------------------------


def installation(settings: Settings) -> UnitOfWork:
    """A unit of work on the installation's database as it is, not yet brought to the current
    schema (what ``init`` starts from)."""
    from application.audit_key import read_key
    from storage.db import make_engine

    if settings.embedded:
        settings.home.mkdir(parents=True, exist_ok=True)
    key = read_key(settings.audit_key_path)
    return UnitOfWork(make_engine(settings.database_url, audit_key=key))


@dataclass(frozen=True)
class Initialised:
    """The schema revision before and after ``init``."""

    before: str | None
    revision: str | None
    mode: str = "live"  # "live" | "simulation"

    def as_dict(self) -> dict[str, Any]:
        return {"revision": self.revision, "mode": self.mode}


def init(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    key_path: Path | None = None,
    simulation: bool = False,
) -> Initialised:
    """Create or upgrade the database schema (idempotent). The operator may; so may an officer
    administering every unit with a plan, once the schema is current (re-running it then
    changes nothing). The policy has no action of its own for this: it is asked as for
    loading a plan. The audit key at ``key_path`` is created if missing (never for a log that
    is already keyed); ``simulation`` makes a new database a simulation (``--now`` accepted
    for changes) — a database with history keeps its mode."""
    from storage.migrate import current_revision, head_revision, upgrade
    from storage.units import units_with_plans

    before = current_revision(uow.engine)
    if identity.kind != "operator":
        if before != head_revision(uow.engine):
            # no holdings to read and no audit log to remember the attempt in: only the
            # operator may create or upgrade the schema
            from domain.clock import DEFAULT_TIMEZONE, local_today
            from responsibilities.policy import Subject

            Gate(0, [], {}).check(
                identity,
                "plan.load",
                Subject(),
                on=local_today(now, DEFAULT_TIMEZONE),
                entity="database",
                key="init",
            )
        with uow as session:
            units: list[UnitRecord | None] = [*units_with_plans(session=session)] or [None]
            for unit_row in units:
                authorize(
                    session, identity, now, unit_row, "plan.load", entity="database", key="init"
                )
        return Initialised(before, before, _settle(uow, key_path, simulation=simulation))
    return Initialised(*upgrade(uow.engine), _settle(uow, key_path, simulation=simulation))


def _settle(uow: UnitOfWork, key_path: Path | None, *, simulation: bool) -> str:
    """The audit key and the mode after ``init``; returns the mode."""
    from application.audit_key import attach_key
    from storage.db import transaction
    from storage.installation import SIMULATION, installation_mode, set_mode

    engine = attach_key(key_path, uow.engine, create=True) if key_path else uow.engine
    with transaction(engine) as session:
        if simulation:
            set_mode(SIMULATION, session=session)
        return installation_mode(session=session)


# --- the working-day calendar ------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    """A day that is not an ordinary weekday or weekend: a holiday, a day off, a make-up day."""

    date: dt.date
    working: bool
    reason: str
    kind: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "working": self.working,
            "reason": self.reason,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class CalendarYear:
    year: int
    working_days: int
    days: tuple[CalendarDay, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "working_days": self.working_days,
            "days": [d.as_dict() for d in self.days],
        }


def calendar_year(uow: UnitOfWork, *, year: int, lang: str = "vi") -> CalendarYear:
    """Holidays, days off and make-up working days of ``year``, and its working days; the
    holidays are named in ``lang``."""
    from storage.calendar import load_calendar

    with uow as session:
        cal = load_calendar(session=session, years=[year], lang=lang)
    days = tuple(
        CalendarDay(
            d,
            working,
            why,
            "make_up" if working else ("override" if d in cal.days_off else "holiday"),
        )
        for d, working, why in cal.days(year)
    )
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    total = sum(
        cal.is_working(first + dt.timedelta(days=i)) for i in range((last - first).days + 1)
    )
    return CalendarYear(year, total, days)


@dataclass(frozen=True)
class OverrideSet:
    day: dt.date
    working: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "working": self.working, "reason": self.reason}


def set_override(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    day: dt.date,
    working: bool,
    reason: str,
    unit: str | None = None,
) -> OverrideSet:
    """Make ``day`` a day off or a make-up working day, with its legal source."""
    from storage.calendar import set_override as store_override

    with uow as session:
        authorize(
            session,
            identity,
            now,
            installation_unit(session, unit),
            "calendar.edit",
            entity="calendar_override",
            key=day.isoformat(),
        )
        store_override(day, working, reason, session=session, actor=identity.audit_name, now=now)
    return OverrideSet(day, working, reason)


@dataclass(frozen=True)
class OverrideCleared:
    day: dt.date
    cleared: bool

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "cleared": self.cleared}


def clear_override(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, day: dt.date, unit: str | None = None
) -> OverrideCleared:
    """Remove the override of ``day`` (it is an ordinary day again); ``cleared`` False when
    there was none."""
    from storage.calendar import clear_override as store_clear

    with uow as session:
        authorize(
            session,
            identity,
            now,
            installation_unit(session, unit),
            "calendar.edit",
            entity="calendar_override",
            key=day.isoformat(),
        )
        cleared = store_clear(day, session=session, actor=identity.audit_name, now=now)
    return OverrideCleared(day, cleared)


@dataclass(frozen=True)
class WorkingDaysLater:
    start: dt.date
    n: int
    date: dt.date

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "working_days": self.n,
            "date": self.date.isoformat(),
        }


def add_working_days(uow: UnitOfWork, *, start: dt.date, n: int) -> WorkingDaysLater:
    """The date ``n`` working days after ``start`` (before it when ``n`` < 0)."""
    from storage.calendar import load_calendar

    if abs(n) > MAX_WORKING_DAYS:
        raise LocalizedError("error.working_days_out_of_range", n=n, max=MAX_WORKING_DAYS)
    with uow as session:
        cal = load_calendar(session=session, years=[start.year])
    try:
        return WorkingDaysLater(start, n, cal.add(start, n))
    except OverflowError:  # past year 9999 (or before year 1)
        raise LocalizedError("error.date_out_of_range", day=start, n=n) from None


# --- the outbox --------------------------------------------------------------------------------

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "dead", "dropped", "superseded")


def _moment(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class OutboxEntry:
    """A message on its way (or delivered); ``body`` and ``html`` only when shown alone."""

    id: int
    key: str
    kind: str
    channel: str
    status: str
    recipient: str
    recipient_name: str
    cc: tuple[str, ...]
    subject: str
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    last_error: str | None
    body: str | None = None
    html: str | None = None

    @classmethod
    def of(cls, row: OutboxMessage, *, full: bool = False) -> OutboxEntry:
        return cls(
            row.id or 0,
            row.key,
            row.kind,
            row.channel,
            row.status,
            row.recipient,
            row.recipient_name,
            tuple(row.cc),
            row.subject,
            row.attempts,
            row.created_at,
            row.next_attempt_at,
            row.sent_at,
            row.last_error or None,
            row.body if full else None,
            (row.html or None) if full else None,
        )

    def as_dict(self, *, full: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "key": self.key,
            "kind": self.kind,
            "channel": self.channel,
            "status": self.status,
            "recipient": self.recipient,
            "recipient_name": self.recipient_name,
            "cc": list(self.cc),
            "subject": self.subject,
            "attempts": self.attempts,
            "created_at": _moment(self.created_at),
            "next_attempt_at": _moment(self.next_attempt_at),
            "sent_at": _moment(self.sent_at),
            "last_error": self.last_error,
        }
        if full:
            out["body"], out["html"] = self.body, self.html
        return out


def outbox_messages(
    uow: UnitOfWork, *, status: Sequence[str] = (), limit: int = 100
) -> list[OutboxEntry]:
    """Messages in the outbox, newest first (only those in ``status`` when given)."""
    with uow as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)
        if status:
            query = query.where(col(OutboxMessage.status).in_(list(status)))
        return [OutboxEntry.of(row) for row in session.exec(query)]


def outbox_message(uow: UnitOfWork, *, message_id: int) -> OutboxEntry:
    """One message, with its body."""
    with uow as session:
        row = get_row(session, OutboxMessage, message_id)
        if row is None:
            raise NotFoundError("error.message_not_found", id=message_id)
        return OutboxEntry.of(row, full=True)


@dataclass(frozen=True)
class Retried:
    count: int

    def as_dict(self) -> dict[str, Any]:
        return {"retried": self.count}


def retry(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    ids: Sequence[int] = (),
    dead: bool = False,
    unit: str | None = None,
) -> Retried:
    """Put messages (by id, or every dead one) back in the queue at once."""
    from storage.outbox import retry as store_retry

    with uow as session:
        unit_row = installation_unit(session, unit)
        authorize(
            session,
            identity,
            now,
            unit_row,
            "outbox.retry",
            entity="outbox",
            key=",".join(str(i) for i in ids) or "dead",
        )
        changed = store_retry(session=session, now=now, ids=list(ids), dead=dead)
        for row, before in changed:
            _audit_retry(session, identity, now, unit_row, row, before)
    return Retried(len(changed))


def _audit_retry(
    session: Session,
    identity: Identity,
    now: dt.datetime,
    unit_row: UnitRecord | None,
    row: OutboxMessage,
    before: dict[str, object],
) -> None:
    """One ``outbox_retry`` audit entry per message put back in the queue, whichever front end."""
    from storage.audit import record

    record(
        session=session,
        actor=identity.audit_name,
        now=now,
        action="outbox_retry",
        entity="outbox",
        key=str(row.id),
        unit_id=unit_row.id if unit_row is not None else None,
        before=before,
        after={"status": row.status, "attempts": row.attempts},
    )


# --- the outbox in the browser ("Hộp thư đi"): read by whoever reads the audit log -------------

OUTBOX_PAGE_SIZE = 50


class OutboxError(CchcError):
    """A request about the outbox that cannot be met, worded in the application catalogue."""

    key = "outbox.error"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: Lang = "vi") -> str:
        from application.messages import t

        return t(self.key, lang, **self.params)


class NotDead(OutboxError, Conflict):
    """Only a message that could not be delivered ("dead") is sent again by hand."""

    key = "outbox.not_dead"


class BadOutboxStatus(OutboxError):
    key = "outbox.bad_status"


@dataclass(frozen=True)
class OutboxPage:
    """One page of the outbox, newest first; ``older``: the id to continue from."""

    messages: list[OutboxEntry]
    older: int | None


def _may_read_outbox(session: Any, identity: Identity, now: dt.datetime, key: str) -> None:
    """The outbox holds what was written to every officer: reading it is ``audit.read``."""
    authorize(
        session, identity, now, installation_unit(session, None), "audit.read",
        entity="outbox", key=key,
    )  # fmt: skip


def outbox_page(
    uow: UnitOfWork,
    identity: Identity,
    now: dt.datetime,
    *,
    status: Sequence[str] = (),
    before: int | None = None,
    limit: int = OUTBOX_PAGE_SIZE,
) -> OutboxPage:
    """The Hộp thư đi page: at most ``limit`` messages older than ``before`` (keyset
    pagination), only those in ``status`` when given."""
    for value in status:
        if value not in OUTBOX_STATUSES:
            raise BadOutboxStatus(value=value, known=", ".join(OUTBOX_STATUSES))
    with uow as session:
        _may_read_outbox(session, identity, now, "")
        timezone = _outbox_timezone(session)
        query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit + 1)
        if status:
            query = query.where(col(OutboxMessage.status).in_(list(status)))
        if before is not None:
            query = query.where(col(OutboxMessage.id) < before)
        rows = [_local(OutboxEntry.of(row), timezone) for row in session.exec(query)]
    more = len(rows) > limit
    rows = rows[:limit]
    return OutboxPage(rows, rows[-1].id if more and rows else None)


def read_outbox_message(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, message_id: int
) -> OutboxEntry:
    """One message with its body, for a reader of the log (``audit.read``)."""
    with uow as session:
        _may_read_outbox(session, identity, now, str(message_id))
        row = get_row(session, OutboxMessage, message_id)
        if row is None:
            raise NotFoundError("error.message_not_found", id=message_id)
        return _local(OutboxEntry.of(row, full=True), _outbox_timezone(session))


def _outbox_timezone(session: Any) -> str:
    """The wall clock the outbox's times are shown on: the only unit's, else Vietnam's."""
    from domain.clock import DEFAULT_TIMEZONE
    from storage.plans import unit_timezone
    from storage.units import units_with_plans

    units = units_with_plans(session=session)
    if len(units) == 1:
        return unit_timezone(session=session, unit_id=units[0].id or 0)
    return DEFAULT_TIMEZONE


def _local(entry: OutboxEntry, timezone: str) -> OutboxEntry:
    from dataclasses import replace

    from domain.clock import local_moment

    def on_wall(moment: dt.datetime | None) -> dt.datetime | None:
        return local_moment(moment, timezone) if moment is not None else None

    return replace(
        entry,
        created_at=local_moment(entry.created_at, timezone),
        next_attempt_at=on_wall(entry.next_attempt_at),
        sent_at=on_wall(entry.sent_at),
    )


def retry_dead(
    uow: UnitOfWork, identity: Identity, now: dt.datetime, *, message_id: int
) -> OutboxEntry:
    """ "Gửi lại" on the Hộp thư đi page: put one dead letter back in the queue at once
    (``outbox.retry``, as ``cchc outbox retry ID``); a message that is not dead is a conflict
    (409). The retry is written to the audit log."""
    from storage.outbox import DEAD
    from storage.outbox import retry as store_retry

    with uow as session:
        unit_row = installation_unit(session, None)
        authorize(
            session, identity, now, unit_row, "outbox.retry",
            entity="outbox", key=str(message_id),
        )  # fmt: skip
        row = get_row(session, OutboxMessage, message_id)
        if row is None:
            raise NotFoundError("error.message_not_found", id=message_id)
        if row.status != DEAD:
            raise NotDead(id=message_id, status=row.status)
        for changed, before in store_retry(session=session, now=now, ids=[message_id]):
            _audit_retry(session, identity, now, unit_row, changed, before)
        return OutboxEntry.of(row)
