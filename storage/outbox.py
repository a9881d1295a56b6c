"""Delivering the outbox through a channel (one pass; retries and backoff come with issue 4)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models import OutboxMessage
from notifications.channels import Channel, Outgoing


def deliver(channel: Channel, *, session: Session, now: dt.datetime, limit: int = 1000) -> int:
    """Send pending messages due at ``now``; a failure is recorded on the row and left pending."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # parallel workers never share a row
    rows = session.exec(query).all()
    sent = 0
    for row in rows:
        message = Outgoing(
            key=row.key,
            kind=row.kind,
            recipient=row.recipient,
            recipient_name=row.recipient_name,
            subject=row.subject,
            body=row.body,
            cc=tuple(row.cc),
            created_at=row.created_at,
        )
        row.attempts += 1
        try:
            channel.send(message)
        except OSError as exc:
            row.last_error = str(exc)
        else:
            row.status, row.sent_at, row.last_error = "sent", now, ""
            sent += 1
        session.add(row)
    session.flush()
    return sent
