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
    batch: int = 50,
) -> DeliveryReport:
    """One delivery pass: claim due rows, send each through its channel, record the outcome.

    Outcomes are committed every ``batch`` messages; a crash in between leaves those rows in
    ``sending`` until the lease ends, and they are re-sent with the same Message-ID.
    """
    report = DeliveryReport()
    rows = claim(engine, now=now, limit=limit)
    report.claimed = len(rows)
    if not rows:
        return report
    with ExitStack() as stack, Session(engine, expire_on_commit=False) as session:
        opened: dict[str, Channel] = {}
        fresh = Freshness(session, now)
        for n, row in enumerate(rows, start=1):
            session.add(row)
            if fresh.recheck(row) is not None:
                row.claim_token = None
                report.dropped += 1
                if n % batch == 0:
                    session.commit()
                continue
            channel = opened.get(row.channel)
            if channel is None and row.channel in channels:
                channel = channels[row.channel]
                enter = getattr(channel, "__enter__", None)
                if enter is not None:
                    stack.enter_context(channel)  # type: ignore[arg-type]
                opened[row.channel] = channel
            try:
                if channel is None:
                    raise DeliveryError(f"no channel configured for {row.channel!r}")
                channel.send(outgoing(row, now))
            except (DeliveryError, OSError) as exc:
                row.last_error = str(exc)[:500]
                if row.attempts >= max_attempts:
                    row.status = DEAD
                    report.dead += 1
                    if on_dead is not None:
                        on_dead(session, row, now)
                else:
                    row.status, row.next_attempt_at = PENDING, now + backoff(row.attempts)
                    report.retried += 1
            else:
                row.status, row.sent_at, row.last_error = SENT, now, ""
                report.sent += 1
            row.claim_token = None
            session.add(row)
            if n % batch == 0:
                session.commit()
        session.commit()
    return report
