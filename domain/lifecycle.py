"""The life of an occurrence: open → in_progress → submitted → accepted.

An approver may return a submission (``returned``, worked on again like ``in_progress``) with a
reason; the chairman may waive an occurrence with a reason. Overdue is not a status: it is
derived from the deadline and ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import LocalizedError, terms

OPEN, IN_PROGRESS, SUBMITTED, ACCEPTED = "open", "in_progress", "submitted", "accepted"
RETURNED, WAIVED, CANCELLED = "returned", "waived", "cancelled"
STATUSES = (OPEN, IN_PROGRESS, SUBMITTED, ACCEPTED, RETURNED, WAIVED, CANCELLED)
ACTIVE = frozenset({OPEN, IN_PROGRESS, RETURNED})


@dataclass(frozen=True)
class Transition:
    """An action: the statuses it starts from, where it leads, whether it needs a reason."""

    action: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("start", frozenset({OPEN, RETURNED}), IN_PROGRESS),
        Transition("submit", frozenset({OPEN, IN_PROGRESS, RETURNED}), SUBMITTED),
        Transition("accept", frozenset({SUBMITTED}), ACCEPTED),
        Transition("return", frozenset({SUBMITTED}), RETURNED, needs_reason=True),
        Transition(
            "waive", frozenset({OPEN, IN_PROGRESS, RETURNED, SUBMITTED}), WAIVED, needs_reason=True
        ),
    )
}


def apply(status: str, action: str, reason: str | None = None) -> str:
    """The status after ``action``; a clear error for an unknown or illegal one."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise LocalizedError("error.unknown_action", action=action, allowed=", ".join(TRANSITIONS))
    if status not in transition.sources:
        raise LocalizedError(
            "error.bad_transition",
            action=terms(f"action.occurrence.{action}"),
            status=terms(f"status.{status}") if status in STATUSES else status,
            allowed=terms(*(f"status.{s}" for s in STATUSES if s in transition.sources)),
        )
    if transition.needs_reason and not (reason and reason.strip()):
        raise LocalizedError("error.reason_required", action=terms(f"action.occurrence.{action}"))
    return transition.target
