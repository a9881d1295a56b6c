"""One occurrence for people (``cchc occurrence show``): what, when, who, the documents with
their uploads, and the history of changes with their reasons."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cchc.context import AppContext
from domain.occurrence import HistoryEntry, OccurrenceDetail, UploadView
from domain.periods import period_label


def _person(name: str | None, email: str | None, ctx: AppContext) -> str:
    if name and email:
        return f"{name} <{email}>"
    return name or email or ctx.t("label.vacant")


def _upload(u: UploadView, ctx: AppContext) -> str:
    text = ctx.t(
        "cli.occ_upload",
        file=u.file,
        revision=u.revision,
        status=ctx.t(f"cli.evidence_status.{u.status}"),
        by=u.uploaded_by,
        at=f"{u.uploaded_at:%d/%m/%Y %H:%M}",
    )
    return f"{text} — {u.reason}" if u.reason else text


def _change(h: HistoryEntry, ctx: AppContext) -> str:
    if h.before and h.after:
        text = f"{ctx.t(f'status.{h.before}')} → {ctx.t(f'status.{h.after}')}"
    elif h.after:
        text = ctx.t(f"status.{h.after}")
    else:
        changes = h.changes or {}
        if h.action == "reroute":
            text = ctx.t(
                "cli.occ_rerouted", officer=changes.get("officer") or ctx.t("label.vacant")
            )
        elif h.action == "reschedule":
            text = ctx.t("cli.occ_rescheduled", due=changes.get("due_date", ""))
        else:
            text = h.action
    if h.rule:
        text += f" ({ctx.t(f'cli.occ_rule.{h.rule}')})"
    return text


def render_occurrence(detail: OccurrenceDetail, ctx: AppContext, console: Console) -> None:
    head = Table(show_header=False, box=None, title=f"{detail.task} — {detail.title}")
    head.add_column(style="bold", no_wrap=True)
    head.add_column(overflow="fold")
    period = f"{period_label(detail.period, ctx.lang)} ({detail.period_start:%d/%m/%Y} – {detail.period_end:%d/%m/%Y})"
    if detail.overdue:
        late = -detail.working_days_left  # 0: the deadline passed less than a working day ago
        left = ctx.t("cli.late_by", n=late) if late > 0 else ctx.t("cli.overdue_passed")
    elif detail.status in ("open", "in_progress", "returned"):
        days = detail.working_days_left
        left = ctx.t("cli.occ_days_left", n=days) if days > 0 else ctx.t("cli.due_today")
    else:
        left = ""
    due = f"{detail.due_weekday} {detail.due_at:%H:%M}" + (f" ({left})" if left else "")
    head.add_row(ctx.t("label.period"), period)
    head.add_row(ctx.t("label.due"), Text(due, style="red" if detail.overdue else ""))
    head.add_row(ctx.t("label.status"), ctx.t(f"status.{detail.status}"))
    if detail.reason:
        head.add_row(ctx.t("cli.occ_reason"), detail.reason)
    lead = f"{detail.lead_title} — {_person(detail.officer_name, detail.officer_email, ctx)}"
    if detail.acting_for:
        lead += " " + ctx.t("cli.occ_acting_for", name=detail.acting_for)
    head.add_row(ctx.t("cli.occ_lead"), lead)
    approvers = ", ".join(detail.approver_officers) or ctx.t("label.vacant")
    head.add_row(ctx.t("cli.occ_approver"), f"{detail.approver_title} — {approvers}")
    console.print(head)

    docs = Table(title=ctx.t("cli.occ_documents"), show_lines=True)
    docs.add_column("#", justify="right", no_wrap=True)
    docs.add_column(ctx.t("cli.evidence_field.requirement"), overflow="fold", ratio=1)
    docs.add_column(ctx.t("cli.occ_uploads"), overflow="fold", ratio=1)
    for n, d in enumerate(detail.documents, 1):
        name = d.name if d.required else f"{d.name} ({ctx.t('cli.occ_optional')})"
        uploads = "\n".join(_upload(u, ctx) for u in d.uploads) or ctx.t("cli.occ_nothing")
        docs.add_row(str(n), name, Text(uploads, style="" if d.provided else "yellow"))
    for u in detail.extra:
        docs.add_row("+", ctx.t("cli.evidence_extra"), _upload(u, ctx))
    if detail.documents or detail.extra:
        console.print(docs)

    if not detail.history:
        console.print(ctx.t("cli.occ_no_history"))
        return
    history = Table(title=ctx.t("cli.occ_history"))
    history.add_column(ctx.t("cli.occ_when"), no_wrap=True)
    history.add_column(ctx.t("cli.occ_who"), overflow="fold", ratio=1)
    history.add_column(ctx.t("cli.occ_change"), overflow="fold", ratio=1)
    history.add_column(ctx.t("cli.occ_reason"), overflow="fold", ratio=2)
    for h in detail.history:
        history.add_row(
            f"{h.at:%d/%m/%Y %H:%M}", h.actor_name or h.actor, _change(h, ctx), h.reason or ""
        )
    console.print(history)
