"""Who approves what — "người duyệt": the position that accepts a task's work, its holders,
and the submissions waiting for each of them.

A submission is reviewed by the holders of the task's approving position in the task's area
(else the chairman), never by the officer who submitted it — the same people the policy lets
accept or return it. They are told when something is submitted, and their digest lists
what waits for them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from domain.lifecycle import SUBMITTED
from domain.plan import Plan, Task
from models import Occurrence
from responsibilities.holding import holders
from responsibilities.policy import CHAIRMAN
from storage.occurrences import Context


def approver_of(plan: Plan, task: Task) -> str:
    """The position that accepts a task's work: its ``approver``, else the position its lead
    reports to, else the chairman."""
    if task.approver:
        return task.approver
    try:
        above = plan.role(task.lead).reports_to
    except KeyError:
        above = None
    return above or CHAIRMAN


def approvers(ctx: Context, task: Task, submitted_by: str) -> list[tuple[str, str, str]]:
    """(email, name, position) of whoever may review a submission of ``task`` today: the
    holders of its approving position in its area other than the submitter, else the
    chairman's holders other than the submitter."""
    for role in dict.fromkeys((approver_of(ctx.plan, task), CHAIRMAN)):
        found = [
            (h.officer, h.name, role)
            for h in holders(ctx.holdings, role, ctx.today, task.area)
            if h.officer != submitted_by
        ]
        if found:
            return list({email: (email, name, r) for email, name, r in found}.values())
    return []


def approval_queue(ctx: Context, submitted: Sequence[Occurrence]) -> dict[str, list[Occurrence]]:
    """The submitted occurrences waiting for each reviewer, by the reviewer's email."""
    tasks = {t.code: t for t in ctx.plan.tasks}
    out: dict[str, list[Occurrence]] = {}
    for occ in submitted:
        task = tasks.get(occ.task_code)
        if task is None or occ.status != SUBMITTED:
            continue
        for email, _name, _role in approvers(ctx, task, occ.submitted_by):
            out.setdefault(email, []).append(occ)
    return out


def submitted_to(ctx: Context, email: str) -> list[Occurrence]:
    """The submitted occurrences of ``ctx``'s plan waiting for ``email``'s review, oldest
    submission first — "Chờ duyệt", and the approvals part of "Việc của tôi"."""
    submitted = ctx.session.exec(
        select(Occurrence)
        .where(Occurrence.plan_id == ctx.plan_row.id)
        .where(Occurrence.status == SUBMITTED)
        .order_by(
            col(Occurrence.submitted_at),
            col(Occurrence.due_date),
            col(Occurrence.task_code),
            col(Occurrence.period),
        )
    ).all()
    return approval_queue(ctx, submitted).get(email, [])
