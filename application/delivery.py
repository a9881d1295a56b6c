"""Delivering the outbox: each claimed message through its channel, each outcome recorded.

Rows are claimed by ``storage.outbox.claim`` (so two workers never send the same row); this
module re-checks each against the occurrences it is about (``application.freshness``: dropped
when the work is done, superseded by a newer message, else rendered again with the day's
figures), sends it through the channels built at start-up dated when it goes, and
moves the row to ``sent``, back to ``pending`` with a backoff, or to ``dead`` — then tells the
CCHC officer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from contextlib import ExitStack

from sqlalchemy import Engine
from sqlmodel import Session

from application.freshness import Freshness
from models import OutboxMessage
from notifications.channels import Channel, DeliveryError, Outgoing
from storage.outbox import DEAD, MAX_ATTEMPTS, PENDING, SENT, DeliveryReport, backoff, claim


def outgoing(row: OutboxMessage, now: dt.datetime | None = None) -> Outgoing:
    """The row as a channel sends it, dated when it is sent: the time it was due to go (the
    end of quiet hours, a retry's time), which a re-send after a crash keeps, so the copy is
    the same mail; ``now`` when it has none."""
    return Outgoing(
        key=row.key,
        kind=row.kind,
        recipient=row.recipient,
        recipient_name=row.recipient_name,
        subject=row.subject,
        body=row.body,
        cc=tuple(row.cc),
        created_at=row.created_at,
        html=row.html,
        reply_to=row.reply_to,
        channel=row.channel,
        date=row.next_attempt_at or now,
    )


OnDead = Callable[[Session, OutboxMessage, dt.datetime], None]


def deliver(
    engine: Engine,
    channels: Mapping[str, Channel],
    *,
    now: dt.datetime,
    limit: int = 1000,
    max_attempts: int = MAX_ATTEMPTS,
    on_dead: OnDead | None = None,
) -> DeliveryReport:
    """One delivery pass: claim due rows, send each through its channel, record the outcome.

    Each outcome is committed as soon as it is known, so a crash re-sends at most the one
    message in flight (still ``sending``: claimed again when its lease ends and re-sent with
    the same Message-ID). Whatever goes wrong while preparing or sending one message fails
    that message alone (an attempt counted, a retry after a backoff, ``dead`` after
    ``max_attempts``), never the pass.
    """
    report = DeliveryReport()
    with ExitStack() as stack:
        for channel in channels.values():
            if hasattr(channel, "__enter__"):
                stack.enter_context(channel)  # type: ignore[arg-type]
        rows = claim(engine, now=now, limit=limit)
        report.claimed = len(rows)
        if not rows:
            return report
        with Session(engine, expire_on_commit=False) as session:
            fresh = Freshness(session, now)
            for row in rows:
                session.add(row)
                _deliver_one(
                    session, fresh, row, channels, now=now, report=report, max_attempts=max_attempts
                )
                row.claim_token = None
                if row.status == DEAD and on_dead is not None:
                    _tell(session, row, now, on_dead)
                session.add(row)
                session.commit()
    return report


def _tell(session: Session, row: OutboxMessage, now: dt.datetime, on_dead: OnDead) -> None:
    """Run ``on_dead`` for a row just dead; when that fails, the row is dead all the same
    (the reason added to its error) and the pass goes on."""
    outcome = {name: getattr(row, name) for name in ("status", "claim_token", "last_error")}
    try:
        on_dead(session, row, now)
    except Exception as exc:
        session.rollback()  # no half-written notice
        for name, value in outcome.items():
            setattr(row, name, value)
        row.last_error = f"{row.last_error} (not reported: {type(exc).__name__}: {exc})"[:500]


def _deliver_one(
    session: Session,
    fresh: Freshness,
    row: OutboxMessage,
    channels: Mapping[str, Channel],
    *,
    now: dt.datetime,
    report: DeliveryReport,
    max_attempts: int,
) -> None:
    """Re-check ``row``, send it and set its outcome (not committed)."""
    try:
        if fresh.recheck(row) is not None:
            report.dropped += 1
            return
        channel = channels.get(row.channel)
        if channel is None:
            raise DeliveryError(f"no channel configured for {row.channel!r}")
        channel.send(outgoing(row, now))
    except (DeliveryError, OSError) as exc:
        _failed(row, str(exc), now=now, report=report, max_attempts=max_attempts)
    except Exception as exc:
        # one message's fault (a name a header cannot take, a row that cannot be rendered):
        # recorded on that message, never the pass's; nothing half-prepared is kept
        session.rollback()
        error = f"{type(exc).__name__}: {exc}"
        _failed(row, error, now=now, report=report, max_attempts=max_attempts)
    else:
        row.status, row.sent_at, row.last_error = SENT, now, ""
        report.sent += 1


def _failed(
    row: OutboxMessage, error: str, *, now: dt.datetime, report: DeliveryReport, max_attempts: int
) -> None:
    row.last_error = error[:500]
    if row.attempts >= max_attempts:
        row.status = DEAD
        report.dead += 1
    else:
        row.status, row.next_attempt_at = PENDING, now + backoff(row.attempts)
        report.retried += 1
