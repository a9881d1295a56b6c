"""Composing messages to officers and putting them into the outbox, by their contact points and preferences.

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

from sqlmodel import Session, select

from application.approvals import approvers
from application.composer import ACCEPTED, ASSIGNMENT, Item, compose, facts
from domain.i18n import Lang, normalize_lang
from domain.lifecycle import RETURNED, SUBMITTED
from domain.plan import Task
from domain.quiet import next_allowed
from domain.workdays import WorkCalendar
from models import Occurrence, Officer, OutboxMessage, UnitRecord
from notifications.render import Rendered, render
from storage.db import insert_ignore
from storage.occurrences import Context

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
    facts: dict[str, Any] | None = None,
    urgent: bool | None = None,
) -> int:
    """Add the notice for each of the recipient's channels; returns the rows added.

    ``facts`` (what the message is about: ``application.composer.facts``) let delivery
    re-check it when it is sent; ``urgent`` overrides the kind's urgency (a bundle carrying
    an escalation is urgent)."""
    rows = outbox_rows(
        to=to,
        kind=kind,
        key=key,
        rendered=rendered,
        now=now,
        calendar=calendar,
        timezone=timezone,
        unit_id=unit_id,
        occurrence_id=occurrence_id,
        cc=cc,
        reply_to=reply_to,
        facts=facts,
        urgent=urgent,
    )
    return sum(insert_ignore(session, OutboxMessage, row) for row in rows)


def outbox_rows(
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
    facts: dict[str, Any] | None = None,
    urgent: bool | None = None,
) -> list[dict[str, Any]]:
    """The outbox rows ``enqueue`` adds (none for a reminder to a digest reader), for a
    caller that writes many notices' rows at once."""
    if to.digest and kind == "reminder":
        return []  # the daily digest carries it
    urgent = kind in URGENT if urgent is None else urgent
    when = now if urgent or not to.quiet else next_allowed(now, calendar, timezone)
    targets: list[tuple[str, str, str]] = []
    if "email" in to.channels or not to.apprise_urls:
        targets.append(("email", to.email, f"{key}:{to.email}"))
    if "apprise" in to.channels:
        for url in to.apprise_urls:
            digest = hashlib.sha256(url.encode()).hexdigest()[:12]
            targets.append(("apprise", url, f"{key}:apprise:{digest}"))
    return [
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
            "facts": dict(facts or {}),
        }
        for channel, address, row_key in targets
    ]


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
    from domain.clock import local_today
    from storage.plans import unit_timezone

    timezone = unit_timezone(session=session, unit_id=row.unit_id)
    today = local_today(now, timezone)
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


def notify_review(
    ctx: Context, occ: Occurrence, action: str, *, reviewer: str, reason: str | None
) -> None:
    """Tell the lead officer their submission was accepted or returned (with the reason)."""
    kind = RETURNED if action == "return" else ACCEPTED
    _notify_lead(ctx, occ, Item(occ.id or 0, kind, by=reviewer, reason=reason or ""))


def notify_assignment(ctx: Context, occ: Occurrence) -> None:
    """Tell an officer that work was routed to them (a holder change)."""
    officer = ctx.officers.get(occ.officer_id or -1)
    key = f"occ{occ.id}:assignment:{officer.id if officer else ''}:{ctx.today}"
    _notify_lead(ctx, occ, Item(occ.id or 0, ASSIGNMENT, since=ctx.today), key=key)


def _notify_lead(ctx: Context, occ: Occurrence, item: Item, key: str | None = None) -> None:
    officer = ctx.officers.get(occ.officer_id or -1)
    if officer is None:
        return
    tell_officer(ctx, occ, officer.email, officer.name, item, key=key)


def tell_officer(
    ctx: Context,
    occ: Occurrence,
    email: str,
    name: str,
    item: Item,
    *,
    key: str | None = None,
    urgent: bool | None = None,
) -> int:
    """Put ``item`` about ``occ`` into the outbox for the officer ``email``, composed in their
    language, to each of their channels; returns the rows added (0: ``key`` was there)."""
    to = recipient(ctx.session, occ.unit_id, email, name)
    kind, rendered = compose(ctx, [item], lang=to.lang, recipient_name=to.name)
    return enqueue(
        ctx.session,
        to=to,
        kind=kind,
        key=key or f"occ{occ.id}:{kind}:{ctx.now.isoformat()}",
        rendered=rendered,
        now=ctx.now,
        calendar=ctx.calendar,
        timezone=ctx.plan.timezone,
        unit_id=occ.unit_id,
        occurrence_id=occ.id,
        facts=facts(to.email, [item]),
        urgent=urgent,
    )


def notify_submission(ctx: Context, occ: Occurrence, task: Task, *, submitter: str) -> int:
    """Tell whoever reviews a submission that it waits for them (never the submitter);
    returns how many reviewers were told."""
    told = 0
    for email, name, role in approvers(ctx, task, occ.submitted_by):
        to = recipient(ctx.session, occ.unit_id, email, name)
        item = Item(occ.id or 0, SUBMITTED, role=role, by=submitter, reason=occ.reason)
        kind, rendered = compose(ctx, [item], lang=to.lang, recipient_name=to.name)
        told += bool(
            enqueue(
                ctx.session,
                to=to,
                kind=kind,
                key=f"occ{occ.id}:{kind}:{ctx.now.isoformat()}",
                rendered=rendered,
                now=ctx.now,
                calendar=ctx.calendar,
                timezone=ctx.plan.timezone,
                unit_id=occ.unit_id,
                occurrence_id=occ.id,
                facts=facts(to.email, [item]),
            )
        )
    return told
