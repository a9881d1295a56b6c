"""Putting messages to officers into the outbox, by their contact points and preferences.

Every message goes in as one outbox row per channel the officer uses (email, and each Apprise
URL), under an idempotency key, so enqueuing the same notice twice adds nothing. Officers who
chose a daily digest get no individual reminders; officers who asked for quiet get nothing
outside working days and hours except escalations, which always go at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert
from sqlmodel import Session, select

from domain.i18n import Lang, normalize_lang
from domain.quiet import next_allowed
from domain.workdays import WorkCalendar
from models import Officer, OutboxMessage, UnitRecord
from notifications.render import Rendered, render

URGENT = frozenset({"escalation", "dead_letter"})
CCHC_OFFICER = "cchc_officer"


@dataclass(frozen=True)
class Recipient:
    """Who a notice goes to, with their preferences (defaults for people not in the roster)."""

    email: str
    name: str
    channels: tuple[str, ...] = ("email",)
    apprise_urls: tuple[str, ...] = ()
    digest: bool = False
    quiet: bool = True
    lang: Lang = "vi"

    @classmethod
    def of(cls, officer: Officer) -> Recipient:
        return cls(
            email=officer.email,
            name=officer.name,
            channels=tuple(officer.channels or ["email"]),
            apprise_urls=tuple(officer.apprise_urls or []),
            digest=officer.digest,
            quiet=officer.quiet,
            lang=normalize_lang(officer.lang),
        )


def recipient(session: Session, unit_id: int, email: str, name: str = "") -> Recipient:
    officer = session.exec(
        select(Officer).where(Officer.unit_id == unit_id, Officer.email == email)
    ).first()
    return (
        Recipient.of(officer) if officer is not None else Recipient(email=email, name=name or email)
    )


def insert_ignore(session: Session, model: type, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Insert = pg_insert(model).values(**values).on_conflict_do_nothing()
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(model).values(**values).on_conflict_do_nothing()
    # RETURNING, not rowcount: PostgreSQL drivers may report -1 for a skipped conflict
    keys = list(model.__table__.primary_key.columns)  # type: ignore[attr-defined]
    return session.execute(stmt.returning(*keys)).first() is not None


def enqueue(
    session: Session,
    *,
    to: Recipient,
    kind: str,
    key: str,
    rendered: Rendered,
    now: dt.datetime,
    calendar: WorkCalendar,
    timezone: str,
    unit_id: int | None,
    occurrence_id: int | None = None,
    cc: tuple[str, ...] = (),
    reply_to: str = "",
) -> int:
    """Add the notice for each of the recipient's channels; returns the rows added."""
    if to.digest and kind == "reminder":
        return 0  # the daily digest carries it
    when = now if kind in URGENT or not to.quiet else next_allowed(now, calendar, timezone)
    targets: list[tuple[str, str, str]] = []
    if "email" in to.channels or not to.apprise_urls:
        targets.append(("email", to.email, f"{key}:{to.email}"))
    if "apprise" in to.channels:
        for url in to.apprise_urls:
            digest = hashlib.sha256(url.encode()).hexdigest()[:12]
            targets.append(("apprise", url, f"{key}:apprise:{digest}"))
    added = 0
    for channel, address, row_key in targets:
        added += insert_ignore(
            session,
            OutboxMessage,
            {
                "key": row_key,
                "unit_id": unit_id,
                "occurrence_id": occurrence_id,
                "kind": kind,
                "channel": channel,
                "recipient": address,
                "recipient_name": to.name,
                "cc": list(cc) if channel == "email" else [],
                "subject": rendered.subject,
                "body": rendered.text,
                "html": rendered.html if channel == "email" else "",
                "reply_to": reply_to,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
                "next_attempt_at": when,
                "last_error": "",
            },
        )
    return added


def render_for(to: Recipient, kind: str, context_for: Any) -> Rendered:
    """Render ``kind`` in the recipient's language; ``context_for(lang)`` builds the context."""
    return render(kind, context_for(to.lang), to.lang)


def cchc_officers(session: Session, unit_id: int, on: dt.date) -> list[Recipient]:
    """The officers holding the CCHC-officer position of a unit on a date."""
    from responsibilities.holding import holders
    from storage.officers import holdings

    found = holders(holdings(session=session, unit_id=unit_id), CCHC_OFFICER, on)
    return [recipient(session, unit_id, h.officer, h.name) for h in found]


def notify_dead(session: Session, row: OutboxMessage, now: dt.datetime) -> None:
    """Tell the unit's CCHC officer that a message could not be delivered."""
    from notifications.render import dead_letter_context
    from storage.calendar import load_calendar

    if row.kind == "dead_letter" or row.unit_id is None:
        return  # never a notice about a notice
    unit = session.get(UnitRecord, row.unit_id)
    timezone = "Asia/Ho_Chi_Minh"
    today = now.astimezone(dt.UTC).date()
    calendar = load_calendar(session=session, years=[today.year])
    for to in cchc_officers(session, row.unit_id, today):
        context = dead_letter_context(
            lang=to.lang,
            unit_name=unit.name if unit else "",
            recipient_name=to.name,
            outbox_id=row.id or 0,
            original_recipient=row.recipient,
            channel=row.channel,
            subject=row.subject,
            attempts=row.attempts,
            last_error=row.last_error,
        )
        enqueue(
            session,
            to=to,
            kind="dead_letter",
            key=f"dead:{row.id}",
            rendered=render("dead_letter", context, to.lang),
            now=now,
            calendar=calendar,
            timezone=timezone,
            unit_id=row.unit_id,
        )
