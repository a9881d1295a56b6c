"""An occurrence as officers see it, for listings, calendars and messages."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class OccurrenceView:
    """One occurrence with what a reader needs: task, period, deadline, status, officer."""

    id: int
    unit: str
    plan: str
    task: str
    title: str
    area: str
    period: str
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    due_at: dt.datetime
    status: str
    lead_role: str
    officer_email: str | None
    officer_name: str | None
    acting_for: str | None
    overdue: bool
    working_days_left: int
    evidence: tuple[str, ...] = ()
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = list(self.evidence)
        return data
