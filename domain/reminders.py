"""When to remind an officer and when to escalate — "nhắc việc", "báo cáo cấp trên".

Pure decisions on an occurrence's due date: ``before`` offsets give reminders at the plan's
hour on the working day that many working days before the deadline; ``escalate`` offsets give
escalations that many working days after it, the n-th going n steps up the ``reports_to``
chain. A sweep records what it sends, so each (kind, step) goes out once; after a gap, only
the latest missed step is sent, as one catch-up message.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from domain.clock import require_aware
from domain.plan import Plan, Reminders
from domain.workdays import WorkCalendar

REMINDER, ESCALATION = "reminder", "escalation"
DUE_TIME = dt.time(17, 0)  # a deadline is the end of the working day, local time
CLOSED = frozenset({"submitted", "accepted", "waived", "cancelled"})


def local(day: dt.date, at: dt.time, timezone: str) -> dt.datetime:
    """``day`` at local time ``at`` in ``timezone``, as an aware datetime."""
    return dt.datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(timezone))


@dataclass(frozen=True)
class Step:
    """One message an occurrence may need: a reminder (step = working days before the
    deadline) or an escalation (step = 1, 2, … up the chain), due at ``at``."""

    kind: str
    step: int
    at: dt.datetime

    @property
    def key(self) -> tuple[str, int]:
        return self.kind, self.step


def ladder(due: dt.date, reminders: Reminders, calendar: WorkCalendar, timezone: str) -> list[Step]:
    """Every reminder and escalation of an occurrence due on ``due``, in time order."""
    out = [
        Step(REMINDER, offset, local(calendar.add(due, -offset), reminders.at, timezone))
        for offset in sorted(set(reminders.before), reverse=True)
    ]
    out += [
        Step(ESCALATION, n, local(calendar.add(due, offset), reminders.at, timezone))
        for n, offset in enumerate(sorted(set(reminders.escalate)), start=1)
    ]
    return sorted(out, key=lambda s: (s.at, s.kind != REMINDER))


@dataclass(frozen=True)
class Decision:
    """What a sweep does for one occurrence at ``now``.

    ``send`` is at most one step: the latest one due. ``skip`` are earlier due steps that
    were missed (recorded, never sent). ``next_at`` is when the occurrence next needs a look.
    """

    send: Step | None
    skip: tuple[Step, ...]
    next_at: dt.datetime | None

    @property
    def catch_up(self) -> bool:
        return bool(self.skip)


def decide(
    steps: Sequence[Step], done: Collection[tuple[str, int]], status: str, now: dt.datetime
) -> Decision:
    """The reminders due for an occurrence in ``status`` at ``now``, given the steps ``done``."""
    require_aware(now)
    if status in CLOSED:
        return Decision(None, (), None)
    pending = [s for s in steps if s.key not in done]
    due = [s for s in pending if s.at <= now]
    later = [s for s in pending if s.at > now]
    next_at = later[0].at if later else None
    if not due:
        return Decision(None, (), next_at)
    return Decision(due[-1], tuple(due[:-1]), next_at)


def escalation_role(plan: Plan, lead: str, n: int) -> str:
    """The role the n-th escalation goes to: n steps up from ``lead``; the top takes the rest."""
    chain = plan.chain(lead)
    return chain[min(n, len(chain) - 1)]


def due_at(due: dt.date, timezone: str) -> dt.datetime:
    return local(due, DUE_TIME, timezone)


def working_days_left(today: dt.date, due: dt.date, calendar: WorkCalendar) -> int:
    """Working days from ``today`` to ``due`` (negative when overdue)."""
    return calendar.count(today, due)
