"""Re-checking a message when it is sent — a message held for later must not mislead.

A reminder written on a Saturday and held by quiet hours until Monday, or one retried after
the mail server was down, is looked at again just before it goes, against the occurrences it
is about as they are then:

- an item about finished work is dropped (a reminder for an occurrence submitted, accepted,
  waived or cancelled in between; a review request already reviewed);
- an item repeated by a newer message to the same recipient is superseded (only the newest
  goes: two held reminders never arrive in the same minute saying "còn 1 ngày" and "còn 0
  ngày");
- what is left is rendered again with the day's figures (days left, overdue).

A message with nothing left is not sent: its row becomes ``dropped`` or ``superseded``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlmodel import Session, col, select

from application.composer import Item, compose, facts, items_of
from application.notices import recipient
from models import Evidence, Occurrence, OutboxMessage, PlanRecord
from storage.occurrences import Context, context
from storage.outbox import DROPPED, PENDING, SENDING, SENT, SUPERSEDED


@dataclass
class Freshness:
    """The contexts one delivery pass re-checks its messages with (one per plan)."""

    session: Session
    now: dt.datetime
    contexts: dict[int, Context] = field(default_factory=dict)

    def context(self, plan_id: int) -> Context:
        if plan_id not in self.contexts:
            plan_row = self.session.get(PlanRecord, plan_id)
            assert plan_row is not None
            self.contexts[plan_id] = context(
                plan_row, session=self.session, actor="cchc-deliver", now=self.now
            )
        return self.contexts[plan_id]

    def recheck(self, row: OutboxMessage) -> str | None:
        """Bring ``row`` up to date for sending now; the status it takes instead of being
        sent (``dropped``, ``superseded``), or None to send it."""
        if (row.facts or {}).get("deadlines"):
            from application.deadline_dues import still_due

            if still_due(self.session, list(row.facts["deadlines"])):
                return None
            row.status, row.facts = DROPPED, {**row.facts, "why": DROPPED}
            return DROPPED
        items = items_of(row.facts)
        if not items:
            return None  # not about occurrences (a digest, a dead letter), or written before
        newer = self._newer(row)
        keep: list[Item] = []
        superseded = 0
        occurrences: dict[int, Occurrence] = {}
        for item in items:
            occ = self.session.get(Occurrence, item.occurrence_id)
            if occ is None or not item.current(occ.status):
                continue
            if (item.occurrence_id, item.family) in newer:
                superseded += 1
                continue
            keep.append(item)
            occurrences[item.occurrence_id] = occ
        if not keep:
            status = SUPERSEDED if superseded == len(items) else DROPPED
            row.status, row.facts = status, {**row.facts, "why": status}
            return status
        if len(keep) == len(items) and self._unchanged(row, list(occurrences.values())):
            return None  # rendered again, it would say the same
        ctx = self.context(next(iter(occurrences.values())).plan_id)
        email = str(row.facts.get("to") or row.recipient)
        to = recipient(self.session, row.unit_id or 0, email, row.recipient_name)
        _kind, rendered = compose(ctx, keep, lang=to.lang, recipient_name=to.name, kind=row.kind)
        row.subject, row.body = rendered.subject, rendered.text
        if row.channel == "email":
            row.html = rendered.html
        if len(keep) < len(items):
            row.facts = {**row.facts, **facts(str(row.facts.get("to", "")), keep)}
        return None

    def _unchanged(self, row: OutboxMessage, occurrences: list[Occurrence]) -> bool:
        """Whether nothing the text says can have changed since ``row`` was written: the same
        local day, no deadline passed, no occurrence touched (status, officer, due date) and
        no document uploaded or reviewed since."""
        written = row.created_at
        plan_row = self.session.get(PlanRecord, occurrences[0].plan_id)
        if plan_row is None:
            return False
        zone = zoneinfo.ZoneInfo(plan_row.timezone)
        if written.astimezone(zone).date() != self.now.astimezone(zone).date():
            return False
        for occ in occurrences:
            if written < occ.due_at <= self.now:
                return False
            if occ.updated_at is not None and occ.updated_at > written:
                return False
        touched = self.session.exec(
            select(Evidence.id).where(
                col(Evidence.occurrence_id).in_([o.id for o in occurrences]),
                or_(col(Evidence.uploaded_at) > written, col(Evidence.reviewed_at) > written),
            )
        ).first()
        return touched is None

    def _newer(self, row: OutboxMessage) -> set[tuple[int, str]]:
        """(occurrence, family) of the items of newer messages to the same recipient that
        are going or gone."""
        later = self.session.exec(
            select(OutboxMessage).where(
                OutboxMessage.recipient == row.recipient,
                OutboxMessage.channel == row.channel,
                col(OutboxMessage.id) > (row.id or 0),
                col(OutboxMessage.status).in_((PENDING, SENDING, SENT)),
            )
        ).all()
        return {(i.occurrence_id, i.family) for other in later for i in items_of(other.facts)}
