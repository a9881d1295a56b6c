"""The words of reminders and escalations, in Vietnamese (default) or English."""

from __future__ import annotations

from dataclasses import dataclass

from domain.i18n import Lang, t
from domain.occurrence import OccurrenceView
from domain.workdays import weekday_date


@dataclass(frozen=True)
class Escalation:
    """Who is late, by how much, and which step up the chain this is."""

    step: int
    late_officer: str
    days_late: int
    superior_role: str


def submit_command(view: OccurrenceView) -> str:
    return f"cchc occurrence submit {view.task} {view.period}"


def compose(
    view: OccurrenceView,
    kind: str,
    lang: Lang = "vi",
    *,
    catch_up: bool = False,
    escalation: Escalation | None = None,
    position_title: str = "",
) -> tuple[str, str]:
    """Subject and body of a message about ``view``."""
    due = weekday_date(view.due_date, lang)
    if escalation is not None:
        subject = t(
            "msg.escalation_subject",
            lang,
            task=view.task,
            period=view.period,
            officer=escalation.late_officer,
            days=escalation.days_late,
        )
    else:
        key = "msg.overdue_subject" if view.working_days_left < 0 else "msg.reminder_subject"
        subject = t(key, lang, task=view.task, period=view.period, due=due)
    lines = [
        t("msg.task", lang, task=view.task, title=view.title),
        t(
            "msg.period",
            lang,
            period=view.period,
            start=f"{view.period_start:%d/%m/%Y}",
            end=f"{view.period_end:%d/%m/%Y}",
        ),
        t("msg.due", lang, due=due),
    ]
    if view.working_days_left >= 0:
        lines.append(t("msg.days_left", lang, n=view.working_days_left))
    else:
        lines.append(t("msg.days_late", lang, n=-view.working_days_left))
    role = position_title or view.lead_role
    if view.acting_for:
        lines.append(
            t(
                "msg.assigned_acting",
                lang,
                position=role,
                name=view.officer_name or "",
                other=view.acting_for,
            )
        )
    else:
        lines.append(
            t("msg.assigned", lang, position=role, name=view.officer_name or t("cli.vacant", lang))
        )
    if view.evidence:
        lines.append(t("msg.evidence", lang))
        lines += [f"  - {name}" for name in view.evidence]
    if escalation is not None:
        lines.append(
            t(
                "msg.escalation_ask",
                lang,
                officer=escalation.late_officer,
                days=escalation.days_late,
                step=escalation.step,
            )
        )
    else:
        lines.append(t("msg.how_to_submit", lang, command=submit_command(view)))
    if catch_up:
        lines.append(t("msg.catch_up", lang, status=view.status))
    return subject, "\n".join(lines) + "\n"
