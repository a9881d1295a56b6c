"""An occurrence as officers see it, for listings, calendars and messages, and in full."""

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


@dataclass(frozen=True)
class UploadView:
    """One uploaded revision of a document, as ``occurrence show`` lists it."""

    id: int
    file: str
    revision: int
    status: str
    reason: str
    uploaded_by: str
    uploaded_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "uploaded_at": self.uploaded_at.isoformat()}


@dataclass(frozen=True)
class DocumentView:
    """A document the task asks for ("tài liệu kiểm chứng"), with every upload for it.
    ``provided``: an upload that was not rejected; ``accepted``: one that was accepted."""

    name: str
    kind: str
    required: bool
    uploads: tuple[UploadView, ...] = ()

    @property
    def provided(self) -> bool:
        return any(u.status != "rejected" for u in self.uploads)

    @property
    def accepted(self) -> bool:
        return any(u.status == "accepted" for u in self.uploads)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "required": self.required,
            "provided": self.provided,
            "accepted": self.accepted,
            "uploads": [u.as_dict() for u in self.uploads],
        }


@dataclass(frozen=True)
class HistoryEntry:
    """One change of an occurrence from the audit log: a transition (``before`` → ``after``
    status, with its reason), or a re-routing or rescheduling (``changes``)."""

    at: dt.datetime
    action: str
    actor: str
    actor_name: str | None
    before: str | None
    after: str | None
    reason: str | None = None
    rule: str | None = None
    changes: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "action": self.action,
            "actor": self.actor,
            "actor_name": self.actor_name,
            "from": self.before,
            "to": self.after,
            "reason": self.reason,
            "rule": self.rule,
            "changes": self.changes or {},
        }


@dataclass(frozen=True)
class OccurrenceDetail:
    """One occurrence in full (``cchc occurrence show``): the task, its period and deadline,
    who leads and who approves, the documents with what was uploaded for each, and its history.
    Times are on the plan's wall clock."""

    unit: str
    plan: str
    task: str
    title: str
    area: str
    period: str
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    due_weekday: str
    due_at: dt.datetime
    status: str
    overdue: bool
    working_days_left: int
    lead_role: str
    lead_title: str
    officer_email: str | None
    officer_name: str | None
    acting_for: str | None
    approver_role: str
    approver_title: str
    approver_officers: tuple[str, ...]
    reason: str
    documents: tuple[DocumentView, ...]
    extra: tuple[UploadView, ...]
    history: tuple[HistoryEntry, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "plan": self.plan,
            "task": self.task,
            "title": self.title,
            "area": self.area,
            "period": self.period,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "due_date": self.due_date.isoformat(),
            "due_weekday": self.due_weekday,
            "due_at": self.due_at.isoformat(),
            "status": self.status,
            "overdue": self.overdue,
            "working_days_left": self.working_days_left,
            "lead_role": self.lead_role,
            "lead_title": self.lead_title,
            "officer_email": self.officer_email,
            "officer_name": self.officer_name,
            "acting_for": self.acting_for,
            "approver_role": self.approver_role,
            "approver_title": self.approver_title,
            "approver_officers": list(self.approver_officers),
            "reason": self.reason,
            "documents": [d.as_dict() for d in self.documents],
            "extra": [u.as_dict() for u in self.extra],
            "history": [h.as_dict() for h in self.history],
        }
